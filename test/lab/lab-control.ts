// Unauthenticated /_lab control API (loopback only): sources, stats, faults, model summary.
import { parseFaults } from './faults.ts'
import { deleteLabGuest, type LabBackupRequest, runLabBackup, setLabClock } from './lab-backups.ts'
import type { LabState } from './lab-state.ts'
import { requestCounts } from './lab-state.ts'
import { type LabModel, labSources } from './model.ts'
import { labJson } from './respond.ts'

export function modelSummary(model: LabModel): Record<string, unknown> {
  const stores = model.pbs.flatMap((p) => p.datastores)
  return {
    seed: model.seed,
    now: model.now,
    preset: model.preset,
    days: model.days,
    counts: {
      clusters: model.clusters.length,
      nodes: model.clusters.reduce((n, c) => n + c.nodes.length, 0),
      guests: model.clusters.reduce((n, c) => n + c.guests.length, 0),
      storages: model.clusters.reduce((n, c) => n + c.storages.length, 0),
      vzdumpArchives: model.clusters.reduce((n, c) => n + c.archives.length, 0),
      tasks: model.clusters.reduce((n, c) => n + c.tasks.length, 0),
      pbsDatastores: stores.length,
      pbsGroups: stores.reduce((n, d) => n + d.groups.length, 0),
      pbsSnapshots: stores.reduce(
        (n, d) => n + d.groups.reduce((m, g) => m + g.snapshots.length, 0),
        0,
      ),
    },
    facts: model.facts,
  }
}

export async function handleControl(
  request: Request,
  model: LabModel,
  state: LabState,
): Promise<Response> {
  const url = new URL(request.url)
  const route = `${request.method} ${url.pathname.replace(/\/+$/, '')}`
  const sourceIds = [...model.clusters.map((c) => c.id), ...model.pbs.map((p) => p.id)]
  switch (route) {
    case 'GET /_lab/sources':
      return labJson(labSources(model, url.origin))
    case 'GET /_lab/stats':
      return labJson(requestCounts(state))
    case 'POST /_lab/stats/reset':
      state.counts.clear()
      return labJson({ ok: true })
    case 'GET /_lab/faults':
      return labJson(state.faults)
    case 'PUT /_lab/faults': {
      let body: unknown
      try {
        body = JSON.parse(await request.text())
      } catch {
        return labJson({ error: 'body must be a JSON array of faults' }, 400)
      }
      try {
        state.faults = parseFaults(body, sourceIds)
      } catch (error) {
        return labJson({ error: (error as Error).message }, 400)
      }
      return labJson(state.faults)
    }
    case 'DELETE /_lab/faults':
      state.faults = []
      return labJson([])
    case 'GET /_lab/model-summary':
      return labJson(modelSummary(model))
    case 'POST /_lab/clock':
    case 'POST /_lab/backup':
    case 'POST /_lab/delete-guest': {
      // Changes as time passes (lab-backups.ts): the clock, a guest's backup, a deleted guest.
      let body: Record<string, unknown>
      try {
        body = JSON.parse(await request.text()) as Record<string, unknown>
        if (typeof body !== 'object' || body === null) throw new Error()
      } catch {
        return labJson({ error: 'body must be a JSON object' }, 400)
      }
      try {
        if (route === 'POST /_lab/clock') {
          const advance = Number(body.advanceSeconds ?? 0)
          setLabClock(model, typeof body.now === 'number' ? body.now : model.now + advance)
          return labJson({ now: model.now })
        }
        if (route === 'POST /_lab/delete-guest') {
          deleteLabGuest(model, String(body.cluster), Number(body.vmid))
          return labJson({ ok: true })
        }
        const task = runLabBackup(model, body as unknown as LabBackupRequest)
        return labJson({ upid: task.upid, status: task.status ?? 'running' })
      } catch (error) {
        return labJson({ error: (error as Error).message }, 400)
      }
    }
    case 'GET /_lab/clock':
      return labJson({ now: model.now, clock: state.clock })
    case 'PUT /_lab/clock': {
      // {"at": <epoch seconds ≤ the lab's now>} sets the clock into the past; {"at": null} back.
      let body: unknown
      try {
        body = JSON.parse(await request.text())
      } catch {
        return labJson({ error: 'body must be {"at": <epoch seconds> | null}' }, 400)
      }
      const at = (body as { at?: unknown } | null)?.at
      if (at !== null && !(Number.isInteger(at) && (at as number) <= model.now)) {
        return labJson({ error: `at must be whole epoch seconds up to ${model.now}, or null` }, 400)
      }
      state.clock = at as number | null
      return labJson({ now: model.now, clock: state.clock })
    }
    default:
      return labJson({ error: `unknown lab control route '${route}'` }, 404)
  }
}

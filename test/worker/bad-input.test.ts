// Bad items in otherwise good answers, end to end: the collector drops and counts them, the
// count reaches /api/status for that source (what the dashboard shows), and the good items of
// the same answer are still served.
import { describe, expect, it } from 'vitest'
import type { Env } from '../../functions/env.ts'
import { getFilteredAge } from '../../shared/age.ts'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { freshKv } from './kv.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const { now, facts } = labModel()
const g = facts.designGuest

type Edit = (path: string, query: URLSearchParams, data: unknown[]) => unknown[]

/** The lab's answers, with `edit` applied to every list it returns. */
function editing(edit: Edit): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    const url = new URL(input instanceof Request ? input.url : String(input))
    const body = await response.text()
    const envelope = response.ok ? JSON.parse(body) : null
    if (!Array.isArray(envelope?.data)) return new Response(body, response)
    envelope.data = edit(url.pathname, url.searchParams, envelope.data)
    return new Response(JSON.stringify(envelope), response)
  }
}

async function run(testEnv: Env, edit?: Edit) {
  await refresh(testEnv, {
    now,
    reason: 'test',
    subrequestBudget: 1000,
    ...(edit ? { fetch: editing(edit) } : {}),
  })
  const status = StatusSchema.parse(await (await call(testEnv, '/api/status')).json())
  const response = await call(testEnv, `/api/guests/${g.cluster}/${g.vmid}`)
  const design = response.ok ? GuestRecordSchema.parse(await response.json()) : null
  return { status, design }
}

const warningsOf = (status: { sources: { id: string; warnings: string[] }[] }, id: string) =>
  status.sources.find((s) => s.id === id)?.warnings ?? []

describe('bad items reach /api/status as counted warnings', () => {
  it('counts archives with a broken ctime on their storage and keeps the others', async () => {
    const good = await run(labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' }))
    let listing = ''
    const { status, design } = await run(
      { ...labEnv(), PULSE_KV: freshKv() },
      (path, _query, data) => {
        if (!path.endsWith(`/storage/${g.pveStorage}/content`)) return data
        listing = path
        let broken = 0
        return data.map((item) => {
          const volume = item as { volid: string; ctime: number }
          if (volume.volid === g.pveVolid || broken === 3) return item
          broken += 1
          return { ...volume, ctime: broken === 1 ? -5 : broken === 2 ? 'soon' : 1.5 }
        })
      },
    )
    const node = /\/nodes\/([^/]+)\//.exec(listing)?.[1]
    expect(warningsOf(status, g.cluster)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^3 of \\d+ backup volumes on storage ${g.pveStorage} \\(node ${node}\\) dropped: invalid ctime$`,
        ),
      ),
    )
    expect(design?.latestTimes).toEqual(good.design?.latestTimes)
    expect(design?.backups.map((b) => b.name)).toContain(g.pveVolid)
  })

  it('drops a PBS snapshot dated in the future, says so, and keeps the real latest time', async () => {
    const { status, design } = await run(
      { ...labEnv(), PULSE_KV: freshKv() },
      (path, query, data) => {
        // One listing per namespace: add a copy of the guest's newest snapshot, dated ahead.
        const ours =
          path.endsWith(`/admin/datastore/${g.pbsDatastore}/snapshots`) &&
          (query.get('ns') ?? '') === g.pbsNamespace
        if (!ours) return data
        const newest = (data as Record<string, unknown>[])
          .filter((s) => s['backup-id'] === String(g.vmid) && s['backup-type'] === 'vm')
          .sort((a, b) => Number(a['backup-time']) - Number(b['backup-time']))
          .at(-1)
        return [...data, { ...newest, 'backup-time': now + 30 * 86_400 }]
      },
    )
    expect(warningsOf(status, 'pbs')).toContainEqual(
      expect.stringMatching(
        `^1 of \\d+ snapshots in ${g.pbsDatastore}/${g.pbsNamespace} dropped: backup-time in the future$`,
      ),
    )
    expect(design?.latestTimes.pbs).toBe(g.pbsBackupTime)
    expect(getFilteredAge(design ?? {}, 'all', now)).toBeGreaterThan(0)
  })

  it('shows what the normalizer skipped under the source it concerns', async () => {
    // The cluster's first refresh fails, so PBS groups mapped to it have no guest to go to.
    const { status } = await run({ ...labEnv(), PULSE_KV: freshKv() }, (path, _query, data) =>
      path.startsWith(`/pve/${g.cluster}/`) && path.endsWith('/cluster/status') ? [] : data,
    )
    expect(status.sources.find((s) => s.id === g.cluster)?.lastError?.kind).toBe('invalid-response')
    expect(warningsOf(status, 'pbs')).toContainEqual(
      expect.stringContaining(`is mapped to cluster "${g.cluster}", whose guests are unknown`),
    )
  })
})

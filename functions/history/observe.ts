// What one refresh saw, in the shape history keeps: every finished backup of every guest and
// orphan (as the normalizer attributed it; ambiguous PBS groups belong to no one and are left
// out), with the duration of the vzdump run that made it when the task log tells it, and which
// sources a key's backups of each kind can come from (a backup is marked pruned only after a
// complete collection of all of them). Pure.
import type { BackupDetail, GuestRecord, OrphanRecord } from '../../shared/schema/guest.ts'
import type { PveFacts, PveTaskFact } from '../collect/facts.ts'
import type { HistoryKind, ObservedBackup } from './types.ts'

/** A task's start may precede the guest's own start by the guests before it; and clocks skew. */
const TASK_SLACK_SECONDS = 120

export interface Observed {
  /** Per key, its backups sorted by kind, time and ident. */
  backups: Map<string, ObservedBackup[]>
  /** Per key, the sources its backups of each kind can come from. */
  sources: Map<string, SourcesOf>
}

/** Source ids behind a key: its cluster's PVE source and, for PBS snapshots, PBS sources. */
export interface SourcesOf {
  cluster: string | null
  /** A PBS group orphan names its PBS source; otherwise any PBS source may hold its snapshots. */
  pbsSource: string | null
}

/**
 * What tells a backup from the key's others of its kind: a PVE volid is unique per storage, and
 * a node-local storage exists once per node; a PBS path is unique per datastore and namespace; a
 * snapshot name per guest, wherever the guest runs (a snapshot deleted and made again under the
 * same name is a new one: its time tells it).
 */
export function identityOf(detail: BackupDetail): string {
  if (detail.kind === 'snapshot') return `${detail.name}\u0000${detail.time}`
  if (detail.kind === 'pve')
    return `${detail.location}\u0000${detail.node ?? ''}\u0000${detail.name}`
  return `${detail.location}\u0000${detail.name}`
}

interface Run {
  start: number
  end: number
  seconds: number
}

/** Per `cluster/vmid`, the finished runs of its backups with their durations. */
function runDurations(pve: readonly PveFacts[]): Map<string, Run[]> {
  const out = new Map<string, Run[]>()
  const add = (key: string, run: Run) => {
    const list = out.get(key)
    if (list) list.push(run)
    else out.set(key, [run])
  }
  for (const facts of pve) {
    for (const task of facts.tasks) {
      if (task.endtime === undefined) continue
      for (const [vmid, seconds] of taskSeconds(task)) {
        add(`${facts.sourceId}/${vmid}`, { start: task.starttime, end: task.endtime, seconds })
      }
    }
  }
  return out
}

/** Each guest's duration in the task: from its log line, or a one-guest task's own length. */
function taskSeconds(task: PveTaskFact): [number, number][] {
  const out: [number, number][] = []
  for (const result of task.guests) {
    if (result.outcome === 'ok' && result.seconds !== undefined)
      out.push([result.vmid, result.seconds])
  }
  if (out.length === 0 && /^[1-9]\d*$/.test(task.id) && task.endtime !== undefined) {
    const failed = task.outcome === 'failed' || task.guests.some((g) => g.outcome === 'failed')
    if (!failed) out.push([Number(task.id), task.endtime - task.starttime])
  }
  return out
}

function durationFor(runs: readonly Run[] | undefined, time: number): number | null {
  let best: Run | undefined
  for (const run of runs ?? []) {
    if (time < run.start - TASK_SLACK_SECONDS || time > run.end + TASK_SLACK_SECONDS) continue
    if (!best || run.start > best.start) best = run
  }
  return best?.seconds ?? null
}

const KIND_ORDER: Record<HistoryKind, number> = { pve: 0, pbs: 1, snapshot: 2 }

function observe(
  key: string,
  cluster: string | null,
  details: readonly BackupDetail[],
  durations: Map<string, Run[]>,
): ObservedBackup[] {
  const vmid = cluster === null ? null : key.slice(cluster.length + 1)
  const runs = vmid === null ? undefined : durations.get(`${cluster}/${vmid}`)
  const out: ObservedBackup[] = []
  for (const detail of details) {
    // Not a backup yet (running or aborted); a snapshot of unknown time cannot be placed.
    if (detail.inProgress || (detail.kind === 'snapshot' && detail.time <= 0)) continue
    out.push({
      key,
      kind: detail.kind,
      ident: identityOf(detail),
      time: detail.time,
      size: detail.size ?? null,
      location: detail.location,
      node: detail.node ?? null,
      name: detail.name,
      verification: detail.verification ?? null,
      protected: detail.protected,
      notes: detail.notes ?? null,
      durationSeconds: detail.kind === 'snapshot' ? null : durationFor(runs, detail.time),
    })
  }
  return out.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.time - b.time ||
      (a.ident < b.ident ? -1 : a.ident > b.ident ? 1 : 0),
  )
}

export function observeBackups(
  guests: readonly Pick<GuestRecord, 'key' | 'cluster' | 'backups'>[],
  orphans: readonly Pick<OrphanRecord, 'key' | 'cluster' | 'backups' | 'pbsGroup'>[],
  pve: readonly PveFacts[],
): Observed {
  const durations = runDurations(pve)
  const backups = new Map<string, ObservedBackup[]>()
  const sources = new Map<string, SourcesOf>()
  for (const guest of guests) {
    backups.set(guest.key, observe(guest.key, guest.cluster, guest.backups, durations))
    sources.set(guest.key, { cluster: guest.cluster, pbsSource: null })
  }
  for (const orphan of orphans) {
    // An orphan's key is `cluster/vmid` like the guest it was: a deleted guest keeps its history.
    const seen = observe(orphan.key, orphan.cluster, orphan.backups, durations)
    backups.set(orphan.key, [...(backups.get(orphan.key) ?? []), ...seen])
    sources.set(orphan.key, {
      cluster: orphan.cluster,
      pbsSource: orphan.pbsGroup?.source ?? null,
    })
  }
  return { backups, sources }
}

/**
 * Sources that must all have been collected completely before a missing backup of this kind
 * counts as pruned: its cluster's PVE source (its listing, its guests, its attribution) and for
 * PBS snapshots every PBS source, or the one a group orphan names.
 */
export function sourcesFor(kind: HistoryKind, of: SourcesOf, pbsSources: readonly string[]) {
  const pve = of.cluster === null ? [] : [of.cluster]
  if (kind !== 'pbs') return pve
  return [...pve, ...(of.pbsSource === null ? pbsSources : [of.pbsSource])]
}

/** For a key this refresh did not see at all: read its sources from the key's own form. */
export function sourcesOfKey(key: string): SourcesOf {
  const parts = key.split('/')
  // `pbs/<source>/<store>/<namespace>/<type>/<id>` (orphans.ts) or `cluster/vmid`.
  if (parts.length > 2 && parts[0] === 'pbs') return { cluster: null, pbsSource: parts[1] ?? null }
  return { cluster: parts[0] ?? null, pbsSource: null }
}

// Records what is new about backups since the last refresh: a backup seen for the first time, a
// changed figure (verification, protection, notes, a duration learnt later), a backup gone from
// storage. Only keys whose digest changed are looked at, so a steady refresh reads the digests
// and writes nothing. A missing backup is marked pruned only when every source it can come from
// was collected completely (no deferred work, no failure): until then it is only noted as
// missing since this pass, and its key is looked at again each pass until it settles.
import type { StateStore } from '../coordinator/state.ts'
import { backupsDigest } from './digest.ts'
import { type Observed, sourcesFor, sourcesOfKey } from './observe.ts'
import type { BackupChange, ObservedBackup, StoredBackup } from './types.ts'

export interface BackupPass {
  now: number
  /** Start of the previous pass: the last one that saw what this one misses. */
  previousPass: number | null
  /** Sources whose served facts are a complete, successful collection. */
  complete: ReadonlySet<string>
  pbsSources: readonly string[]
}

/** Not a digest (those are `<count>:<hash>`): kept for a key with backups missing, unsettled. */
const UNSETTLED = 'unsettled'

const identity = (b: Pick<ObservedBackup, 'kind' | 'ident'>) => `${b.kind}\u0000${b.ident}`

/** The columns of `row` that differ from what was seen now. */
function changesOf(row: StoredBackup, seen: ObservedBackup): BackupChange | null {
  const change: BackupChange = { id: row.id }
  if (row.size !== seen.size) change.size = seen.size
  if (row.location !== seen.location) change.location = seen.location
  if (row.node !== seen.node) change.node = seen.node
  if (row.name !== seen.name) change.name = seen.name
  if (row.verification !== seen.verification) change.verification = seen.verification
  if (row.protected !== seen.protected) change.protected = seen.protected
  if (row.notes !== seen.notes) change.notes = seen.notes
  // Learnt later (the task log read after the backup was first listed); never forgotten.
  if (row.durationSeconds === null && seen.durationSeconds !== null)
    change.durationSeconds = seen.durationSeconds
  // Missing for a while (a listing cut short) and back: on storage after all.
  if (row.missingSince !== null) change.missingSince = null
  return Object.keys(change).length > 1 ? change : null
}

export function recordBackups(state: StateStore, observed: Observed, pass: BackupPass): number {
  const stored = state.historyDigests()
  // A key with nothing seen has no digest: a guest never backed up costs nothing per pass.
  const digests = new Map<string, string | null>()
  const changed: string[] = []
  for (const [key, backups] of observed.backups) {
    const digest = backups.length > 0 ? backupsDigest(backups) : null
    digests.set(key, digest)
    if ((stored.get(key) ?? null) !== digest) changed.push(key)
  }
  for (const key of stored.keys()) if (!observed.backups.has(key)) changed.push(key)
  if (changed.length === 0) return 0

  const open = new Map<string, StoredBackup[]>()
  for (const row of state.openBackups(changed)) {
    const list = open.get(row.key)
    if (list) list.push(row)
    else open.set(row.key, [row])
  }
  const inserts: ObservedBackup[] = []
  const changes: BackupChange[] = []
  const newDigests: [string, string | null][] = []
  for (const key of changed) {
    const seen = observed.backups.get(key) ?? []
    const rows = new Map((open.get(key) ?? []).map((row) => [identity(row), row]))
    for (const backup of seen) {
      const row = rows.get(identity(backup))
      if (!row) inserts.push(backup)
      else {
        rows.delete(identity(backup))
        const change = changesOf(row, backup)
        if (change) changes.push(change)
      }
    }
    // What is left was on storage and is not now.
    let settled = true
    const of = observed.sources.get(key) ?? sourcesOfKey(key)
    for (const row of rows.values()) {
      const change: BackupChange = { id: row.id }
      if (row.missingSince === null) {
        change.missingSince = pass.now
        change.lastSeen = Math.max(row.firstSeen, pass.previousPass ?? row.firstSeen)
      }
      const sources = sourcesFor(row.kind, of, pass.pbsSources)
      if (sources.length > 0 && sources.every((id) => pass.complete.has(id))) {
        change.prunedAt = pass.now
      } else settled = false
      if (Object.keys(change).length > 1) changes.push(change)
    }
    // An unsettled key gets a digest no set of backups has, so every pass looks at it again
    // (even once its backups are as they were) until it settles.
    newDigests.push([key, settled ? (digests.get(key) ?? null) : UNSETTLED])
  }
  return (
    state.upsertBackups(inserts, pass.now) +
    state.updateBackups(changes) +
    state.setHistoryDigests(
      newDigests.filter(([key, digest]) => (stored.get(key) ?? null) !== digest),
    )
  )
}

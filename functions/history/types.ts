// What the coordinator's history keeps (functions/coordinator/sqlite-state.ts, migration
// "history"): every backup seen, every finished vzdump run with each guest's outcome, and every
// scheduled run a guest missed. Plain data passed through the StateStore; the refresh pass
// writes it (record.ts), the routes read it (queries.ts).

export type HistoryKind = 'pve' | 'pbs' | 'snapshot'
/** Where a vzdump run wrote: a PBS-type storage, or anything else (an archive on PVE storage). */
export type RunKind = 'pve' | 'pbs'
export type RunOutcome = 'ok' | 'warning' | 'failed'

/** A backup as one refresh saw it, attributed to a guest (or orphan) key. */
export interface ObservedBackup {
  key: string
  kind: HistoryKind
  /** Tells it from the key's other backups of its kind (observe.ts, identityOf). */
  ident: string
  time: number
  size: number | null
  location: string
  node: string | null
  name: string
  verification: 'ok' | 'failed' | null
  protected: boolean
  notes: string | null
  /** From the vzdump task that made it, when known. */
  durationSeconds: number | null
}

export interface StoredBackup extends ObservedBackup {
  id: number
  /** The pass that first saw it. */
  firstSeen: number
  /** The last pass that saw it, once it went missing; firstSeen until then. */
  lastSeen: number
  /** The pass that first missed it; null while it is seen. */
  missingSince: number | null
  /** The pass that found it gone after a complete collection of its sources; null: on storage. */
  prunedAt: number | null
}

/** Columns of a stored backup that a refresh may change. */
export type BackupChange = {
  id: number
} & Partial<
  Pick<
    StoredBackup,
    | 'size'
    | 'location'
    | 'node'
    | 'name'
    | 'verification'
    | 'protected'
    | 'notes'
    | 'durationSeconds'
    | 'lastSeen'
    | 'missingSince'
    | 'prunedAt'
  >
>

/** One finished vzdump task (a job's run on one node) and how it went for each guest. */
export interface HistoryRun {
  cluster: string
  upid: string
  /** Job key (`cluster/id`); null for a run no job could be matched to. */
  job: string | null
  kind: RunKind
  node: string
  start: number
  end: number
  outcome: RunOutcome
  /** PVE's status text. */
  status: string
  guests: { key: string; outcome: RunOutcome; error: string | null }[]
}

/** One guest's line of a run, as the per-guest history reads it. */
export interface GuestRun {
  job: string | null
  node: string
  start: number
  end: number
  outcome: RunOutcome
  error: string | null
}

/** A scheduled run whose deadline passed with no new backup of the guest. */
export interface HistoryMiss {
  key: string
  /** The scheduled run that was missed. */
  run: number
  /** Its deadline (the guest's `missedSince`). */
  since: number
  job: string | null
  kind: RunKind
}

export interface GuestHistorySummary {
  /** Backups (not snapshots) still on storage. */
  restorePoints: number
  oldestRestorePoint: number | null
  /** Backups (not snapshots) no longer on storage. */
  pruned: number
  /** Oldest backup (not snapshot) history holds. */
  firstBackup: number | null
  /** Anything at all is held for the key (backups of any kind, runs, misses). */
  known: boolean
}

/** Counts of one measure per kind and span (`bucket`: the span's index in the bounds asked for). */
export interface ActivityBucket {
  measure: 'ok' | 'failed' | 'missed'
  kind: HistoryKind
  bucket: number
  count: number
}

/** Rows held per table, for the benchmark and the README's sizing. */
export interface HistorySize {
  backups: number
  runs: number
  runGuests: number
  misses: number
  usageSamples: number
}

// The history half of the in-memory state (memory-state.ts): the same contract as the SQLite
// tables of history-sql.ts, including the counts of rows written, for Node tests and benches.
// Stored objects are never changed in place (a change replaces the entry), so a snapshot is a
// copy of the maps and a transaction that throws can put them back.

import { spanOf } from '../history/spans.ts'
import type {
  ActivityBucket,
  GuestRun,
  HistoryMiss,
  HistoryRun,
  StoredBackup,
} from '../history/types.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { HistoryMethods } from './state.ts'

interface RunGuestRow {
  key: string
  start: number
  cluster: string
  upid: string
  kind: HistoryRun['kind']
  outcome: HistoryRun['outcome']
  error: string | null
}

interface Tables {
  backups: Map<number, StoredBackup>
  /** `key kind ident` → id, the unique constraint. */
  identities: Map<string, number>
  runs: Map<string, Omit<HistoryRun, 'guests'>>
  runGuests: Map<string, RunGuestRow>
  misses: Map<string, HistoryMiss>
  digests: Map<string, string>
  nextId: number
}

const copy = <T>(value: T): T => structuredClone(value)
/**
 * A backup row is flat (numbers, strings, booleans, nulls), as a SQL row is: a spread copies it
 * whole, at a fraction of structuredClone's cost (26,600 rows on a first pass of the large lab).
 */
const flat = <T extends object>(value: T): T => ({ ...value })
const identity = (b: { key: string; kind: string; ident: string }) =>
  `${b.key}\u0000${b.kind}\u0000${b.ident}`
const byTime = (a: StoredBackup, b: StoredBackup) =>
  a.time - b.time || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.ident < b.ident ? -1 : 1)

export interface MemoryHistory extends HistoryMethods {
  snapshot(): unknown
  restore(saved: unknown): void
}

export function createMemoryHistory(samples: () => Map<string, UsageSample>): MemoryHistory {
  let t: Tables = {
    backups: new Map(),
    identities: new Map(),
    runs: new Map(),
    runGuests: new Map(),
    misses: new Map(),
    digests: new Map(),
    nextId: 1,
  }
  const all = () => [...t.backups.values()]
  return {
    snapshot: () => ({
      backups: new Map(t.backups),
      identities: new Map(t.identities),
      runs: new Map(t.runs),
      runGuests: new Map(t.runGuests),
      misses: new Map(t.misses),
      digests: new Map(t.digests),
      nextId: t.nextId,
    }),
    restore(saved) {
      t = saved as Tables
    },
    historyDigests: () => new Map(t.digests),
    setHistoryDigests(entries) {
      let written = 0
      for (const [key, digest] of entries) {
        if (digest === null) {
          if (t.digests.delete(key)) written += 1
        } else {
          t.digests.set(key, digest)
          written += 1
        }
      }
      return written
    },
    openBackups(keys) {
      const wanted = new Set(keys)
      return all()
        .filter((b) => wanted.has(b.key) && b.prunedAt === null)
        .map(flat)
    },
    upsertBackups(backups, now) {
      for (const b of backups) {
        const known = t.identities.get(identity(b))
        const stored = known === undefined ? undefined : t.backups.get(known)
        if (stored) {
          t.backups.set(stored.id, {
            ...stored,
            ...b,
            id: stored.id,
            time: stored.time,
            durationSeconds: b.durationSeconds ?? stored.durationSeconds,
            firstSeen: stored.firstSeen,
            lastSeen: stored.lastSeen,
            missingSince: null,
            prunedAt: null,
          })
        } else {
          const id = t.nextId
          t.nextId += 1
          t.identities.set(identity(b), id)
          t.backups.set(id, {
            ...b,
            id,
            firstSeen: now,
            lastSeen: now,
            missingSince: null,
            prunedAt: null,
          })
        }
      }
      return backups.length
    },
    updateBackups(changes) {
      let written = 0
      for (const { id, ...set } of changes) {
        const stored = t.backups.get(id)
        if (!stored || Object.keys(set).length === 0) continue
        t.backups.set(id, { ...stored, ...set })
        written += 1
      }
      return written
    },
    historyRunIds: (cluster, since) =>
      new Set(
        [...t.runs.values()]
          .filter((r) => r.cluster === cluster && r.start >= since)
          .map((r) => r.upid),
      ),
    addRuns(runs) {
      let written = 0
      for (const { guests, ...run } of runs) {
        const id = `${run.cluster}\u0000${run.upid}`
        if (t.runs.has(id)) continue
        t.runs.set(id, copy(run))
        written += 1
        for (const g of guests) {
          const gid = `${g.key}\u0000${run.start}\u0000${run.upid}`
          if (t.runGuests.has(gid)) continue
          t.runGuests.set(gid, {
            key: g.key,
            start: run.start,
            cluster: run.cluster,
            upid: run.upid,
            kind: run.kind,
            outcome: g.outcome,
            error: g.error,
          })
          written += 1
        }
      }
      return written
    },
    historyMissKeys: (since) =>
      new Set([...t.misses.values()].filter((m) => m.run >= since).map((m) => `${m.key} ${m.run}`)),
    addMisses(misses) {
      let written = 0
      for (const m of misses) {
        const id = `${m.key} ${m.run}`
        if (t.misses.has(id)) continue
        t.misses.set(id, copy(m))
        written += 1
      }
      return written
    },
    dropHistoryBefore(cutoff) {
      let written = 0
      for (const [id, b] of t.backups) {
        if (b.time < cutoff && b.prunedAt !== null) {
          t.backups.delete(id)
          t.identities.delete(identity(b))
          written += 1
        }
      }
      for (const [id, g] of t.runGuests) {
        if (g.start < cutoff) {
          t.runGuests.delete(id)
          written += 1
        }
      }
      for (const [id, r] of t.runs) {
        if (r.start < cutoff) {
          t.runs.delete(id)
          written += 1
        }
      }
      for (const [id, m] of t.misses) {
        if (m.run < cutoff) {
          t.misses.delete(id)
          written += 1
        }
      }
      return written
    },
    guestBackups: (key, since) =>
      all()
        .filter((b) => b.key === key && b.time >= since)
        .sort(byTime)
        .map(flat),
    guestRuns: (key, since) =>
      [...t.runGuests.values()]
        .filter((g) => g.key === key && g.start >= since)
        .sort((a, b) => a.start - b.start || (a.upid < b.upid ? -1 : 1))
        .flatMap((g): GuestRun[] => {
          const run = t.runs.get(`${g.cluster}\u0000${g.upid}`)
          return run
            ? [
                {
                  job: run.job,
                  node: run.node,
                  start: g.start,
                  end: run.end,
                  outcome: g.outcome,
                  error: g.error,
                },
              ]
            : []
        }),
    guestSummary(key) {
      const mine = all().filter((b) => b.key === key)
      const backups = mine.filter((b) => b.kind !== 'snapshot')
      const open = backups.filter((b) => b.prunedAt === null)
      const min = (list: StoredBackup[]) =>
        list.length === 0 ? null : Math.min(...list.map((b) => b.time))
      const other =
        [...t.runGuests.values()].some((g) => g.key === key) ||
        [...t.misses.values()].some((m) => m.key === key)
      return {
        restorePoints: open.length,
        oldestRestorePoint: min(open),
        pruned: backups.length - open.length,
        firstBackup: min(backups),
        known: mine.length > 0 || other,
      }
    },
    activityCounts(bounds) {
      const counts = new Map<string, ActivityBucket>()
      const add = (
        measure: ActivityBucket['measure'],
        kind: ActivityBucket['kind'],
        at: number,
      ) => {
        const bucket = spanOf(bounds, at)
        if (bucket < 0) return
        const id = `${measure} ${kind} ${bucket}`
        const known = counts.get(id)
        if (known) known.count += 1
        else counts.set(id, { measure, kind, bucket, count: 1 })
      }
      for (const b of t.backups.values()) add('ok', b.kind, b.time)
      for (const g of t.runGuests.values())
        if (g.outcome === 'failed') add('failed', g.kind, g.start)
      for (const m of t.misses.values()) add('missed', m.kind, m.run)
      return [...counts.values()]
    },
    newestBackups() {
      const newest = new Map<string, StoredBackup>()
      for (const b of [...t.backups.values()].sort(byTime)) {
        if (b.prunedAt !== null || b.missingSince !== null) continue
        const id = `${b.key}\u0000${b.kind}`
        const known = newest.get(id)
        if (!known || b.time > known.time) newest.set(id, b)
      }
      return [...newest.values()]
        .sort((a, b) =>
          a.key < b.key ? -1 : a.key > b.key ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0,
        )
        .map(flat)
    },
    historySize: () => ({
      backups: t.backups.size,
      runs: t.runs.size,
      runGuests: t.runGuests.size,
      misses: t.misses.size,
      usageSamples: samples().size,
    }),
  }
}

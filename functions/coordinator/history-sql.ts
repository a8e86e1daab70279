// The history half of the coordinator's SQLite state (the tables of the "history" migration in
// sqlite-state.ts): plain SQL, as many rows to a statement as Durable Object SQL binds (at most 100
// parameters), every write counted by the cursor's rowsWritten. The queries use the indexes on
// (guest_key, time), time and the open backups, so a guest's year costs one index range.

import { spanOf } from '../history/spans.ts'
import { QUARTER_HOUR } from '../history/time-zone.ts'
import type {
  ActivityBucket,
  BackupChange,
  GuestRun,
  HistoryKind,
  ObservedBackup,
  RunOutcome,
  StoredBackup,
} from '../history/types.ts'
import type { HistoryMethods, StateStore } from './state.ts'

/** The history part of the StateStore, with the thinning of the samples it keeps. */
type SqlHistoryMethods = HistoryMethods & Pick<StateStore, 'thinUsageSamples'>

interface BackupRow extends Record<string, SqlStorageValue> {
  id: number
  guest_key: string
  kind: string
  ident: string
  time: number
  size: number | null
  location: string
  node: string | null
  name: string
  verification: string | null
  protected: number
  notes: string | null
  duration: number | null
  first_seen: number
  last_seen: number
  missing_since: number | null
  pruned_at: number | null
}

const BACKUP_COLUMNS =
  'id, guest_key, kind, ident, time, size, location, node, name, verification, protected, notes, duration, first_seen, last_seen, missing_since, pruned_at'

function toBackup(row: BackupRow): StoredBackup {
  return {
    id: row.id,
    key: row.guest_key,
    kind: row.kind as HistoryKind,
    ident: row.ident,
    time: row.time,
    size: row.size,
    location: row.location,
    node: row.node,
    name: row.name,
    verification:
      row.verification === 'ok' || row.verification === 'failed' ? row.verification : null,
    protected: row.protected === 1,
    notes: row.notes,
    durationSeconds: row.duration,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    missingSince: row.missing_since,
    prunedAt: row.pruned_at,
  }
}

/** BackupChange field → column. */
const CHANGE_COLUMNS: Record<Exclude<keyof BackupChange, 'id'>, string> = {
  size: 'size',
  location: 'location',
  node: 'node',
  name: 'name',
  verification: 'verification',
  protected: 'protected',
  notes: 'notes',
  durationSeconds: 'duration',
  lastSeen: 'last_seen',
  missingSince: 'missing_since',
  prunedAt: 'pruned_at',
}

/** Durable Object SQL binds at most 100 parameters a statement. */
const MAX_BOUND = 100

const bindable = (value: unknown): unknown => (typeof value === 'boolean' ? (value ? 1 : 0) : value)

export function historySql(sql: SqlStorage): SqlHistoryMethods {
  const rows = <T extends Record<string, SqlStorageValue>>(query: string, ...bindings: unknown[]) =>
    sql.exec<T>(query, ...bindings).toArray()
  const write = (query: string, ...bindings: unknown[]) => sql.exec(query, ...bindings).rowsWritten
  /** Rows of `each` bound `width` values each, as many to a statement as SQL may bind. */
  const batched = <T>(
    items: readonly T[],
    width: number,
    statement: (values: string) => string,
    bind: (item: T) => unknown[],
  ) => {
    const per = Math.floor(MAX_BOUND / width)
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`
    let written = 0
    for (let i = 0; i < items.length; i += per) {
      const chunk = items.slice(i, i + per)
      written += write(statement(chunk.map(() => row).join(', ')), ...chunk.flatMap(bind))
    }
    return written
  }
  const insertBackups = (backups: readonly ObservedBackup[], now: number) =>
    batched(
      backups,
      14,
      (values) =>
        `INSERT INTO history_backups (guest_key, kind, ident, time, size, location, node, name,
           verification, protected, notes, duration, first_seen, last_seen)
         VALUES ${values}
         ON CONFLICT (guest_key, kind, ident) DO UPDATE SET
           size = excluded.size, location = excluded.location, node = excluded.node,
           name = excluded.name, verification = excluded.verification,
           protected = excluded.protected, notes = excluded.notes,
           duration = coalesce(excluded.duration, history_backups.duration),
           missing_since = NULL, pruned_at = NULL`,
      (b) => [
        b.key,
        b.kind,
        b.ident,
        b.time,
        b.size,
        b.location,
        b.node,
        b.name,
        b.verification,
        b.protected ? 1 : 0,
        b.notes,
        b.durationSeconds,
        now,
        now,
      ],
    )
  return {
    thinUsageSamples: (from, until) =>
      write(
        `DELETE FROM usage_samples WHERE at >= ? AND at < ? AND EXISTS (
           SELECT 1 FROM usage_samples AS earlier
           WHERE earlier.key = usage_samples.key AND earlier.at < usage_samples.at
             AND earlier.at >= (usage_samples.at / 86400) * 86400)`,
        from,
        until,
      ),
    historyDigests: () =>
      new Map(
        rows<{ guest_key: string; digest: string }>(
          'SELECT guest_key, digest FROM history_digests',
        ).map((r) => [r.guest_key, r.digest]),
      ),
    setHistoryDigests(entries) {
      let written = 0
      for (const [key, digest] of entries) {
        written +=
          digest === null
            ? write('DELETE FROM history_digests WHERE guest_key = ?', key)
            : write(
                `INSERT INTO history_digests (guest_key, digest) VALUES (?, ?)
                 ON CONFLICT (guest_key) DO UPDATE SET digest = excluded.digest`,
                key,
                digest,
              )
      }
      return written
    },
    openBackups(keys) {
      // Many keys a statement (a night sees every guest's new backup): a statement's own cost
      // is most of reading a key's few open rows.
      const out: StoredBackup[] = []
      for (let i = 0; i < keys.length; i += MAX_BOUND) {
        const chunk = keys.slice(i, i + MAX_BOUND)
        for (const row of rows<BackupRow>(
          `SELECT ${BACKUP_COLUMNS} FROM history_backups
           WHERE guest_key IN (${chunk.map(() => '?').join(', ')}) AND pruned_at IS NULL`,
          ...chunk,
        ))
          out.push(toBackup(row))
      }
      return out
    },
    upsertBackups: (backups, now) => insertBackups(backups, now),
    updateBackups(changes) {
      let written = 0
      for (const change of changes) {
        const fields = (Object.keys(CHANGE_COLUMNS) as (keyof typeof CHANGE_COLUMNS)[]).filter(
          (field) => field in change,
        )
        if (fields.length === 0) continue
        written += write(
          `UPDATE history_backups SET ${fields.map((f) => `${CHANGE_COLUMNS[f]} = ?`).join(', ')} WHERE id = ?`,
          ...fields.map((f) => bindable(change[f])),
          change.id,
        )
      }
      return written
    },
    historyRunIds: (cluster, since) =>
      new Set(
        // By the start index alone (a few weeks of runs); the cluster is picked out here.
        rows<{ cluster: string; upid: string }>(
          'SELECT cluster, upid FROM history_runs WHERE start >= ?',
          since,
        ).flatMap((r) => (r.cluster === cluster ? [r.upid] : [])),
      ),
    addRuns(runs) {
      let written = 0
      for (const run of runs) {
        const added = write(
          `INSERT INTO history_runs (cluster, upid, job, kind, node, start, end, outcome, status)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cluster, upid) DO NOTHING`,
          run.cluster,
          run.upid,
          run.job,
          run.kind,
          run.node,
          run.start,
          run.end,
          run.outcome,
          run.status,
        )
        if (added === 0) continue
        written += added
        written += batched(
          run.guests,
          7,
          (values) =>
            `INSERT INTO history_run_guests (guest_key, start, cluster, upid, kind, outcome, error)
             VALUES ${values} ON CONFLICT DO NOTHING`,
          (guest) => [
            guest.key,
            run.start,
            run.cluster,
            run.upid,
            run.kind,
            guest.outcome,
            guest.error,
          ],
        )
      }
      return written
    },
    historyMissKeys: (since) =>
      new Set(
        rows<{ guest_key: string; run: number }>(
          'SELECT guest_key, run FROM history_misses WHERE run >= ?',
          since,
        ).map((r) => `${r.guest_key} ${r.run}`),
      ),
    addMisses: (misses) =>
      misses.reduce(
        (n, m) =>
          n +
          write(
            `INSERT INTO history_misses (guest_key, run, since, job, kind) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (guest_key, run) DO NOTHING`,
            m.key,
            m.run,
            m.since,
            m.job,
            m.kind,
          ),
        0,
      ),
    dropHistoryBefore: (cutoff) =>
      write('DELETE FROM history_backups WHERE time < ? AND pruned_at IS NOT NULL', cutoff) +
      write('DELETE FROM history_run_guests WHERE start < ?', cutoff) +
      write('DELETE FROM history_runs WHERE start < ?', cutoff) +
      write('DELETE FROM history_misses WHERE run < ?', cutoff),
    guestBackups: (key, since) =>
      rows<BackupRow>(
        `SELECT ${BACKUP_COLUMNS} FROM history_backups WHERE guest_key = ? AND time >= ?
         ORDER BY time, kind, ident`,
        key,
        since,
      ).map(toBackup),
    guestRuns: (key, since) =>
      rows<{
        job: string | null
        node: string
        start: number
        end: number
        outcome: string
        error: string | null
      }>(
        `SELECT r.job, r.node, g.start, r.end, g.outcome, g.error
         FROM history_run_guests AS g
         JOIN history_runs AS r ON r.cluster = g.cluster AND r.upid = g.upid
         WHERE g.guest_key = ? AND g.start >= ? ORDER BY g.start, g.upid`,
        key,
        since,
      ).map(
        (r): GuestRun => ({
          job: r.job,
          node: r.node,
          start: r.start,
          end: r.end,
          outcome: r.outcome as RunOutcome,
          error: r.error,
        }),
      ),
    guestSummary(key) {
      const row = rows<{
        points: number | null
        oldest: number | null
        pruned: number | null
        first: number | null
        total: number
      }>(
        `SELECT
           sum(CASE WHEN pruned_at IS NULL AND kind != 'snapshot' THEN 1 ELSE 0 END) AS points,
           min(CASE WHEN pruned_at IS NULL AND kind != 'snapshot' THEN time END) AS oldest,
           sum(CASE WHEN pruned_at IS NOT NULL AND kind != 'snapshot' THEN 1 ELSE 0 END) AS pruned,
           min(CASE WHEN kind != 'snapshot' THEN time END) AS first,
           count(*) AS total
         FROM history_backups WHERE guest_key = ?`,
        key,
      )[0]
      const others =
        (row?.total ?? 0) > 0
          ? 0
          : (rows<{ n: number }>(
              `SELECT (SELECT count(*) FROM (SELECT 1 FROM history_run_guests WHERE guest_key = ?1 LIMIT 1))
                    + (SELECT count(*) FROM (SELECT 1 FROM history_misses WHERE guest_key = ?1 LIMIT 1)) AS n`,
              key,
            )[0]?.n ?? 0)
      return {
        restorePoints: row?.points ?? 0,
        oldestRestorePoint: row?.oldest ?? null,
        pruned: row?.pruned ?? 0,
        firstBackup: row?.first ?? null,
        known: (row?.total ?? 0) + others > 0,
      }
    },
    activityCounts(bounds) {
      const out: ActivityBucket[] = []
      if (bounds.length < 2) return out
      // Backups made: one count per day and kind, each a range of the (time, kind) index. (A
      // GROUP BY over a year's rows sorts every row in a temporary B-tree: 4× slower.)
      const days = JSON.stringify(bounds)
      for (const r of rows<{ day: number; pve: number; pbs: number; snapshot: number }>(
        `SELECT d.key AS day,
           (SELECT count(*) FROM history_backups WHERE time >= d.value AND time < e.value
              AND kind = 'pve') AS pve,
           (SELECT count(*) FROM history_backups WHERE time >= d.value AND time < e.value
              AND kind = 'pbs') AS pbs,
           (SELECT count(*) FROM history_backups WHERE time >= d.value AND time < e.value
              AND kind = 'snapshot') AS snapshot
         FROM json_each(?1) AS d JOIN json_each(?1) AS e ON e.key = d.key + 1`,
        days,
      )) {
        for (const kind of ['pve', 'pbs', 'snapshot'] as const) {
          if (r[kind] > 0) out.push({ measure: 'ok', kind, bucket: r.day, count: r[kind] })
        }
      }
      // Failed guests and misses are few: grouped per quarter hour (time zones are offset by
      // whole quarter hours, so one never straddles two days), then put in their day here.
      const since = bounds[0] as number
      const until = bounds[bounds.length - 1] as number
      const collect = (measure: ActivityBucket['measure'], query: string) => {
        const counts = new Map<string, ActivityBucket>()
        for (const r of rows<{ kind: string; bucket: number; n: number }>(
          query,
          QUARTER_HOUR,
          since,
          until,
        )) {
          const day = spanOf(bounds, r.bucket * QUARTER_HOUR)
          if (day < 0) continue
          const id = `${r.kind} ${day}`
          const known = counts.get(id)
          if (known) known.count += r.n
          else counts.set(id, { measure, kind: r.kind as HistoryKind, bucket: day, count: r.n })
        }
        out.push(...counts.values())
      }
      // CAST: a bound JavaScript number may arrive as a REAL, and a REAL quotient is no bucket.
      collect(
        'failed',
        `SELECT kind, start / CAST(?1 AS INTEGER) AS bucket, count(*) AS n FROM history_run_guests
         WHERE start >= ?2 AND start < ?3 AND outcome = 'failed' GROUP BY kind, bucket`,
      )
      collect(
        'missed',
        `SELECT kind, run / CAST(?1 AS INTEGER) AS bucket, count(*) AS n FROM history_misses
         WHERE run >= ?2 AND run < ?3 GROUP BY kind, bucket`,
      )
      return out
    },
    newestBackups: () =>
      rows<BackupRow>(
        `SELECT ${BACKUP_COLUMNS.split(', ')
          .map((c) => `b.${c}`)
          .join(', ')}
         FROM history_backups AS b
         JOIN (SELECT guest_key, kind, max(time) AS newest FROM history_backups
               WHERE pruned_at IS NULL AND missing_since IS NULL GROUP BY guest_key, kind) AS m
           ON b.guest_key = m.guest_key AND b.kind = m.kind AND b.time = m.newest
         WHERE b.pruned_at IS NULL AND b.missing_since IS NULL
         ORDER BY b.guest_key, b.kind, b.ident`,
      )
        // Two copies made at the same second (a sync target): the first by ident, as in memory.
        .filter((row, i, list) => {
          const before = list[i - 1]
          return !before || before.guest_key !== row.guest_key || before.kind !== row.kind
        })
        .map(toBackup),
    historySize() {
      const count = (table: string) =>
        rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]?.n ?? 0
      return {
        backups: count('history_backups'),
        runs: count('history_runs'),
        runGuests: count('history_run_guests'),
        misses: count('history_misses'),
        usageSamples: count('usage_samples'),
      }
    },
  }
}

// The coordinator's state in its Durable Object's SQLite database. Versioned migrations run in
// order when the object starts, so an object created by an older release upgrades itself and
// keeps its rows. Values that are whole documents (facts, status, schedule) are stored as JSON
// and parsed with their zod schemas when read back: a row an older release wrote in another
// shape counts as missing instead of crashing a refresh.
import * as z from 'zod'
import { DeliveryLogEntrySchema } from '../../shared/schema/alerts.ts'
import { DeliverySchema, EvaluationSchema } from '../alerts/run-schemas.ts'
import { AlertRecordSchema, OutboxSchema } from '../alerts/state.ts'
import type { SourceFacts } from '../collect/facts.ts'
import type { UsageSample } from '../normalize/types.ts'
import { parseStoredFacts } from './facts-codec.ts'
import { historySql } from './history-sql.ts'
import { ReportMarksSchema } from './report-marks.ts'
import { EMPTY_SCHEDULE, ScheduleSchema } from './schedule.ts'
import { EMPTY_STATUS, type StateStore, type StoredFacts, StoredStatusSchema } from './state.ts'

/** Each entry upgrades the database from version i to i + 1. Append only; never edit one. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE facts (source_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE documents (name TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE cache_digests (key TEXT PRIMARY KEY, digest TEXT NOT NULL);
   CREATE TABLE claimed_ids (digest TEXT PRIMARY KEY, until INTEGER NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
  // v2: PVE backup storage usage over time, for the estimated-full date (storage-usage.ts).
  `CREATE TABLE usage_samples (
     key TEXT NOT NULL, at INTEGER NOT NULL, used INTEGER NOT NULL, total INTEGER NOT NULL,
     PRIMARY KEY (key, at));
   CREATE INDEX usage_samples_at ON usage_samples (at);`,
  // Alerts (issue 12): one row per alert record, per channel its outbox (events held by quiet
  // hours or the hourly cap) and its delivery log (the newest attempts), and each digest from
  // the moment it is made until it is sent or given up (so a crash re-sends, never loses).
  `CREATE TABLE alerts (id TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE alert_outboxes (channel_id TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE alert_deliveries (
     message_id TEXT PRIMARY KEY, channel_id TEXT NOT NULL, due INTEGER NOT NULL,
     body TEXT NOT NULL);
   CREATE TABLE delivery_log (
     id INTEGER PRIMARY KEY, channel_id TEXT NOT NULL, body TEXT NOT NULL);
   CREATE INDEX delivery_log_channel ON delivery_log (channel_id, id);`,
  // History (functions/history/): every backup seen, kept after prune with when it was last
  // seen; every finished vzdump run with each guest's outcome; every scheduled run a guest
  // missed; the digest of each key's backups as last recorded, so a steady refresh reads one
  // row per key and writes none. Usage samples stay in usage_samples (v2), kept as long.
  `CREATE TABLE history_backups (
     id INTEGER PRIMARY KEY,
     guest_key TEXT NOT NULL, kind TEXT NOT NULL, ident TEXT NOT NULL,
     time INTEGER NOT NULL, size INTEGER, location TEXT NOT NULL, node TEXT, name TEXT NOT NULL,
     verification TEXT, protected INTEGER NOT NULL, notes TEXT, duration INTEGER,
     first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
     missing_since INTEGER, pruned_at INTEGER,
     UNIQUE (guest_key, kind, ident));
   CREATE INDEX history_backups_key_time ON history_backups (guest_key, time);
   CREATE INDEX history_backups_time ON history_backups (time);
   CREATE INDEX history_backups_open ON history_backups (guest_key) WHERE pruned_at IS NULL;
   CREATE TABLE history_runs (
     cluster TEXT NOT NULL, upid TEXT NOT NULL, job TEXT, kind TEXT NOT NULL,
     node TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
     outcome TEXT NOT NULL, status TEXT NOT NULL,
     PRIMARY KEY (cluster, upid));
   CREATE INDEX history_runs_start ON history_runs (start);
   CREATE TABLE history_run_guests (
     guest_key TEXT NOT NULL, start INTEGER NOT NULL, cluster TEXT NOT NULL, upid TEXT NOT NULL,
     kind TEXT NOT NULL, outcome TEXT NOT NULL, error TEXT,
     PRIMARY KEY (guest_key, start, upid));
   CREATE INDEX history_run_guests_start ON history_run_guests (start);
   CREATE TABLE history_misses (
     guest_key TEXT NOT NULL, run INTEGER NOT NULL, since INTEGER NOT NULL, job TEXT,
     kind TEXT NOT NULL,
     PRIMARY KEY (guest_key, run));
   CREATE INDEX history_misses_run ON history_misses (run);
   CREATE TABLE history_digests (guest_key TEXT PRIMARY KEY, digest TEXT NOT NULL);`,
  // History's time indexes carry the kind (and a run's outcome) as well, so the activity chart
  // counts a year from the indexes alone instead of a table lookup per row (3× faster).
  `DROP INDEX history_backups_time;
   CREATE INDEX history_backups_time ON history_backups (time, kind);
   DROP INDEX history_run_guests_start;
   CREATE INDEX history_run_guests_start ON history_run_guests (start, outcome, kind);
   DROP INDEX history_misses_run;
   CREATE INDEX history_misses_run ON history_misses (run, kind);`,
]

type Row = Record<string, SqlStorageValue>

function schemaVersion(sql: SqlStorage): number {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
  const row = sql.exec<{ version: number }>('SELECT version FROM schema_version').toArray()[0]
  if (row) return row.version
  sql.exec('INSERT INTO schema_version (version) VALUES (0)')
  return 0
}

/** Brings the database to the newest schema; returns the version it started at. */
export function migrate(storage: DurableObjectStorage): number {
  return storage.transactionSync(() => {
    const sql = storage.sql
    const start = schemaVersion(sql)
    for (let version = start; version < MIGRATIONS.length; version += 1) {
      sql.exec(MIGRATIONS[version] as string)
      sql.exec('UPDATE schema_version SET version = ?', version + 1)
    }
    return start
  })
}

function parseJson<T extends z.core.$ZodType>(
  schema: T,
  text: unknown,
  what: string,
): z.output<T> | null {
  if (typeof text !== 'string') return null
  try {
    const parsed = z.safeParse(schema, JSON.parse(text))
    if (parsed.success) return parsed.data
  } catch {
    // fall through
  }
  console.warn(`coordinator: ignoring unreadable ${what}`)
  return null
}

export function createSqliteState(storage: DurableObjectStorage): StateStore {
  migrate(storage)
  const sql = storage.sql
  const rows = <T extends Row>(query: string, ...bindings: unknown[]) =>
    sql.exec<T>(query, ...bindings).toArray()
  const readDocument = <T extends z.core.$ZodType>(name: string, schema: T) =>
    parseJson(
      schema,
      rows<{ body: string }>('SELECT body FROM documents WHERE name = ?', name)[0]?.body,
      name,
    )
  const writeDocument = (name: string, value: unknown) =>
    sql.exec(
      'INSERT INTO documents (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body',
      name,
      JSON.stringify(value),
    )
  // Parsed facts by source, each with the seq of the row it came from. The coordinator is the
  // only writer, so what it wrote or parsed last is the row's content as long as the row's seq
  // is unchanged; a row with another seq (written by another instance over the same storage, or
  // left as it was by a rolled-back transaction) is parsed again. A refresh pass reads every
  // source's facts: parsing them each time cost more than the pass's own work (the PBS facts of
  // the large lab are 5 MB of JSON, ~50 ms to parse and check). Readers must not change them.
  const parsed = new Map<string, StoredFacts>()
  const seqOf = (id: string) =>
    rows<{ seq: number }>('SELECT seq FROM facts WHERE source_id = ?', id)[0]?.seq
  const bodyOf = (id: string) =>
    rows<{ body: string }>('SELECT body FROM facts WHERE source_id = ?', id)[0]?.body
  const readStored = (id: string, seq: number): StoredFacts | null => {
    const held = parsed.get(id)
    if (held?.seq === seq) return held
    parsed.delete(id)
    const body = bodyOf(id)
    const facts = body === undefined ? null : parseStoredFacts(body, id)
    if (!facts) return null
    const stored = { facts, seq }
    parsed.set(id, stored)
    return stored
  }
  return {
    transaction: (work) => storage.transactionSync(work),
    readFacts(id) {
      const seq = seqOf(id)
      return seq === undefined ? null : readStored(id, seq)
    },
    allFacts: () =>
      rows<{ source_id: string; seq: number }>(
        'SELECT source_id, seq FROM facts ORDER BY source_id',
      ).flatMap((row) => readStored(row.source_id, row.seq) ?? []),
    writeFacts(facts: SourceFacts, seq: number) {
      const cursor = sql.exec(
        `INSERT INTO facts (source_id, seq, body) VALUES (?, ?, ?)
         ON CONFLICT (source_id) DO UPDATE SET seq = excluded.seq, body = excluded.body
         WHERE excluded.seq >= facts.seq`,
        facts.sourceId,
        seq,
        JSON.stringify(facts),
      )
      if (cursor.rowsWritten === 0) return false
      // What was just written is what parsing the row back gives (collected facts hold no key
      // the schema drops and no undefined field: test/lab/facts-roundtrip.test.ts). Held by
      // the seq: a rollback leaves the row's old seq, so the row is parsed again.
      parsed.set(facts.sourceId, { facts, seq })
      return true
    },
    deleteFacts: (id) => {
      sql.exec('DELETE FROM facts WHERE source_id = ?', id)
      parsed.delete(id)
    },
    nextSeq: () =>
      rows<{ value: number }>(
        `INSERT INTO counters (name, value) VALUES ('seq', 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
      )[0]?.value ?? 1,
    readStatus: () => readDocument('status', StoredStatusSchema) ?? EMPTY_STATUS,
    writeStatus: (status) => writeDocument('status', status),
    readSchedule: () => readDocument('schedule', ScheduleSchema) ?? EMPTY_SCHEDULE,
    writeSchedule: (schedule) => writeDocument('schedule', schedule),
    cacheDigests: () =>
      new Map(
        rows<{ key: string; digest: string }>('SELECT key, digest FROM cache_digests').map((r) => [
          r.key,
          r.digest,
        ]),
      ),
    setCacheDigest(key, digest) {
      if (digest === null) sql.exec('DELETE FROM cache_digests WHERE key = ?', key)
      else
        sql.exec(
          'INSERT INTO cache_digests (key, digest) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET digest = excluded.digest',
          key,
          digest,
        )
    },
    claimId(digest, now, until) {
      sql.exec('DELETE FROM claimed_ids WHERE until <= ?', now)
      const cursor = sql.exec(
        'INSERT INTO claimed_ids (digest, until) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING',
        digest,
        until,
      )
      return cursor.rowsWritten > 0
    },
    usageSamples(keys, since) {
      // Filtered here rather than with one binding per key: the list can be long.
      const wanted = new Set(keys)
      return rows<{ key: string; at: number; used: number; total: number }>(
        'SELECT key, at, used, total FROM usage_samples WHERE at >= ? ORDER BY key, at',
        since,
      )
        .filter((row) => wanted.has(row.key))
        .map((row): UsageSample => ({ key: row.key, at: row.at, used: row.used, total: row.total }))
    },
    addUsageSamples(samples, keepSince) {
      for (const s of samples) {
        sql.exec(
          `INSERT INTO usage_samples (key, at, used, total) VALUES (?, ?, ?, ?)
           ON CONFLICT (key, at) DO UPDATE SET used = excluded.used, total = excluded.total`,
          s.key,
          s.at,
          s.used,
          s.total,
        )
      }
      sql.exec('DELETE FROM usage_samples WHERE at < ?', keepSince)
    },
    readAlerts: () =>
      rows<{ id: string; body: string }>('SELECT id, body FROM alerts ORDER BY id').flatMap(
        (row) => parseJson(AlertRecordSchema, row.body, `alert ${row.id}`) ?? [],
      ),
    writeAlerts(records, dropped) {
      for (const record of records) {
        sql.exec(
          'INSERT INTO alerts (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
          record.id,
          JSON.stringify(record),
        )
      }
      for (const id of dropped) sql.exec('DELETE FROM alerts WHERE id = ?', id)
    },
    readEvaluation: () => readDocument('alert-evaluation', EvaluationSchema),
    writeEvaluation: (evaluation) => writeDocument('alert-evaluation', evaluation),
    readOutboxes: () =>
      rows<{ channel_id: string; body: string }>(
        'SELECT channel_id, body FROM alert_outboxes ORDER BY channel_id',
      ).flatMap((row) => parseJson(OutboxSchema, row.body, `outbox ${row.channel_id}`) ?? []),
    writeOutbox(outbox) {
      sql.exec(
        'INSERT INTO alert_outboxes (channel_id, body) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET body = excluded.body',
        outbox.channelId,
        JSON.stringify(outbox),
      )
    },
    deleteChannel(channelId) {
      sql.exec('DELETE FROM alert_outboxes WHERE channel_id = ?', channelId)
      sql.exec('DELETE FROM alert_deliveries WHERE channel_id = ?', channelId)
      sql.exec('DELETE FROM delivery_log WHERE channel_id = ?', channelId)
    },
    readDeliveries: () =>
      rows<{ message_id: string; body: string }>(
        'SELECT message_id, body FROM alert_deliveries ORDER BY due, message_id',
      ).flatMap((row) => parseJson(DeliverySchema, row.body, `delivery ${row.message_id}`) ?? []),
    writeDelivery(delivery) {
      sql.exec(
        `INSERT INTO alert_deliveries (message_id, channel_id, due, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET due = excluded.due, body = excluded.body`,
        delivery.digest.messageId,
        delivery.digest.channelId,
        delivery.due,
        JSON.stringify(delivery),
      )
    },
    deleteDelivery: (messageId) => {
      sql.exec('DELETE FROM alert_deliveries WHERE message_id = ?', messageId)
    },
    appendDeliveryLog(entry, keep) {
      sql.exec(
        'INSERT INTO delivery_log (channel_id, body) VALUES (?, ?)',
        entry.channelId,
        JSON.stringify(entry),
      )
      sql.exec(
        `DELETE FROM delivery_log WHERE channel_id = ? AND id NOT IN
           (SELECT id FROM delivery_log WHERE channel_id = ? ORDER BY id DESC LIMIT ?)`,
        entry.channelId,
        entry.channelId,
        keep,
      )
    },
    deliveryLog: (channelId) =>
      rows<{ id: number; body: string }>(
        'SELECT id, body FROM delivery_log WHERE channel_id = ? ORDER BY id DESC',
        channelId,
      ).flatMap((row) => parseJson(DeliveryLogEntrySchema, row.body, 'delivery log entry') ?? []),
    readCounter: (name) =>
      rows<{ value: number }>('SELECT value FROM counters WHERE name = ?', name)[0]?.value ?? 0,
    addToCounter(name, by) {
      sql.exec(
        `INSERT INTO counters (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`,
        name,
        by,
      )
    },
    readOrigin: () => readDocument('origin', z.string()),
    writeOrigin: (origin) => writeDocument('origin', origin),
    // A document, as the schedule: one small map, read and written whole.
    readReportMarks: () => readDocument('report-marks', ReportMarksSchema) ?? {},
    writeReportMarks: (marks) => writeDocument('report-marks', marks),
    // History: its SQL lives in history-sql.ts, beside this file.
    ...historySql(sql),
  }
}

// The schema upgrade of the coordinator's SQLite, in a real Durable Object: a database exactly
// as the v1 release left it (its one migration, with rows in every table) is brought to the
// newest schema by migrate(), keeps every row, and gains the usage samples table (v2); one
// created at the previous version (every migration but the last) upgrades and keeps its rows,
// and the alert tables work after either upgrade. (Versions are counted from MIGRATIONS, never
// written down: migrations are appended by more than one branch.) One from the version before
// history gains the history tables and keeps its rows.
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { PbsFacts } from '../../functions/collect/facts.ts'
import { createSqliteState, MIGRATIONS, migrate } from '../../functions/coordinator/sqlite-state.ts'
import { alertRecord, checkAlertStore } from '../unit/functions/coordinator/alert-store-contract.ts'
import { testEnv } from './helpers.ts'

const V1_TABLES = ['facts', 'documents', 'cache_digests', 'claimed_ids', 'counters']

const pbsFacts: PbsFacts = {
  kind: 'pbs',
  sourceId: 'pbs',
  host: 'pbs.lan',
  serverNames: ['pbs.lan'],
  collectedAt: 1_749_400_000,
  datastores: [{ store: 'store1', namespaces: [''] }],
  groups: [],
  snapshots: [],
  warnings: ['kept from v1'],
  deferred: [],
}

/** The database's own tables (not SQLite's or the runtime's). */
function userTables(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .toArray()
    .map((r) => r.name)
    .filter((name) => !name.startsWith('_cf_') && !name.startsWith('sqlite_'))
}

/** A separate object of the coordinator's class, so the served coordinator is not touched. */
function scratchObject(name = 'migration-test'): DurableObjectStub {
  const ns = testEnv.PULSE_COORDINATOR
  return ns.get(ns.idFromName(name))
}

const tablesOf = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    .toArray()
    .map((r) => r.name)
    .filter((name) => !name.startsWith('_cf_') && name !== 'sqlite_sequence')

describe('SQLite schema migrations', () => {
  it('upgrades a v1 database to the newest version and keeps its rows', async () => {
    await runInDurableObject(scratchObject(), (_instance, state) => {
      const storage = state.storage
      const sql = storage.sql
      // Back to what the v1 release created: its tables only, at version 1, with rows.
      storage.transactionSync(() => {
        // (Every table: the object was created, and so migrated, when it was first reached.)
        for (const table of tablesOf(sql)) sql.exec(`DROP TABLE IF EXISTS "${table}"`)
        sql.exec(MIGRATIONS[0] as string)
        sql.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
        sql.exec('INSERT INTO schema_version (version) VALUES (1)')
        sql.exec(
          'INSERT INTO facts (source_id, seq, body) VALUES (?, ?, ?)',
          'pbs',
          7,
          JSON.stringify(pbsFacts),
        )
        sql.exec(
          "INSERT INTO documents (name, body) VALUES ('status', ?)",
          JSON.stringify({ sources: [], lastRefresh: null, storeError: null, progress: null }),
        )
        sql.exec("INSERT INTO cache_digests (key, digest) VALUES ('index/v1', 'abc')")
        sql.exec("INSERT INTO claimed_ids (digest, until) VALUES ('d1', 4000000000)")
        sql.exec("INSERT INTO counters (name, value) VALUES ('seq', 41)")
      })
      const tablesBefore = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((r) => r.name)
      expect(tablesBefore).not.toContain('usage_samples')
      expect(tablesBefore.filter((t) => !t.startsWith('_cf_')).sort()).toEqual(
        [...V1_TABLES, 'schema_version'].sort(),
      )

      expect(migrate(storage)).toBe(1)
      expect(
        sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version,
      ).toBe(MIGRATIONS.length)
      // Again: nothing left to do.
      expect(migrate(storage)).toBe(MIGRATIONS.length)

      const store = createSqliteState(storage)
      expect(store.readFacts('pbs')).toEqual({ facts: pbsFacts, seq: 7 })
      expect(store.readStatus().sources).toEqual([])
      expect(store.cacheDigests()).toEqual(new Map([['index/v1', 'abc']]))
      expect(store.claimId('d1', 1_749_400_000, 4_000_000_000)).toBe(false)
      expect(store.nextSeq()).toBe(42)

      // The v2 table works, retention included.
      store.addUsageSamples(
        [
          { key: 'homelab/nas', at: 100, used: 1, total: 10 },
          { key: 'homelab/nas', at: 200, used: 2, total: 10 },
          { key: 'office/pve1/local', at: 200, used: 5, total: 10 },
        ],
        150,
      )
      expect(store.usageSamples(['homelab/nas', 'office/pve1/local'], 0)).toEqual([
        { key: 'homelab/nas', at: 200, used: 2, total: 10 },
        { key: 'office/pve1/local', at: 200, used: 5, total: 10 },
      ])
      expect(store.usageSamples(['homelab/nas'], 0)).toHaveLength(1)
      // So do the alert tables.
      store.writeAlerts([alertRecord('missed:homelab/101')], [])
      expect(store.readAlerts().map((r) => r.id)).toEqual(['missed:homelab/101'])
    })
  })

  it('upgrades a database of the previous version and keeps its rows', async () => {
    await runInDurableObject(scratchObject('migration-previous'), (_instance, state) => {
      const storage = state.storage
      const sql = storage.sql
      const previous = MIGRATIONS.length - 1
      // Back to the previous version: every migration but the last, with rows in every table.
      storage.transactionSync(() => {
        for (const table of tablesOf(sql)) sql.exec(`DROP TABLE IF EXISTS "${table}"`)
        for (const migration of MIGRATIONS.slice(0, previous)) sql.exec(migration)
        sql.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
        sql.exec('INSERT INTO schema_version (version) VALUES (?)', previous)
      })
      const before = tablesOf(sql)
      const filled = createSqliteStateAt(storage)
      filled.writeFacts(pbsFacts, 7)
      filled.addUsageSamples([{ key: 'homelab/nas', at: 200, used: 2, total: 10 }], 0)
      if (before.includes('alerts')) filled.writeAlerts([alertRecord('missed:homelab/101')], [])
      if (before.includes('delivery_log')) {
        filled.appendDeliveryLog(
          {
            channelId: 'ntfy',
            messageId: 'ntfy:1:a',
            attempt: 1,
            at: 1,
            status: 'sent',
            httpStatus: 200,
            error: null,
            nextAttemptAt: null,
          },
          50,
        )
      }

      expect(migrate(storage)).toBe(previous)
      expect(
        sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version,
      ).toBe(MIGRATIONS.length)
      expect(tablesOf(sql)).toEqual(expect.arrayContaining(before))

      const store = createSqliteState(storage)
      expect(store.readFacts('pbs')).toEqual({ facts: pbsFacts, seq: 7 })
      expect(store.usageSamples(['homelab/nas'], 0)).toHaveLength(1)
      if (before.includes('alerts')) {
        expect(store.readAlerts().map((r) => r.id)).toEqual(['missed:homelab/101'])
      }
      if (before.includes('delivery_log')) expect(store.deliveryLog('ntfy')).toHaveLength(1)
    })
  })

  it('gives the alert tables the store contract after the upgrade', async () => {
    await runInDurableObject(scratchObject('migration-alerts'), (_instance, state) => {
      checkAlertStore(createSqliteState(state.storage))
    })
  })

  it('upgrades a database from the version before history and keeps its rows', async () => {
    // Found by content, not by number: migrations of other features may come before or after.
    const history = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE history_backups'))
    expect(history).toBeGreaterThan(0)
    await runInDurableObject(scratchObject(), (_instance, state) => {
      const storage = state.storage
      const sql = storage.sql
      const tables = () => userTables(sql)
      // Exactly what the release before history left: its migrations, at its version, rows in.
      storage.transactionSync(() => {
        for (const table of tables()) sql.exec(`DROP TABLE IF EXISTS ${table}`)
        for (const migration of MIGRATIONS.slice(0, history)) sql.exec(migration)
        sql.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)')
        sql.exec('INSERT INTO schema_version (version) VALUES (?)', history)
        sql.exec(
          'INSERT INTO facts (source_id, seq, body) VALUES (?, ?, ?)',
          'pbs',
          7,
          JSON.stringify(pbsFacts),
        )
        sql.exec("INSERT INTO counters (name, value) VALUES ('seq', 41)")
        sql.exec(
          "INSERT INTO usage_samples (key, at, used, total) VALUES ('homelab/nas', 100, 1, 10)",
        )
      })
      expect(tables()).not.toContain('history_backups')

      expect(migrate(storage)).toBe(history)
      expect(
        sql.exec<{ version: number }>('SELECT version FROM schema_version').one().version,
      ).toBe(MIGRATIONS.length)
      const store = createSqliteState(storage)
      expect(store.readFacts('pbs')).toEqual({ facts: pbsFacts, seq: 7 })
      expect(store.nextSeq()).toBe(42)
      expect(store.usageSamples(['homelab/nas'], 0)).toEqual([
        { key: 'homelab/nas', at: 100, used: 1, total: 10 },
      ])
      // The history tables work, and a write is counted by the cursor.
      const backup = {
        key: 'homelab/100',
        kind: 'pve' as const,
        ident: 'local\u0000\u0000local:backup/vzdump-qemu-100.vma.zst',
        time: 1_749_300_000,
        size: 1_000,
        location: 'local',
        node: null,
        name: 'local:backup/vzdump-qemu-100.vma.zst',
        verification: null,
        protected: false,
        notes: 'a "note"',
        durationSeconds: 95,
      }
      expect(store.upsertBackups([backup], 1_749_366_000)).toBeGreaterThan(0)
      expect(store.guestBackups('homelab/100', 0)).toMatchObject([
        { ...backup, firstSeen: 1_749_366_000, prunedAt: null },
      ])
      expect(store.historySize()).toMatchObject({ backups: 1, usageSamples: 1 })
    })
  })
})

/**
 * A store over a database at an older version, without upgrading it (the upgrade is what the
 * test runs): only the methods whose tables that version has may be used.
 */
function createSqliteStateAt(storage: DurableObjectStorage) {
  const version = storage.sql.exec<{ version: number }>('SELECT version FROM schema_version').one()
  // createSqliteState would migrate; write the rows with the older schema's own statements.
  const sql = storage.sql
  return {
    writeFacts(facts: PbsFacts, seq: number) {
      sql.exec(
        'INSERT INTO facts (source_id, seq, body) VALUES (?, ?, ?)',
        facts.sourceId,
        seq,
        JSON.stringify(facts),
      )
    },
    addUsageSamples(
      samples: { key: string; at: number; used: number; total: number }[],
      _: number,
    ) {
      if (version.version < 2) return
      for (const s of samples) {
        sql.exec(
          'INSERT INTO usage_samples (key, at, used, total) VALUES (?, ?, ?, ?)',
          s.key,
          s.at,
          s.used,
          s.total,
        )
      }
    },
    writeAlerts(records: ReturnType<typeof alertRecord>[], _: string[]) {
      for (const r of records) {
        sql.exec('INSERT INTO alerts (id, body) VALUES (?, ?)', r.id, JSON.stringify(r))
      }
    },
    appendDeliveryLog(entry: { channelId: string }, _: number) {
      sql.exec(
        'INSERT INTO delivery_log (channel_id, body) VALUES (?, ?)',
        entry.channelId,
        JSON.stringify(entry),
      )
    },
  }
}

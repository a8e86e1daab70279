// The schema upgrade of the coordinator's SQLite, in a real Durable Object: a database exactly
// as the v1 release left it (its one migration, with rows in every table) is brought to the
// newest schema by migrate(), keeps every row, and gains the usage samples table (v2); one
// from the version before history gains the history tables and keeps its rows.
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { PbsFacts } from '../../functions/collect/facts.ts'
import { createSqliteState, MIGRATIONS, migrate } from '../../functions/coordinator/sqlite-state.ts'
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
function scratchObject(): DurableObjectStub {
  const ns = testEnv.PULSE_COORDINATOR
  return ns.get(ns.idFromName('migration-test'))
}

describe('SQLite schema migrations', () => {
  it('upgrades a v1 database to the newest version and keeps its rows', async () => {
    await runInDurableObject(scratchObject(), (_instance, state) => {
      const storage = state.storage
      const sql = storage.sql
      // Back to what the v1 release created: its tables only, at version 1, with rows.
      storage.transactionSync(() => {
        // Every table of the newer schema goes (what later migrations added included).
        for (const table of userTables(sql)) sql.exec(`DROP TABLE IF EXISTS ${table}`)
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

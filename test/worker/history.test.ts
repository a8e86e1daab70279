// /api/history and /api/export through the Worker's routes after real refreshes of the lab
// (the coordinator's core over memory, bound to this test's KV): the contracts of
// shared/schema/history.ts, parameters checked (400 with what is wrong), 404 for a guest nobody
// knows, the inventory as JSON and CSV (odd guest names quoted, no formulas), read without the
// API token like the other GET /api routes; the local-development replay closed unless enabled.
import { beforeAll, describe, expect, it } from 'vitest'
import { INVENTORY_CSV_HEADER } from '../../functions/history/csv.ts'
import { ApiErrorSchema } from '../../shared/schema/error.ts'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import {
  ActivityResponseSchema,
  GuestHistoryResponseSchema,
  InventoryResponseSchema,
  StorageTrendsResponseSchema,
} from '../../shared/schema/history.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { StorageIndexSchema } from '../../shared/schema/storage.ts'
import { readCsv } from '../unit/functions/history/read-csv.ts'
import { freshKv } from './kv.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const TOKEN = 'history-token-0123456789abcdef'
const testEnv = {
  ...labEnv({ PULSE_API_TOKEN: TOKEN, PULSE_SUBREQUEST_BUDGET: '1000' }),
  PULSE_KV: freshKv(),
}
const { facts } = labModel()
const design = facts.designGuest

async function ok(path: string) {
  const response = await call(testEnv, path)
  expect(response.status, path).toBe(200)
  return response
}

async function badRequest(path: string) {
  const response = await call(testEnv, path)
  expect(response.status, path).toBe(400)
  const body = ApiErrorSchema.parse(await response.json())
  expect(body.error.code).toBe('bad_request')
  return body.error.message
}

beforeAll(async () => {
  // Real time, so the routes' "now" and the history agree; twice: the second reads older logs.
  const at = Math.floor(Date.now() / 1000)
  await refresh(testEnv, { now: at - 60, reason: 'test', subrequestBudget: 1000 })
  await refresh(testEnv, { now: at, reason: 'test', subrequestBudget: 1000 })
})

describe('GET /api/history/guests/:cluster/:vmid', () => {
  it("holds every backup of the guest's record, with a summary", async () => {
    const path = `/api/history/guests/${design.cluster}/${design.vmid}`
    const body = GuestHistoryResponseSchema.parse(await (await ok(path)).json())
    const record = GuestRecordSchema.parse(
      await (await ok(`/api/guests/${design.cluster}/${design.vmid}`)).json(),
    )
    const finished = record.backups.filter((b) => !b.inProgress)
    expect(body.key).toBe(`${design.cluster}/${design.vmid}`)
    expect(body.backups.map((b) => `${b.kind} ${b.name}`).sort()).toEqual(
      finished.map((b) => `${b.kind} ${b.name}`).sort(),
    )
    expect(body.backups.every((b) => !b.pruned)).toBe(true)
    const restorePoints = finished.filter((b) => b.kind !== 'snapshot')
    expect(body.summary.restorePoints).toBe(restorePoints.length)
    expect(body.summary.oldestRestorePoint).toBe(Math.min(...restorePoints.map((b) => b.time)))
    expect(body.retentionDays).toBe(400)
    expect(body.runs.length).toBeGreaterThan(0)
  })

  it('narrows to ?days and checks its parameters', async () => {
    const base = `/api/history/guests/${design.cluster}/${design.vmid}`
    const week = GuestHistoryResponseSchema.parse(await (await ok(`${base}?days=7`)).json())
    expect(week.to - week.from).toBe(7 * 86_400)
    expect(week.backups.every((b) => b.time >= week.from)).toBe(true)
    for (const days of ['0', '-1', '1.5', 'abc', '3651']) {
      expect(await badRequest(`${base}?days=${days}`)).toContain('days must be a whole number')
    }
    expect(await badRequest('/api/history/guests/Not_A_Cluster/100')).toContain('Expected')
    expect(await badRequest(`/api/history/guests/${design.cluster}/12ab`)).toContain('Expected')
  })

  it('answers 404 for a guest nobody knows, and an empty history for one never backed up', async () => {
    const unknown = await call(testEnv, `/api/history/guests/${design.cluster}/987654`)
    expect(unknown.status).toBe(404)
    expect(ApiErrorSchema.parse(await unknown.json()).error.code).toBe('not_found')
    const never = facts.neverBackedUp
    const body = GuestHistoryResponseSchema.parse(
      await (await ok(`/api/history/guests/${never.cluster}/${never.vmid}`)).json(),
    )
    expect(body.backups).toEqual([])
    expect(body.summary.restorePoints).toBe(0)
  })
})

describe('GET /api/history/activity', () => {
  it("counts the lab's late-night backup on the viewer's date", async () => {
    const late = facts.lateNightBackup
    const tz = encodeURIComponent(late.viewerTimeZone)
    const body = ActivityResponseSchema.parse(
      await (await ok(`/api/history/activity?days=7&tz=${tz}`)).json(),
    )
    expect(body.series).toHaveLength(7)
    expect(body.timeZone).toBe(late.viewerTimeZone)
    const day = body.series.find((d) => d.date === late.localDate)
    expect(day?.pve.ok).toBeGreaterThan(0)
    const month = ActivityResponseSchema.parse(await (await ok('/api/history/activity')).json())
    expect(month.days).toBe(30)
    expect(month.timeZone).toBe('UTC')
    expect(month.series.reduce((n, d) => n + d.pbs.ok + d.pve.ok, 0)).toBeGreaterThan(0)
  })

  it('checks days and tz', async () => {
    for (const days of ['8', '0', '365.0', 'week']) {
      expect(await badRequest(`/api/history/activity?days=${days}`)).toBe(
        'days must be one of 7, 30, 90, 365',
      )
    }
    for (const tz of ['Mars/Olympus', 'Europe%2FBerlin%3B', '']) {
      expect(await badRequest(`/api/history/activity?days=7&tz=${tz}`)).toContain('IANA time zone')
    }
  })
})

describe('GET /api/history/storage', () => {
  it('has a trend for every storage and datastore, with the estimate /api/storage states', async () => {
    const storage = StorageIndexSchema.parse(await (await ok('/api/storage')).json())
    const body = StorageTrendsResponseSchema.parse(
      await (await ok('/api/history/storage?days=30')).json(),
    )
    expect(body.trends.map((t) => t.key).sort()).toEqual(
      [...storage.storages.map((s) => s.key), ...storage.datastores.map((d) => d.key)].sort(),
    )
    for (const s of storage.storages) {
      const trend = body.trends.find((t) => t.key === s.key)
      expect(trend?.kind).toBe('storage')
      expect(trend?.estimatedFull).toBe(s.estimatedFull)
      if (s.used !== null) expect(trend?.samples.at(-1)?.used).toBe(s.used)
    }
    for (const d of storage.datastores) {
      const trend = body.trends.find((t) => t.key === d.key)
      expect(trend?.kind).toBe('datastore')
      expect(trend?.estimatedFull).toBe(d.estimatedFull)
      if (d.used !== null && d.error === null) expect(trend?.samples.at(-1)?.used).toBe(d.used)
    }
    expect(await badRequest('/api/history/storage?days=0')).toContain('days')
  })
})

describe('GET /api/export/inventory', () => {
  it('lists every guest and orphan with its newest backups, as JSON and as CSV', async () => {
    const index = GuestIndexSchema.parse(await (await ok('/api/guests')).json())
    const json = await ok('/api/export/inventory.json')
    expect(json.headers.get('content-disposition')).toMatch(
      /^attachment; filename="pulse-edge-inventory-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    const inventory = InventoryResponseSchema.parse(await json.json())
    expect(inventory.guests).toHaveLength(index.guests.length + index.orphans.length)
    const designEntry = inventory.guests.find((g) => g.key === `${design.cluster}/${design.vmid}`)
    expect(designEntry?.newest.pve?.time).toBe(design.pveBackupTime)
    expect(designEntry?.newest.pve?.location).toBe(design.pveStorage)
    expect(designEntry?.newest.pbs?.time).toBe(design.pbsBackupTime)
    for (const g of index.guests) {
      const entry = inventory.guests.find((e) => e.key === g.key)
      expect(entry?.newest.pve?.time ?? null, g.key).toBe(g.latestTimes.pve)
      expect(entry?.newest.pbs?.time ?? null, g.key).toBe(g.latestTimes.pbs)
    }

    const csv = await ok('/api/export/inventory.csv')
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/)
    const rows = readCsv(await csv.text())
    expect(rows[0]).toEqual(INVENTORY_CSV_HEADER)
    expect(rows).toHaveLength(inventory.guests.length + 1)
  })

  it('quotes odd guest names and never starts a formula', async () => {
    // The index as the coordinator wrote it, with names no real PVE accepts.
    const raw = (await testEnv.PULSE_KV.get('index/v1')) ?? '{}'
    const index = GuestIndexSchema.parse(JSON.parse(raw))
    const odd = ['=cmd|"/c calc"!A1', 'a,b', 'say "hi"', 'two\r\nlines']
    const renamed = index.guests.map((g, i) =>
      i < odd.length ? { ...g, guestName: odd[i] ?? null } : g,
    )
    const env = { ...testEnv, PULSE_KV: freshKv() }
    await env.PULSE_KV.put('index/v1', JSON.stringify({ ...index, guests: renamed }))
    const response = await call(env, '/api/export/inventory.csv')
    const rows = readCsv(await response.text())
    const names = rows.slice(1, odd.length + 1).map((r) => r[INVENTORY_CSV_HEADER.indexOf('name')])
    expect(names).toEqual([`'${odd[0]}`, ...odd.slice(1)])
  })
})

describe('who may read it', () => {
  it('is read like /api/guests: no API token asked, the security headers set', async () => {
    for (const path of [
      `/api/history/guests/${design.cluster}/${design.vmid}`,
      '/api/history/activity?days=7',
      '/api/history/storage',
      '/api/export/inventory.json',
      '/api/export/inventory.csv',
    ]) {
      const response = await ok(path)
      expect(response.headers.get('content-security-policy'), path).toContain("default-src 'none'")
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(response.headers.get('cache-control'), path).toBe('no-store')
    }
  })

  it('keeps the replay closed unless PULSE_DEV_REPLAY is on, and behind the token then', async () => {
    const at = Math.floor(Date.now() / 1000) - 86_400
    const auth = { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } }
    expect((await call(testEnv, `/api/dev/replay?at=${at}`, auth)).status).toBe(404)
    const open = { ...testEnv, PULSE_DEV_REPLAY: 'true', PULSE_KV: freshKv() }
    expect((await call(open, `/api/dev/replay?at=${at}`, { method: 'POST' })).status).toBe(401)
    for (const bad of ['', 'x', String(at + 2 * 86_400), String(at - 500 * 86_400)]) {
      const answer = await call(open, `/api/dev/replay?at=${bad}`, auth)
      expect(answer.status, bad).toBe(400)
    }
    const replayed = await call(open, `/api/dev/replay?at=${at}`, auth)
    expect(replayed.status).toBe(200)
    expect(((await replayed.json()) as { refreshed: string[] }).refreshed.length).toBeGreaterThan(0)
  })
})

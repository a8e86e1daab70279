// GET /metrics through the Worker, after a real refresh of the lab: behind the API token (401
// with the API's error body otherwise), the 0.0.4 content type, a body the npm parser reads,
// and values that match what /api/guests, /api/status, /api/jobs and /api/storage say.
import { beforeAll, describe, expect, it } from 'vitest'
import { FAMILIES } from '../../functions/metrics/families.ts'
import { ApiErrorSchema } from '../../shared/schema/error.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { JobsIndexSchema } from '../../shared/schema/jobs.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { StorageIndexSchema } from '../../shared/schema/storage.ts'
import {
  grammarProblems,
  type ParsedFamily,
  parseExposition,
} from '../unit/functions/metrics/read-exposition.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const TOKEN = 'metrics-token-0123456789abcdef'
const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', PULSE_API_TOKEN: TOKEN })
const { now } = labModel()
const auth = { headers: { authorization: `Bearer ${TOKEN}` } }

beforeAll(async () => {
  await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
})

async function json(path: string) {
  const response = await call(testEnv, path)
  expect(response.status, path).toBe(200)
  return response.json()
}

function byLabels(family: ParsedFamily | undefined, keys: string[]) {
  const map = new Map<string, string | undefined>()
  for (const m of family?.metrics ?? []) {
    map.set(keys.map((k) => m.labels?.[k] ?? '').join('/'), m.value)
  }
  return map
}

describe('GET /metrics', () => {
  it('answers 401 with the API error body without the token, or with a wrong one', async () => {
    for (const init of [undefined, { headers: { authorization: 'Bearer wrong-token' } }]) {
      const response = await call(testEnv, '/metrics', init)
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="pulse-edge"/)
      const text = await response.text()
      expect(ApiErrorSchema.parse(JSON.parse(text)).error.code).toBe('unauthorized')
      expect(text).not.toContain('pulse_edge_')
    }
  })

  it('is closed when no API token is set (unless anonymous access is allowed for development)', async () => {
    const closed = await call(labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' }), '/metrics')
    expect(closed.status).toBe(401)
    const open = await call(labEnv({ PULSE_ALLOW_ANONYMOUS_REFRESH: 'true' }), '/metrics')
    expect(open.status).toBe(200)
  })

  it('answers 200 with the token: the 0.0.4 content type, every family, the grammar kept', async () => {
    const response = await call(testEnv, '/metrics', auth)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const text = await response.text()
    expect(grammarProblems(text)).toEqual([])
    const families = parseExposition(text)
    expect([...families.keys()]).toEqual(Object.values(FAMILIES).map((f) => f.name))
  })

  it('states the same guests, times, sizes, jobs, storage and sources as the JSON API', async () => {
    const scrapedAt = Math.floor(Date.now() / 1000)
    const text = await (await call(testEnv, '/metrics', auth)).text()
    const families = parseExposition(text)
    const index = GuestIndexSchema.parse(await json('/api/guests'))
    const status = StatusSchema.parse(await json('/api/status'))
    const jobs = JobsIndexSchema.parse(await json('/api/jobs'))
    const storage = StorageIndexSchema.parse(await json('/api/storage'))
    expect(index.guests.length).toBeGreaterThan(10)

    const info = byLabels(families.get('pulse_edge_guest_info'), ['cluster', 'vmid'])
    expect(info.size).toBe(index.guests.length)
    const times = byLabels(families.get('pulse_edge_backup_latest_timestamp_seconds'), [
      'cluster',
      'vmid',
      'type',
    ])
    const ages = byLabels(families.get('pulse_edge_backup_age_seconds'), [
      'cluster',
      'vmid',
      'type',
    ])
    const sizes = byLabels(families.get('pulse_edge_backup_latest_size_bytes'), [
      'cluster',
      'vmid',
      'type',
    ])
    let sized = 0
    for (const g of index.guests) {
      const key = `${g.cluster}/${g.guestId}`
      expect(info.get(key), key).toBe('1')
      for (const [type, time] of [
        ['pve', g.latestTimes.pve],
        ['pbs', g.latestTimes.pbs],
        ['snapshot', g.latestTimes.snapshots],
      ] as const) {
        expect(times.get(`${key}/${type}`), `${key} ${type}`).toBe(
          time === null ? undefined : String(time),
        )
        const age = ages.get(`${key}/${type}`)
        if (time === null) expect(age).toBe('+Inf')
        // Computed when the scrape ran, from the Worker's clock.
        else expect(Math.abs(Number(age) - Math.max(0, scrapedAt - time))).toBeLessThanOrEqual(5)
      }
      for (const type of ['pve', 'pbs'] as const) {
        const size = g.latestSizes?.[type] ?? null
        expect(sizes.get(`${key}/${type}`)).toBe(size === null ? undefined : String(size))
        if (size !== null) sized += 1
      }
    }
    expect(sized, 'the lab has sized backups').toBeGreaterThan(0)

    const up = byLabels(families.get('pulse_edge_source_up'), ['source'])
    expect(up.size).toBe(status.sources.length)
    for (const s of status.sources) {
      expect(up.get(s.id), s.id).toBe(s.lastError === null && s.lastSuccess !== null ? '1' : '0')
    }
    expect(families.get('pulse_edge_last_refresh_timestamp_seconds')?.metrics).toEqual([
      { value: String(status.lastRefresh?.finishedAt) },
    ])
    expect(families.get('pulse_edge_pve_job_enabled')?.metrics).toHaveLength(jobs.pve.length)
    expect(families.get('pulse_edge_pbs_job_next_run_timestamp_seconds')?.metrics.length ?? 0).toBe(
      jobs.pbs.filter((j) => j.nextRun !== null).length,
    )
    expect(families.get('pulse_edge_datastore_total_bytes')?.metrics.length ?? 0).toBe(
      storage.datastores.filter((d) => d.total !== null).length,
    )
    expect(families.get('pulse_edge_storage_used_bytes')?.metrics.length ?? 0).toBe(
      storage.storages.filter((s) => s.used !== null).length,
    )
  })
})

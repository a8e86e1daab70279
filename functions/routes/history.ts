// /api/history and /api/export: the backup record over time and the inventory for audits. The
// history lives in the coordinator (asked over RPC); what is current — the guest index, the
// storage figures and their estimated full dates — comes from the read cache, as for /api/guests
// and /api/storage. Read like the other /api routes (Cloudflare Access in front); only the
// local-development replay takes the API token.
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ACTIVITY_RANGES } from '../../shared/schema/history.ts'
import { readConfig } from '../config.ts'
import { coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { inventoryCsv } from '../history/csv.ts'
import { buildInventory } from '../history/inventory.ts'
import { storageTrends, trendKeys } from '../history/storage-trends.ts'
import { isTimeZone } from '../history/time-zone.ts'
import { readIndex, readStorage } from '../store/read-cache.ts'
import { apiTokenAuth } from './api-token.ts'

const DAY = 86_400
/** Ten years, PULSE_HISTORY_DAYS' upper bound: a longer window can hold nothing more. */
const MAX_DAYS = 3650
const NO_STORE = 'no-store'
const nowSeconds = () => Math.floor(Date.now() / 1000)

const badRequest = (message: string) => new HTTPException(400, { message })

/** `days` as whole days from 1 to MAX_DAYS; `fallback` when absent. */
function daysParam(raw: string | undefined, fallback: number | null): number | null {
  if (raw === undefined) return fallback
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_DAYS) {
    throw badRequest(`days must be a whole number of days from 1 to ${MAX_DAYS}`)
  }
  return Number(raw)
}

export const history = new Hono<AppEnv>()
  .get('/guests/:cluster/:vmid', async (c) => {
    const { cluster, vmid } = c.req.param()
    if (!/^[a-z0-9-]{1,32}$/.test(cluster) || !/^\d{1,9}$/.test(vmid)) {
      throw badRequest('Expected /api/history/guests/<cluster>/<vmid>')
    }
    const days = daysParam(c.req.query('days'), null)
    const key = `${cluster}/${vmid}`
    const body = await coordinator(c.env).guestHistory(key, days)
    c.header('Cache-Control', NO_STORE)
    if (body) return c.json(body)
    // Nothing recorded: a guest the cache knows has simply no history yet.
    const index = await readIndex(c.env)
    if (index?.guests.some((g) => g.key === key)) {
      const now = nowSeconds()
      const retentionDays = readConfig(c.env).history.retentionDays
      return c.json({
        key,
        from: now - (days ?? retentionDays) * DAY,
        to: now,
        backups: [],
        runs: [],
        summary: { restorePoints: 0, oldestRestorePoint: null, pruned: 0, firstSeen: null },
        retentionDays,
      })
    }
    return c.json({ error: { code: 'not_found', message: `No guest ${key}` } }, 404)
  })
  .get('/activity', async (c) => {
    const rawDays = c.req.query('days') ?? '30'
    const days = /^\d{1,3}$/.test(rawDays) ? Number(rawDays) : Number.NaN
    if (!(ACTIVITY_RANGES as readonly number[]).includes(days)) {
      throw badRequest(`days must be one of ${ACTIVITY_RANGES.join(', ')}`)
    }
    const timeZone = c.req.query('tz') ?? 'UTC'
    if (!isTimeZone(timeZone)) {
      throw badRequest('tz must be an IANA time zone such as Europe/Berlin or UTC')
    }
    c.header('Cache-Control', NO_STORE)
    return c.json(await coordinator(c.env).activity(days, timeZone))
  })
  .get('/storage', async (c) => {
    const days = daysParam(c.req.query('days'), readConfig(c.env).history.retentionDays) ?? 1
    const now = nowSeconds()
    const from = now - days * DAY
    const storage = (await readStorage(c.env))?.value ?? { storages: [], datastores: [] }
    const samples = await coordinator(c.env).usageHistory(trendKeys(storage), from)
    c.header('Cache-Control', NO_STORE)
    return c.json(storageTrends(storage, samples, from, now))
  })

async function inventory(env: AppEnv['Bindings']) {
  const [index, newest] = await Promise.all([readIndex(env), coordinator(env).newestBackups()])
  return buildInventory(index ?? { guests: [], orphans: [] }, newest, nowSeconds())
}

const exportName = (now: number, ext: string) =>
  `pulse-edge-inventory-${new Date(now * 1000).toISOString().slice(0, 10)}.${ext}`

export const exports = new Hono<AppEnv>()
  .get('/inventory.json', async (c) => {
    const body = await inventory(c.env)
    c.header('Cache-Control', NO_STORE)
    c.header(
      'Content-Disposition',
      `attachment; filename="${exportName(body.generatedAt, 'json')}"`,
    )
    return c.json(body)
  })
  .get('/inventory.csv', async (c) => {
    const body = await inventory(c.env)
    c.header('Cache-Control', NO_STORE)
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', `attachment; filename="${exportName(body.generatedAt, 'csv')}"`)
    return c.body(inventoryCsv(body))
  })

/**
 * POST /api/dev/replay?at=<epoch>: a refresh of every source as of a past time, for `npm run
 * dev` to replay the lab's year (scripts/dev.ts). Closed (404) unless PULSE_DEV_REPLAY is on;
 * behind the API token like POST /api/refresh.
 */
export const devReplay = new Hono<AppEnv>().post('/replay', apiTokenAuth, async (c) => {
  const config = readConfig(c.env)
  if (!config.history.replayAllowed) {
    return c.json({ error: { code: 'not_found', message: 'No route for /api/dev/replay' } }, 404)
  }
  const raw = c.req.query('at') ?? ''
  const now = nowSeconds()
  const at = Number(raw)
  if (!/^\d{1,12}$/.test(raw) || at > now || at < now - config.history.retentionDays * DAY) {
    throw badRequest('at must be epoch seconds in the past, within the history retention')
  }
  const report = await coordinator(c.env).replay(at)
  return c.json(report ?? { refreshed: [], message: 'Nothing to refresh' })
})

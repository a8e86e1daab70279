// /api: JSON for the dashboard and scripts. Guests come from the read cache (one KV read per
// request); status and refreshes come from the coordinator, where they live.
import type { Context } from 'hono'
import { Hono } from 'hono'
import { etag } from 'hono/etag'
import { HTTPException } from 'hono/http-exception'
import type { Health } from '../../shared/schema/health.ts'
import type { GuestIndex } from '../../shared/schema/index.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { Status } from '../../shared/schema/status.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import { readConfig } from '../config.ts'
import { coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { digestOf } from '../store/digest.ts'
import { readGuest, readIndex, readJobs, readOrphan, readStorage } from '../store/read-cache.ts'
import { VERSION } from '../version.ts'
import { apiTokenAuth } from './api-token.ts'
import { configuredSources } from './configured-sources.ts'

/** Kept in step with `crons` in wrangler.toml (a unit test checks). */
export const REFRESH_INTERVAL_SECONDS = 900
/** An empty cache asks the coordinator for a refresh at most this often per isolate. */
const EMPTY_CACHE_REFRESH_SECONDS = 60
/** Manual refreshes closer together than this are refused (429). */
const MIN_MANUAL_REFRESH_SECONDS = 30
const READ_CACHE_CONTROL = 'private, no-cache'

let emptyCacheRefreshAt = 0

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The ETag is ours; hono/etag answers 304 when If-None-Match matches it weakly (RFC 9110). */
function withEtag(c: Context<AppEnv>, tag: string, body: unknown) {
  c.header('ETag', tag)
  c.header('Cache-Control', READ_CACHE_CONTROL)
  return c.json(body)
}
const conditional = etag()

export const api = new Hono<AppEnv>()
  .get('/health', (c) => {
    const config = readConfig(c.env)
    const body: Health = {
      status: 'ok',
      version: VERSION,
      now: nowSeconds(),
      sources: config.sources.length,
      configIssues: config.issues.length,
    }
    c.header('Cache-Control', 'no-store')
    return c.json(body)
  })
  .get('/guests', conditional, async (c) => {
    const stored = await readIndex(c.env)
    if (!stored) {
      const now = nowSeconds()
      const config = readConfig(c.env)
      if (config.sources.length > 0 && now - emptyCacheRefreshAt >= EMPTY_CACHE_REFRESH_SECONDS) {
        emptyCacheRefreshAt = now
        // The coordinator coalesces: however many isolates ask, one refresh is queued.
        c.executionCtx.waitUntil(
          coordinator(c.env).trigger({ reason: 'empty cache', origin: new URL(c.req.url).origin }),
        )
      }
      const empty: GuestIndex = { guests: [], orphans: [], ambiguous: [] }
      c.header('Cache-Control', 'no-store')
      return c.json(empty)
    }
    const body: GuestIndex = {
      guests: stored.guests,
      orphans: stored.orphans,
      ambiguous: stored.ambiguous,
    }
    return withEtag(c, `W/"${stored.textDigest}"`, body)
  })
  .get('/guests/:cluster/:vmid', conditional, async (c) => {
    const { cluster, vmid } = c.req.param()
    if (!/^[a-z0-9-]{1,32}$/.test(cluster) || !/^\d{1,9}$/.test(vmid)) {
      throw new HTTPException(400, { message: 'Expected /api/guests/<cluster>/<vmid>' })
    }
    const record = await readGuest(c.env, cluster, vmid)
    if (!record)
      return c.json({ error: { code: 'not_found', message: `No guest ${cluster}/${vmid}` } }, 404)
    return withEtag(c, `W/"${await digestOf(JSON.stringify(record))}"`, record)
  })
  .get('/orphans/:key{.+}', conditional, async (c) => {
    const key = c.req.param('key')
    if (key.length > 300 || !/^[A-Za-z0-9._:/-]+$/.test(key)) {
      throw new HTTPException(400, { message: 'Expected /api/orphans/<orphan key>' })
    }
    const record = await readOrphan(c.env, key)
    if (!record) return c.json({ error: { code: 'not_found', message: `No orphan ${key}` } }, 404)
    return withEtag(c, `W/"${await digestOf(JSON.stringify(record))}"`, record)
  })
  .get('/jobs', conditional, async (c) => {
    const stored = await readJobs(c.env)
    if (!stored) {
      c.header('Cache-Control', 'no-store')
      return c.json({ pve: [], pbs: [] } satisfies JobsIndex)
    }
    return withEtag(c, `W/"${stored.textDigest}"`, stored.value)
  })
  .get('/storage', conditional, async (c) => {
    const stored = await readStorage(c.env)
    if (!stored) {
      c.header('Cache-Control', 'no-store')
      return c.json({ storages: [], datastores: [] } satisfies StorageIndex)
    }
    return withEtag(c, `W/"${stored.textDigest}"`, stored.value)
  })
  .get('/status', async (c) => {
    const config = readConfig(c.env)
    // The page loads this: where it is served from is what alert messages link to (unless
    // PULSE_PUBLIC_URL says otherwise).
    const stored = await coordinator(c.env).status(new URL(c.req.url).origin)
    const now = nowSeconds()
    const body: Status = {
      sources: configuredSources(config, stored),
      configIssues: config.issues,
      thresholds: config.thresholds,
      lastRefresh: stored.lastRefresh,
      progress: stored.progress,
      nextRefresh: Math.ceil((now + 1) / REFRESH_INTERVAL_SECONDS) * REFRESH_INTERVAL_SECONDS,
      refreshAllowed: Boolean(config.refresh.apiToken) || config.refresh.anonymousRefreshAllowed,
      storeError: stored.storeError,
    }
    c.header('Cache-Control', 'no-store')
    return c.json(body)
  })
  .post('/refresh', apiTokenAuth, async (c) => {
    const now = nowSeconds()
    const api = coordinator(c.env)
    const last = (await api.status()).lastRefresh
    if (last && now - last.startedAt < MIN_MANUAL_REFRESH_SECONDS) {
      c.header('Retry-After', String(MIN_MANUAL_REFRESH_SECONDS - (now - last.startedAt)))
      return c.json(
        { error: { code: 'too_many_requests', message: 'A refresh ran moments ago' } },
        429,
      )
    }
    const report = await api.refreshNow({ reason: 'manual', origin: new URL(c.req.url).origin })
    return c.json(report ?? { refreshed: [], message: 'Nothing to refresh' })
  })

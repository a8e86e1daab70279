// GET /metrics: the Prometheus text exposition (0.0.4) of backups, jobs, storage and sources,
// behind the API token (a scraper's `authorization` bearer). Made from the read cache — one
// KV read each for the guest index, jobs and storage — and the coordinator's status.
import { Hono } from 'hono'
import type { GuestIndex } from '../../shared/schema/index.ts'
import { readConfig } from '../config.ts'
import { coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { METRICS_CONTENT_TYPE, renderMetrics } from '../metrics/render.ts'
import { readIndex, readJobs, readStorage } from '../store/read-cache.ts'
import { apiTokenAuth } from './api-token.ts'
import { configuredSources } from './configured-sources.ts'

const EMPTY_INDEX: GuestIndex = { guests: [], orphans: [], ambiguous: [] }

export const metrics = new Hono<AppEnv>().get('/', apiTokenAuth, async (c) => {
  const [index, jobs, storage, status] = await Promise.all([
    readIndex(c.env),
    readJobs(c.env),
    readStorage(c.env),
    coordinator(c.env).status(),
  ])
  const body = renderMetrics({
    now: Math.floor(Date.now() / 1000),
    index: index ?? EMPTY_INDEX,
    jobs: jobs?.value ?? { pve: [], pbs: [] },
    storage: storage?.value ?? { storages: [], datastores: [] },
    sources: configuredSources(readConfig(c.env), status),
    lastRefresh: status.lastRefresh,
    // The coordinator does not count refreshes or notifications yet, and the alert engine is
    // not wired in: these families are listed (HELP/TYPE) without samples until they are.
    counters: { refreshes: null, notificationsSent: null },
    firing: [],
  })
  c.header('Content-Type', METRICS_CONTENT_TYPE)
  c.header('Cache-Control', 'no-store')
  return c.body(body)
})

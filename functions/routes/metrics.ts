// GET /metrics: the Prometheus text exposition (0.0.4) of backups, jobs, storage and sources,
// behind the API token (a scraper's `authorization` bearer). Made from the read cache — one
// KV read each for the guest index, jobs, storage and alerts — and the coordinator's status and
// counters.
import { Hono } from 'hono'
import type { GuestIndex } from '../../shared/schema/index.ts'
import { readConfig } from '../config.ts'
import { coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { METRICS_CONTENT_TYPE, renderMetrics } from '../metrics/render.ts'
import { readAlerts, readIndex, readJobs, readStorage } from '../store/read-cache.ts'
import { apiTokenAuth } from './api-token.ts'
import { configuredSources } from './configured-sources.ts'

const EMPTY_INDEX: GuestIndex = { guests: [], orphans: [], ambiguous: [] }

export const metrics = new Hono<AppEnv>().get('/', apiTokenAuth, async (c) => {
  const api = coordinator(c.env)
  const [index, jobs, storage, alerts, status, counters] = await Promise.all([
    readIndex(c.env),
    readJobs(c.env),
    readStorage(c.env),
    readAlerts(c.env),
    api.status(),
    api.counters(),
  ])
  const body = renderMetrics({
    now: Math.floor(Date.now() / 1000),
    index: index ?? EMPTY_INDEX,
    jobs: jobs?.value ?? { pve: [], pbs: [] },
    storage: storage?.value ?? { storages: [], datastores: [] },
    sources: configuredSources(readConfig(c.env), status),
    lastRefresh: status.lastRefresh,
    counters,
    firing: (alerts?.value.alerts ?? [])
      .filter((a) => a.state === 'firing')
      .map((a) => ({
        alertId: a.id,
        rule: a.rule,
        severity: a.severity,
        subjectKey: a.subject.key,
      })),
  })
  c.header('Content-Type', METRICS_CONTENT_TYPE)
  c.header('Cache-Control', 'no-store')
  return c.body(body)
})

// /api: read-only JSON for the dashboard and scripts.
import { Hono } from 'hono'
import type { Health } from '../../shared/schema/health.ts'
import { parseConfig } from '../config.ts'
import type { AppEnv } from '../env.ts'
import { VERSION } from '../version.ts'

export const api = new Hono<AppEnv>().get('/health', (c) => {
  const config = parseConfig(c.env)
  const body: Health = {
    status: 'ok',
    version: VERSION,
    now: Math.floor(Date.now() / 1000),
    sources: config.sources.length,
    configIssues: config.issues.length,
  }
  c.header('Cache-Control', 'no-store')
  return c.json(body)
})

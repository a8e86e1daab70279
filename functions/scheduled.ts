// The cron path. Until the refresh pipeline lands it only validates the configuration,
// so a broken setting shows up in the Worker's log on the first tick.
import { parseConfig } from './config.ts'
import type { Env } from './env.ts'

export async function runScheduledRefresh(env: Env, scheduledTimeMs: number): Promise<void> {
  const config = parseConfig(env)
  for (const issue of config.issues) console.warn(`config: ${issue.field} ${issue.message}`)
  console.log(
    `scheduled tick at ${Math.floor(scheduledTimeMs / 1000)}: ${config.sources.length} source(s)`,
  )
}

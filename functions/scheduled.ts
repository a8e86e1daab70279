// The cron path: with a PULSE_QUEUE binding, one queue message per source (each its own
// invocation); without, one trigger of every source at the coordinator, which runs the pass
// from its alarm (and continues deferred work in further alarms).
import { readConfig } from './config.ts'
import { coordinator } from './coordinator/client.ts'
import type { Env } from './env.ts'
import { enqueueRefresh } from './queue.ts'

export async function runScheduledRefresh(env: Env, scheduledTimeMs: number): Promise<void> {
  const now = Math.floor(scheduledTimeMs / 1000)
  if (env.PULSE_QUEUE) {
    const sent = await enqueueRefresh(env.PULSE_QUEUE, readConfig(env), 'schedule', now)
    console.log(`refresh (schedule): ${sent} source(s) sent to the refresh queue`)
    return
  }
  const { decisions } = await coordinator(env).trigger({ reason: 'schedule' })
  console.log(`refresh (schedule): ${Object.keys(decisions).length} source(s) queued`)
}

// The cron path: with a PULSE_QUEUE binding, one queue message per source (each its own
// invocation); without, one refresh of every source through the same code as the manual trigger.
import { readConfig } from './config.ts'
import type { Env } from './env.ts'
import { enqueueRefresh } from './queue.ts'
import { refresh } from './refresh.ts'

export async function runScheduledRefresh(env: Env, scheduledTimeMs: number): Promise<void> {
  const now = Math.floor(scheduledTimeMs / 1000)
  if (env.PULSE_QUEUE) {
    const sent = await enqueueRefresh(env.PULSE_QUEUE, readConfig(env), 'schedule', now)
    console.log(`refresh (schedule): ${sent} source(s) sent to the refresh queue`)
    return
  }
  const report = await refresh(env, {
    now,
    reason: 'schedule',
    subrequestBudget: readConfig(env).refresh.subrequestBudget,
  })
  console.log(
    `refresh (schedule): ${report.guests} guests, ${report.subrequests} subrequests, ` +
      `${report.kvWrites} KV writes, ${report.deferred} unit(s) deferred to the next run`,
  )
}

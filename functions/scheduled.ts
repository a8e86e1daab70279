// The cron path: one refresh of every source through the same code as the manual trigger.
import type { Env } from './env.ts'
import { refresh } from './refresh.ts'
import { subrequestBudget } from './refresh-settings.ts'

export async function runScheduledRefresh(env: Env, scheduledTimeMs: number): Promise<void> {
  const report = await refresh(env, {
    now: Math.floor(scheduledTimeMs / 1000),
    reason: 'schedule',
    subrequestBudget: subrequestBudget(env),
  })
  console.log(
    `refresh (schedule): ${report.guests} guests, ${report.subrequests} subrequests, ` +
      `${report.kvWrites} KV writes, ${report.deferred} unit(s) deferred to the next run`,
  )
}

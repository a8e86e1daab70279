// The Worker's entry: HTTP requests go to the Hono app, cron ticks to the refresh, and (when a
// queue is configured) refresh messages to the queue consumer.
import { app } from './app.ts'
import type { Env } from './env.ts'
import { consumeRefreshBatch } from './queue.ts'
import { runScheduledRefresh } from './scheduled.ts'

export { Coordinator } from './coordinator/durable-object.ts'

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledRefresh(env, controller.scheduledTime))
  },
  async queue(batch, env) {
    const report = await consumeRefreshBatch(batch, env)
    console.log(
      `refresh (queue): ${report.refreshed.length} source(s) refreshed, ${report.dropped} dropped, ${report.retried} to retry`,
    )
  },
} satisfies ExportedHandler<Env, unknown>

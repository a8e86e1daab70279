// The Worker's entry: HTTP requests go to the Hono app, cron ticks to the refresh.
import { app } from './app.ts'
import type { Env } from './env.ts'
import { runScheduledRefresh } from './scheduled.ts'

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledRefresh(env, controller.scheduledTime))
  },
} satisfies ExportedHandler<Env>

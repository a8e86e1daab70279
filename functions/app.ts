// The route table: every URL the Worker answers, its middleware order and error shape.
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { ApiError } from '../shared/schema/error.ts'
import type { AppEnv } from './env.ts'
import { alerts } from './routes/alerts.ts'
import { api } from './routes/api.ts'
import { badge } from './routes/badge.ts'
import { devReplay, exports, history } from './routes/history.ts'
import { hooks } from './routes/hooks.ts'
import { metrics } from './routes/metrics.ts'

// JSON (and the metrics text) is never a document: no framing, no sniffing, no referrer, nothing
// it may load. Badges set their own (they must be embeddable cross-origin); the page's come from
// web/static/_headers.
const jsonHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: 'DENY',
})

export const app = new Hono<AppEnv>()
  .use('/api/*', jsonHeaders)
  .use('/hooks/*', jsonHeaders)
  .use('/metrics', jsonHeaders)
  .route('/api/alerts', alerts)
  .route('/api/history', history)
  .route('/api/export', exports)
  .route('/api/dev', devReplay)
  .route('/api', api)
  .route('/metrics', metrics)
  .route('/hooks', hooks)
  .route('/badge', badge)
  .notFound((c) => {
    const body: ApiError = { error: { code: 'not_found', message: `No route for ${c.req.path}` } }
    return c.json(body, 404)
  })
  .onError((err, c) => {
    // Middleware that built its own answer (hono/bearer-auth's 401 with our error body).
    if (err instanceof HTTPException && err.res) return err.getResponse()
    if (err instanceof HTTPException) {
      const body: ApiError = { error: { code: 'bad_request', message: err.message } }
      return c.json(body, err.status)
    }
    const requestId = crypto.randomUUID()
    // The error itself may carry upstream text; log its name and message, never headers.
    console.error(`request ${requestId} failed: ${err.name}: ${err.message}`)
    const body: ApiError = {
      error: { code: 'internal', message: 'Internal error', requestId },
    }
    return c.json(body, 500)
  })

export type AppType = typeof app

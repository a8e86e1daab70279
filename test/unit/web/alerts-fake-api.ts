// A stand-in for the Worker's alert routes in the browser tests, until they exist: serves
// /api/alerts and /api/alerts/channels from the fixtures through page.route and answers the
// POSTs as the contract (shared/schema/alerts.ts) says, recording every request the page sent.
// Acting changes what the next GET returns, as the coordinator would.
import type { Page, Route } from 'playwright-core'
import * as z from 'zod/mini'
import {
  AckBodySchema,
  type AlertsResponse,
  type ChannelsResponse,
  type DeliveryLogEntry,
  SnoozeBodySchema,
  UnackBodySchema,
} from '../../../shared/schema/alerts.ts'

export interface SentRequest {
  method: string
  /** As sent: the alert id still percent-encoded. */
  path: string
  body: unknown
  authorization: string | undefined
}

export interface FakeAlertsApi {
  alerts: AlertsResponse
  channels: ChannelsResponse
  sent: SentRequest[]
  /** GETs of /api/alerts so far. */
  alertLoads: number
  /** When set, a POST without `Bearer <token>` is refused with 401. */
  token: string | null
  /** Answers the next POST instead of the contract's behaviour (one use). */
  next: ((route: Route) => Promise<void>) | null
  /** The result the next channel test reports. */
  testResult: Partial<DeliveryLogEntry>
}

const error = (route: Route, status: number, code: string, message: string) =>
  route.fulfill({ status, json: { error: { code, message } } })

export async function serveAlerts(
  page: Page,
  init: Pick<FakeAlertsApi, 'alerts' | 'channels'> & Partial<FakeAlertsApi>,
): Promise<FakeAlertsApi> {
  const api: FakeAlertsApi = {
    sent: [],
    alertLoads: 0,
    token: null,
    next: null,
    testResult: { status: 'sent', httpStatus: 200 },
    ...init,
  }
  await page.route(
    (url) => url.pathname === '/api/alerts' || url.pathname.startsWith('/api/alerts/'),
    async (route) => {
      const request = route.request()
      const path = new URL(request.url()).pathname
      if (request.method() === 'GET') {
        if (path === '/api/alerts') {
          api.alertLoads += 1
          return route.fulfill({ json: api.alerts })
        }
        if (path === '/api/alerts/channels') return route.fulfill({ json: api.channels })
        return error(route, 404, 'not_found', 'No such route')
      }
      const authorization = request.headers().authorization
      api.sent.push({ method: request.method(), path, body: request.postDataJSON(), authorization })
      const override = api.next
      if (override) {
        api.next = null
        return override(route)
      }
      if (api.token && authorization !== `Bearer ${api.token}`)
        return error(route, 401, 'unauthorized', 'A valid API token is required')
      const now = Math.floor(Date.now() / 1000)
      const test = /^\/api\/alerts\/channels\/([^/]+)\/test$/.exec(path)
      if (test) {
        const id = decodeURIComponent(test[1] as string)
        const channel = api.channels.channels.find((c) => c.id === id)
        if (!channel) return error(route, 404, 'not_found', `No channel ${id}`)
        const result: DeliveryLogEntry = {
          channelId: id,
          messageId: `test-${api.sent.length}`,
          attempt: 1,
          at: now,
          status: 'sent',
          httpStatus: 200,
          error: null,
          nextAttemptAt: null,
          ...api.testResult,
        }
        channel.log.unshift(result)
        return route.fulfill({ json: { result } })
      }
      const action = /^\/api\/alerts\/([^/]+)\/(ack|unack|snooze)$/.exec(path)
      if (!action) return error(route, 404, 'not_found', 'No such route')
      const id = decodeURIComponent(action[1] as string)
      const alert = api.alerts.alerts.find((a) => a.id === id)
      if (!alert) return error(route, 404, 'not_found', `No alert ${id}`)
      const body: unknown = request.postDataJSON()
      if (action[2] === 'ack') {
        const parsed = z.safeParse(AckBodySchema, body)
        if (!parsed.success) return error(route, 400, 'bad_request', 'Bad body')
        if (alert.state !== 'firing') return error(route, 409, 'conflict', 'Not firing')
        alert.acknowledged = { by: parsed.data.by ?? null, at: now }
      } else if (action[2] === 'unack') {
        if (!z.safeParse(UnackBodySchema, body).success)
          return error(route, 400, 'bad_request', 'Bad body')
        alert.acknowledged = null
      } else {
        const parsed = z.safeParse(SnoozeBodySchema, body)
        if (!parsed.success) return error(route, 400, 'bad_request', 'Bad body')
        const until = parsed.data.until
        alert.snoozedUntil = until !== null && until > now ? until : null
      }
      return route.fulfill({ json: { alert } })
    },
  )
  return api
}

// The Alerts view's requests: /api/alerts and /api/alerts/channels read like the rest of the
// API (api.ts); acknowledge, unacknowledge, snooze and a channel's test are POSTs with the API
// token, answered with the alert (or the attempt) as the Worker now has it.
import * as z from 'zod/mini'
import {
  type AckBody,
  type Alert,
  AlertActionResponseSchema,
  type AlertsResponse,
  AlertsResponseSchema,
  type ChannelsResponse,
  ChannelsResponseSchema,
  ChannelTestResponseSchema,
  type DeliveryLogEntry,
  type SnoozeBody,
} from '../../shared/schema/alerts.ts'
import { ApiError, errorOf, getJson } from './api.ts'

/** The request never got an answer (offline, DNS, a dropped connection). */
export class NetworkError extends Error {}

export const loadAlerts = (): Promise<AlertsResponse> =>
  getJson('/api/alerts', AlertsResponseSchema)
export const loadChannels = (): Promise<ChannelsResponse> =>
  getJson('/api/alerts/channels', ChannelsResponseSchema)

async function post<T>(
  path: string,
  body: object,
  schema: z.ZodMiniType<T>,
  token: string | undefined,
): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
  }
  if (token) headers.authorization = `Bearer ${token}`
  let response: Response
  try {
    response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) })
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'the request failed')
  }
  if (!response.ok) throw await errorOf(path, response)
  const parsed = z.safeParse(schema, await response.json().catch(() => null))
  if (!parsed.success) throw new ApiError(`${path} sent data this page does not understand`, 0)
  return parsed.data
}

/** Alert ids hold `:` and `/` (`age-pbs:pve-a/101`): one path segment, encoded. */
const alertPath = (id: string, action: string) => `/api/alerts/${encodeURIComponent(id)}/${action}`

export type AlertAction =
  | { kind: 'ack'; by?: string }
  | { kind: 'unack' }
  | { kind: 'snooze'; until: number | null; by?: string }

export async function sendAlertAction(
  id: string,
  action: AlertAction,
  token: string | undefined,
): Promise<Alert> {
  let body: object
  if (action.kind === 'ack') body = { by: action.by } satisfies AckBody
  else if (action.kind === 'snooze')
    body = { until: action.until, by: action.by } satisfies SnoozeBody
  else body = {}
  const answer = await post(alertPath(id, action.kind), body, AlertActionResponseSchema, token)
  return answer.alert
}

export async function sendChannelTest(
  id: string,
  token: string | undefined,
): Promise<DeliveryLogEntry> {
  const path = `/api/alerts/channels/${encodeURIComponent(id)}/test`
  return (await post(path, {}, ChannelTestResponseSchema, token)).result
}

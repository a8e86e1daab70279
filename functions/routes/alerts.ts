// /api/alerts: what fires and what resolved lately (from the read cache, one KV read), the
// owner's acknowledge / snooze (bearer PULSE_API_TOKEN, like POST /api/refresh), and the
// channels with their delivery logs and a test message. Actions and channels go to the
// coordinator, which keeps the alert state; nothing here ever holds a channel's secret.
import type { Context } from 'hono'
import { Hono } from 'hono'
import { etag } from 'hono/etag'
import * as z from 'zod/mini'
import {
  AckBodySchema,
  type AlertActionResponse,
  type AlertsResponse,
  type ChannelTestResponse,
  SnoozeBodySchema,
  UnackBodySchema,
} from '../../shared/schema/alerts.ts'
import type { ApiError } from '../../shared/schema/error.ts'
import { type AlertActionInput, coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { readAlerts } from '../store/read-cache.ts'
import { apiTokenAuth } from './api-token.ts'

const MAX_BODY_CHARS = 4_096
/** What an alert id looks like: `<rule>:<subject key>` (keys hold `/`, `:`, `.`, `-`). */
const ALERT_ID = /^[a-z-]{1,32}:[\w.:/@-]{1,300}$/
const CHANNEL_ID = /^[a-z0-9][a-z0-9-]{0,31}$/

const EMPTY: AlertsResponse = {
  alerts: [],
  firing: { warning: 0, critical: 0 },
  excluded: [],
}

function fail(c: Context<AppEnv>, status: 400 | 404 | 409, code: string, message: string) {
  const body: ApiError = { error: { code, message } }
  return c.json(body, status)
}

/** The request's JSON body through `schema`: an empty body counts as `{}`. */
async function readBody<T extends z.core.$ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<{ ok: true; value: z.output<T> } | { ok: false; message: string }> {
  const text = await c.req.text()
  if (text.length > MAX_BODY_CHARS) return { ok: false, message: 'The body is too large' }
  let raw: unknown = {}
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text)
    } catch {
      return { ok: false, message: 'The body must be JSON' }
    }
  }
  const parsed = z.safeParse(schema, raw)
  if (parsed.success) return { ok: true, value: parsed.data }
  // Field paths and zod's own messages; never the value that was sent.
  const first = parsed.error.issues[0]
  const field = first?.path.length ? first.path.map(String).join('.') : 'body'
  return { ok: false, message: `${field}: ${first?.message ?? 'is invalid'}` }
}

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin

async function act(c: Context<AppEnv>, input: AlertActionInput) {
  if (!ALERT_ID.test(input.alertId)) {
    return fail(c, 400, 'bad_request', 'Expected /api/alerts/<alert id>/<action>')
  }
  const outcome = await coordinator(c.env).alertAction({ ...input, origin: origin(c) })
  if (!outcome.ok) {
    return outcome.reason === 'unknown-alert'
      ? fail(c, 404, 'not_found', `No alert ${input.alertId}`)
      : fail(c, 409, 'not_firing', `Alert ${input.alertId} is not firing: nothing to acknowledge`)
  }
  const body: AlertActionResponse = { alert: outcome.alert }
  c.header('Cache-Control', 'no-store')
  return c.json(body)
}

export const alerts = new Hono<AppEnv>()
  .get('/', etag(), async (c) => {
    const stored = await readAlerts(c.env)
    if (!stored) {
      c.header('Cache-Control', 'no-store')
      return c.json(EMPTY)
    }
    c.header('ETag', `W/"${stored.textDigest}"`)
    c.header('Cache-Control', 'private, no-cache')
    return c.json(stored.value)
  })
  .get('/channels', async (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json(await coordinator(c.env).alertChannels())
  })
  .post('/channels/:id/test', apiTokenAuth, async (c) => {
    const id = c.req.param('id')
    if (!CHANNEL_ID.test(id)) return fail(c, 400, 'bad_request', 'Expected a channel id')
    const result = await coordinator(c.env).testChannel(id, origin(c))
    if (!result) return fail(c, 404, 'not_found', `No channel ${id}`)
    const body: ChannelTestResponse = { result }
    c.header('Cache-Control', 'no-store')
    return c.json(body)
  })
  .post('/:id{.+}/ack', apiTokenAuth, async (c) => {
    const body = await readBody(c, AckBodySchema)
    if (!body.ok) return fail(c, 400, 'bad_request', body.message)
    return act(c, {
      kind: 'ack',
      alertId: c.req.param('id'),
      ...(body.value.by ? { by: body.value.by } : {}),
    })
  })
  .post('/:id{.+}/unack', apiTokenAuth, async (c) => {
    const body = await readBody(c, UnackBodySchema)
    if (!body.ok) return fail(c, 400, 'bad_request', body.message)
    return act(c, { kind: 'unack', alertId: c.req.param('id') })
  })
  .post('/:id{.+}/snooze', apiTokenAuth, async (c) => {
    const body = await readBody(c, SnoozeBodySchema)
    if (!body.ok) return fail(c, 400, 'bad_request', body.message)
    return act(c, {
      kind: 'snooze',
      alertId: c.req.param('id'),
      until: body.value.until,
      ...(body.value.by ? { by: body.value.by } : {}),
    })
  })

// /hooks: refresh triggers from Proxmox notification webhooks and Standard Webhooks senders.
// Both answer at once (202 and which source will refresh) and refresh in waitUntil, well
// inside Proxmox's 10 s timeout; the coordinator queues the refresh (and coalesces bursts).
// Unconfigured secrets close the route (503), never open it.
import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { timingSafeEqual } from 'hono/utils/buffer'
import type { ApiError } from '../../shared/schema/error.ts'
import { readConfig } from '../config.ts'
import { coordinator } from '../coordinator/client.ts'
import type { AppEnv } from '../env.ts'
import { parseProxmoxEvent } from '../hooks/proxmox-event.ts'
import { parseRefreshRequest } from '../hooks/refresh-request.ts'
import { matchSources, sourceNames } from '../hooks/source-match.ts'
import { verifyStandardWebhook } from '../hooks/standard-webhooks.ts'

/** vzdump logs are capped at 1 MiB (proxmox-api.md §4.2); escaped into JSON they grow a bit. */
const PROXMOX_BODY_LIMIT = 4 * 1024 * 1024
const REFRESH_BODY_LIMIT = 64 * 1024

const nowSeconds = () => Math.floor(Date.now() / 1000)

function fail(
  c: Context<AppEnv>,
  status: 400 | 401 | 409 | 413 | 503,
  code: string,
  message: string,
) {
  const body: ApiError = { error: { code, message } }
  return c.json(body, status)
}

const limited = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) => fail(c, 413, 'too_large', `The body is larger than ${maxSize} bytes`),
  })

export const hooks = new Hono<AppEnv>()
  .post('/proxmox', limited(PROXMOX_BODY_LIMIT), async (c) => {
    const config = readConfig(c.env)
    const secret = config.hooks.proxmoxSecret
    if (!secret) {
      return fail(
        c,
        503,
        'hooks_disabled',
        'Proxmox webhook refresh is not configured: set the PULSE_WEBHOOK_SECRET secret',
      )
    }
    const given = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? ''
    if (!(await timingSafeEqual(given, secret))) {
      c.header('WWW-Authenticate', 'Bearer realm="pulse-edge"')
      return fail(
        c,
        401,
        'unauthorized',
        'Send the webhook secret as "Authorization: Bearer {{ secrets.token }}"',
      )
    }
    const parsed = parseProxmoxEvent(await c.req.text())
    if (!parsed.ok) return fail(c, 400, 'bad_request', parsed.message)
    const { event } = parsed
    if (event.kind === 'test') {
      return c.json({ status: 'test', message: 'Test notification received; nothing refreshed' })
    }
    if (event.kind === 'ignored') {
      return c.json({
        status: 'ignored',
        reason: `Event type ${JSON.stringify(event.type.slice(0, 64))} does not change backups`,
      })
    }

    const requested = c.req.query('source') || undefined
    const api = coordinator(c.env)
    // The coordinator's stored facts know the node names and datastores (needed when the URL
    // does not name the source) and a cluster's PBS storages (a vzdump refreshes those too).
    const names =
      requested === undefined || event.type === 'vzdump'
        ? await api.sourceNames()
        : config.sources.map((source) => sourceNames(source, null))
    const match = matchSources(names, event, requested)
    if (!match.ok) {
      // 200, not 404: Proxmox never retries, and an error status would only add a "could not
      // notify" line to every backup job's log; the Worker's log and this body say what to fix.
      console.warn(`hooks: ${match.message}`)
      return c.json({ status: 'no-match', message: match.message })
    }
    const priorityNode = event.type === 'vzdump' ? event.hostname : undefined
    const { decisions } = await api.trigger({
      sourceIds: match.sourceIds,
      reason: `webhook proxmox ${event.type}`,
      minIntervalSeconds: config.hooks.minIntervalSeconds,
      origin: new URL(c.req.url).origin,
      ...(priorityNode ? { priorityNode } : {}),
    })
    return c.json(
      {
        status: 'accepted',
        event: event.type,
        matchedBy: match.by,
        sources: match.sourceIds.map((id) => ({
          id,
          ...decisions[id],
          ...(priorityNode && config.sources.find((s) => s.id === id)?.kind === 'pve'
            ? { priorityNode }
            : {}),
        })),
      },
      202,
    )
  })
  .post('/refresh', limited(REFRESH_BODY_LIMIT), async (c) => {
    const config = readConfig(c.env)
    const signingKeys = config.hooks.signingKeys
    if (!signingKeys) {
      const unreadable = config.issues.some((i) => i.field === 'PULSE_WEBHOOK_SIGNING_SECRET')
      return fail(
        c,
        503,
        'hooks_disabled',
        unreadable
          ? 'PULSE_WEBHOOK_SIGNING_SECRET is not a valid whsec_<base64> secret'
          : 'Signed webhook refresh is not configured: set the PULSE_WEBHOOK_SIGNING_SECRET secret',
      )
    }
    const body = await c.req.text()
    const now = nowSeconds()
    const verified = await verifyStandardWebhook(
      {
        id: c.req.header('webhook-id'),
        timestamp: c.req.header('webhook-timestamp'),
        signature: c.req.header('webhook-signature'),
      },
      body,
      signingKeys,
      now,
    )
    if (!verified.ok) return fail(c, 401, 'unauthorized', verified.reason)
    const request = parseRefreshRequest(
      body,
      config.sources.map((s) => s.id),
    )
    if (!request.ok) return fail(c, 400, 'bad_request', request.message)
    const api = coordinator(c.env)
    if (!(await api.claimWebhookId(verified.id, now))) {
      return fail(c, 409, 'replayed', 'This webhook-id was already accepted; nothing refreshed')
    }
    if (request.sourceIds.length === 0) {
      return c.json({ status: 'no-match', message: 'No sources are configured' })
    }
    const { decisions } = await api.trigger({
      sourceIds: request.sourceIds,
      reason: 'webhook signed',
      minIntervalSeconds: config.hooks.minIntervalSeconds,
    })
    return c.json(
      {
        status: 'accepted',
        sources: request.sourceIds.map((id) => ({ id, ...decisions[id] })),
      },
      202,
    )
  })

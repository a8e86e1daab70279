// A Standard Webhooks receiver: it verifies each request with the Worker's own inbound
// verifier (functions/hooks/standard-webhooks.ts, the spec's scheme), refuses a bad or stale
// signature with 401, and drops a repeated webhook-id as the spec recommends (answered 200,
// counted in `duplicates`). The payload must be {type, timestamp, data} JSON.
import {
  type KeyBytes,
  parseSigningSecrets,
  verifyStandardWebhook,
} from '../../../functions/hooks/standard-webhooks.ts'
import { createReceiver, isObject, json, parseJson, type Receiver } from './receiver.ts'

export interface WebhookReceiver extends Receiver {
  /** Requests whose webhook-id was seen before (not accepted again). */
  readonly duplicates: string[]
}

export function createWebhookReceiver(
  prefix: string,
  options: { path: string; secret: string; now?: () => number },
): WebhookReceiver {
  const keys = parseSigningSecrets(options.secret) as KeyBytes[]
  const seen = new Set<string>()
  const duplicates: string[] = []
  const receiver = createReceiver('webhook', prefix, async (request) => {
    const refuse = (status: number, reason: string) => ({
      ok: false as const,
      reason,
      response: json(status, { error: reason }),
    })
    if (request.path !== options.path) return refuse(404, 'not found')
    const now = options.now?.() ?? Math.floor(Date.now() / 1000)
    const verification = await verifyStandardWebhook(
      {
        id: request.headers['webhook-id'],
        timestamp: request.headers['webhook-timestamp'],
        signature: request.headers['webhook-signature'],
      },
      request.body,
      keys,
      now,
    )
    if (!verification.ok) return refuse(401, verification.reason)
    if (seen.has(verification.id)) {
      duplicates.push(verification.id)
      return { ok: false as const, reason: 'duplicate', response: json(200, { duplicate: true }) }
    }
    const body = parseJson(request.body)
    if (
      !isObject(body) ||
      typeof body.type !== 'string' ||
      typeof body.timestamp !== 'string' ||
      !isObject(body.data)
    ) {
      return refuse(400, 'payload must be {type, timestamp, data}')
    }
    seen.add(verification.id)
    return { ok: true, message: body, response: json(200, { received: verification.id }) }
  })
  const reset = receiver.reset
  return Object.assign(receiver, {
    duplicates,
    reset: () => {
      reset()
      seen.clear()
      duplicates.length = 0
    },
  })
}

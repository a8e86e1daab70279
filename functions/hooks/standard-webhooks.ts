// Standard Webhooks (standardwebhooks.com, spec/standard-webhooks.md) with WebCrypto only, both
// ways: verifying POST /hooks/refresh and signing the webhook alert channel. `webhook-signature`
// holds space-separated `v1,<base64 HMAC-SHA256>` entries over `${webhook-id}.${webhook-
// timestamp}.${raw body}`, keyed by the base64 after `whsec_`. Replay protection by id lives in
// the coordinator (claimWebhookId); this file is pure apart from crypto.subtle.

/** The reference libraries allow five minutes either way. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60
const SECRET_PREFIX = 'whsec_'
/** Ids are stored (hashed) for replay checks; a sane sender's ids are far shorter. */
const MAX_ID_LENGTH = 256

/** Backed by a plain ArrayBuffer, as WebCrypto wants. */
export type KeyBytes = Uint8Array<ArrayBuffer>

export interface WebhookHeaders {
  id: string | undefined
  timestamp: string | undefined
  signature: string | undefined
}

export type Verification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: string }

function decodeBase64(text: string): KeyBytes | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

function encodeBase64(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text)
}

/**
 * `whsec_<base64>` secrets, space-separated so a new one can be added before the old one goes.
 * Null when any is malformed: a half-valid setting should be fixed, not silently narrowed.
 */
export function parseSigningSecrets(raw: string): KeyBytes[] | null {
  const parts = raw.trim().split(/\s+/).filter(Boolean)
  if (parts.length === 0) return null
  const keys: KeyBytes[] = []
  for (const part of parts) {
    const key = decodeBase64(
      part.startsWith(SECRET_PREFIX) ? part.slice(SECRET_PREFIX.length) : part,
    )
    if (!key || key.length === 0) return null
    keys.push(key)
  }
  return keys
}

function importKey(key: KeyBytes, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}

/** `v1,<base64>` for one key; what a sender computes (tests and the README example). */
export async function signStandardWebhook(
  key: KeyBytes,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const data = new TextEncoder().encode(`${id}.${timestamp}.${body}`)
  const mac = await crypto.subtle.sign('HMAC', await importKey(key, 'sign'), data)
  return `v1,${encodeBase64(new Uint8Array(mac))}`
}

/**
 * The `webhook-signature` header a sender sends: one `v1,` entry per key, space-separated, so
 * a receiver rotating its secret accepts the message under the old key and the new one.
 */
export async function standardWebhookSignature(
  keys: readonly KeyBytes[],
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  const entries = await Promise.all(
    keys.map((key) => signStandardWebhook(key, id, timestamp, body)),
  )
  return entries.join(' ')
}

export async function verifyStandardWebhook(
  headers: WebhookHeaders,
  body: string,
  keys: KeyBytes[],
  now: number,
): Promise<Verification> {
  const { id, timestamp, signature } = headers
  if (!id || !timestamp || !signature) {
    return {
      ok: false,
      reason: 'webhook-id, webhook-timestamp and webhook-signature headers are required',
    }
  }
  if (id.length > MAX_ID_LENGTH) return { ok: false, reason: 'webhook-id is too long' }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'webhook-timestamp must be integer Unix seconds' }
  }
  const seconds = Number(timestamp)
  if (Math.abs(now - seconds) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'webhook-timestamp is more than 5 minutes away from now' }
  }
  // The number as sent, not re-formatted: the sender signed these exact characters.
  const data = new TextEncoder().encode(`${id}.${timestamp}.${body}`)
  const candidates = signature
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, value]) => decodeBase64(value ?? ''))
    .filter((bytes): bytes is KeyBytes => bytes !== null)
  for (const key of keys) {
    const cryptoKey = await importKey(key, 'verify')
    for (const candidate of candidates) {
      // verify() compares inside WebCrypto, in constant time for a given length.
      if (await crypto.subtle.verify('HMAC', cryptoKey, candidate, data)) {
        return { ok: true, id, timestamp: seconds }
      }
    }
  }
  return { ok: false, reason: 'no webhook-signature matches' }
}

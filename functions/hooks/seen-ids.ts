// Replay protection for Standard Webhooks: a webhook-id is accepted once. Remembered in this
// isolate (exact, and immediate for concurrent duplicates) and in KV for other isolates —
// best-effort there, because KV is eventually consistent: a replay reaching another location
// within about a minute may not see the id yet. Only ids of correctly signed messages are
// stored, so nobody without the secret can fill either store.
import { digestOf } from '../store/digest.ts'
import { hookSeenIdKvKey } from '../store/keys.ts'
import { TIMESTAMP_TOLERANCE_SECONDS } from './standard-webhooks.ts'

/**
 * A replay must still pass the timestamp check, so it can only arrive while its timestamp is
 * within the tolerance of now; the original arrived within the tolerance of it too.
 */
export const REMEMBER_SECONDS = 2 * TIMESTAMP_TOLERANCE_SECONDS

const seen = new Map<string, number>()

/** True the first time an id is claimed; false for a replay. */
export async function claimWebhookId(kv: KVNamespace, id: string, now: number): Promise<boolean> {
  for (const [known, until] of seen) if (until <= now) seen.delete(known)
  if (seen.has(id)) return false
  // Claimed before the first await, so a concurrent duplicate in this isolate sees it.
  seen.set(id, now + REMEMBER_SECONDS)
  const key = hookSeenIdKvKey(await digestOf(id))
  if ((await kv.get(key)) !== null) return false
  await kv.put(key, String(now), { expirationTtl: REMEMBER_SECONDS })
  return true
}

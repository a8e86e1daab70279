// Standard Webhooks verification with WebCrypto: the spec's published vector, rotation,
// tolerance both ways, and every malformed header refused.
import { describe, expect, it } from 'vitest'
import {
  type KeyBytes,
  parseSigningSecrets,
  signStandardWebhook,
  verifyStandardWebhook,
} from '../../../../functions/hooks/standard-webhooks.ts'

// The vector published with the spec and its reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

function keysOf(raw: string): KeyBytes[] {
  const keys = parseSigningSecrets(raw)
  if (!keys) throw new Error('bad test secret')
  return keys
}

const headers = (signature: string, timestamp = String(VECTOR.timestamp), id = VECTOR.id) => ({
  id,
  timestamp,
  signature,
})

describe('signStandardWebhook / verifyStandardWebhook', () => {
  it('reproduces and accepts the published vector', async () => {
    const [key] = keysOf(VECTOR.secret)
    if (!key) throw new Error('no key')
    expect(await signStandardWebhook(key, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(
      VECTOR.signature,
    )
    const result = await verifyStandardWebhook(
      headers(VECTOR.signature),
      VECTOR.body,
      keysOf(VECTOR.secret),
      VECTOR.timestamp,
    )
    expect(result).toEqual({ ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp })
  })

  it('accepts any matching entry of a space-separated list, and any of several secrets', async () => {
    const other = `whsec_${btoa('another key of 24 bytes!')}`
    const list = `v1a,ed25519stuff v1,AAAA ${VECTOR.signature}`
    const result = await verifyStandardWebhook(
      headers(list),
      VECTOR.body,
      keysOf(`${other} ${VECTOR.secret}`),
      VECTOR.timestamp,
    )
    expect(result.ok).toBe(true)
  })

  it('refuses a changed body, id or timestamp, and another secret', async () => {
    const at = VECTOR.timestamp
    const keys = keysOf(VECTOR.secret)
    const sig = VECTOR.signature
    const refused = [
      await verifyStandardWebhook(headers(sig), '{"test": 2432232315}', keys, at),
      await verifyStandardWebhook(headers(sig, String(at), 'msg_other'), VECTOR.body, keys, at),
      await verifyStandardWebhook(headers(sig, String(at + 1)), VECTOR.body, keys, at),
      await verifyStandardWebhook(
        headers(sig),
        VECTOR.body,
        keysOf(`whsec_${btoa('not the right key at all')}`),
        at,
      ),
    ]
    for (const result of refused)
      expect(result).toEqual({ ok: false, reason: 'no webhook-signature matches' })
  })

  it('allows five minutes either way and no more', async () => {
    const keys = keysOf(VECTOR.secret)
    const verifyAt = (now: number) =>
      verifyStandardWebhook(headers(VECTOR.signature), VECTOR.body, keys, now)
    expect((await verifyAt(VECTOR.timestamp + 300)).ok).toBe(true)
    expect((await verifyAt(VECTOR.timestamp - 300)).ok).toBe(true)
    expect(await verifyAt(VECTOR.timestamp + 301)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('5 minutes'),
    })
    expect(await verifyAt(VECTOR.timestamp - 301)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('5 minutes'),
    })
  })

  it('refuses missing headers, a non-numeric timestamp and signatures that are not v1', async () => {
    const keys = keysOf(VECTOR.secret)
    const at = VECTOR.timestamp
    const body = VECTOR.body
    expect(
      (
        await verifyStandardWebhook(
          { id: undefined, timestamp: '1', signature: 'v1,x' },
          body,
          keys,
          at,
        )
      ).ok,
    ).toBe(false)
    expect(
      (await verifyStandardWebhook(headers(VECTOR.signature, '1614265330.0'), body, keys, at)).ok,
    ).toBe(false)
    expect(
      (await verifyStandardWebhook(headers(VECTOR.signature.replace('v1,', 'v2,')), body, keys, at))
        .ok,
    ).toBe(false)
    expect((await verifyStandardWebhook(headers('v1,not*base64'), body, keys, at)).ok).toBe(false)
    expect(
      (
        await verifyStandardWebhook(
          headers(VECTOR.signature, String(at), 'x'.repeat(300)),
          body,
          keys,
          at,
        )
      ).ok,
    ).toBe(false)
  })
})

describe('parseSigningSecrets', () => {
  it('reads whsec_ secrets, several when space-separated', () => {
    expect(parseSigningSecrets(VECTOR.secret)?.length).toBe(1)
    expect(parseSigningSecrets(`${VECTOR.secret}  ${VECTOR.secret}\n`)?.length).toBe(2)
  })

  it('rejects the whole setting when one part is not base64', () => {
    expect(parseSigningSecrets('whsec_not base64!')).toBeNull()
    expect(parseSigningSecrets(`${VECTOR.secret} whsec_%%%`)).toBeNull()
    expect(parseSigningSecrets('whsec_')).toBeNull()
    expect(parseSigningSecrets('   ')).toBeNull()
  })
})

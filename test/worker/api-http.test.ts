// HTTP semantics of /api through Hono's middleware: conditional GETs (hono/etag, RFC 9110 weak
// comparison of If-None-Match, lists included) and the bearer token of POST /api/refresh
// (hono/bearer-auth), with the API's own 401 body.
import { beforeAll, describe, expect, it } from 'vitest'
import { ApiErrorSchema } from '../../shared/schema/error.ts'
import { OrphanRecordSchema } from '../../shared/schema/guest.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const TOKEN = 'api-token-0123456789abcdef'
const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', PULSE_API_TOKEN: TOKEN })
const { now, facts } = labModel()
const guestPath = `/api/guests/${facts.designGuest.cluster}/${facts.designGuest.vmid}`
const orphanPath = `/api/orphans/${facts.orphan.cluster}/${facts.orphan.vmid}`

beforeAll(async () => {
  // Back-dated, so the manual refresh below is not refused as too soon after this one.
  await refresh(testEnv, { now: now - 7200, reason: 'test', subrequestBudget: 1000 })
})

describe('conditional GET', () => {
  for (const path of ['/api/guests', guestPath, orphanPath]) {
    it(`answers ${path} with 304 for a weak tag in a list, keeping ETag and Cache-Control`, async () => {
      const first = await call(testEnv, path)
      expect(first.status).toBe(200)
      const etag = first.headers.get('etag') ?? ''
      expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/)
      expect(first.headers.get('cache-control')).toBe('private, no-cache')

      for (const header of [etag, `${etag}, "other"`, `"other", ${etag.slice(2)}`, '*']) {
        const again = await call(testEnv, path, { headers: { 'if-none-match': header } })
        expect(again.status, header).toBe(304)
        expect(await again.text()).toBe('')
        expect(again.headers.get('etag')).toBe(etag)
        expect(again.headers.get('cache-control')).toBe('private, no-cache')
      }
      const other = await call(testEnv, path, { headers: { 'if-none-match': 'W/"other"' } })
      expect(other.status).toBe(200)
      expect(other.headers.get('etag')).toBe(etag)
    })
  }
})

describe('GET /api/orphans/:key', () => {
  it('answers a known key with its record', async () => {
    const response = await call(testEnv, orphanPath)
    expect(response.status).toBe(200)
    const record = OrphanRecordSchema.parse(await response.json())
    expect([record.key, record.orphan, record.guestId]).toEqual([
      `${facts.orphan.cluster}/${facts.orphan.vmid}`,
      true,
      facts.orphan.vmid,
    ])
  })

  it('answers an unknown key with 404 and the API error body', async () => {
    for (const key of [
      `${facts.orphan.cluster}/${facts.designGuest.vmid}`,
      'pbs/pbs/store1/-/vm/1',
    ]) {
      const response = await call(testEnv, `/api/orphans/${key}`)
      expect(response.status, key).toBe(404)
      expect(ApiErrorSchema.parse(await response.json()).error.code).toBe('not_found')
    }
  })

  it('refuses a key outside the key alphabet or too long with 400', async () => {
    for (const key of ['a%20b', '%3Cscript%3E', 'a%00b', 'caf%C3%A9', 'a'.repeat(301)]) {
      const response = await call(testEnv, `/api/orphans/${key}`)
      expect(response.status, key).toBe(400)
      expect(ApiErrorSchema.parse(await response.json()).error.code).toBe('bad_request')
    }
  })
})

describe('POST /api/refresh', () => {
  async function refused(env: typeof testEnv, authorization?: string) {
    const response = await call(env, '/api/refresh', {
      method: 'POST',
      ...(authorization ? { headers: { authorization } } : {}),
    })
    expect(response.status, authorization).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="pulse-edge"/)
    const text = await response.text()
    expect(ApiErrorSchema.parse(JSON.parse(text)).error.code).toBe('unauthorized')
    return { response, text }
  }

  it('runs a refresh with the right token', async () => {
    const response = await call(testEnv, '/api/refresh', {
      method: 'POST',
      headers: { authorization: `bearer ${TOKEN}` },
    })
    expect(response.status).toBe(200)
  })

  it('refuses a missing, malformed or wrong token with 401 and the API error body', async () => {
    await refused(testEnv)
    await refused(testEnv, 'Basic dXNlcjpwYXNz')
    await refused(testEnv, 'Bearer not a token')
    const wrong = await refused(testEnv, 'Bearer api-token-wrong')
    expect(wrong.response.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect((await refused(testEnv, `Bearer ${TOKEN}x`)).text).not.toContain(TOKEN)
  })

  it('is closed without a token unless anonymous refresh is allowed for development', async () => {
    const closed = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
    await refused(closed)
    // A token that cannot be read does not count as "no token": still closed.
    await refused(
      labEnv({ PULSE_API_TOKEN: 'has spaces in it', PULSE_ALLOW_ANONYMOUS_REFRESH: 'true' }),
    )
    const open = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', PULSE_ALLOW_ANONYMOUS_REFRESH: 'true' })
    const response = await call(open, '/api/refresh', { method: 'POST' })
    // Allowed through; refused only as too soon after the refresh above.
    expect([200, 429]).toContain(response.status)
  })
})

// Status badges inside workerd, against data the lab refresh wrote to KV and records written
// with controlled timestamps: what an embedding page or shields.io receives.
import { beforeAll, describe, expect, it } from 'vitest'
import { guestKvKey } from '../../functions/store/keys.ts'
import { ageStatus, getFilteredAge } from '../../shared/age.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { readBadgeSvg } from './badge-svg.ts'
import { putGuest } from './guest-records.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'
import { SHIELDS_HEX_COLOR, ShieldsEndpointSchema } from './shields-endpoint-schema.ts'

const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const { now, facts } = labModel()
const design = `${facts.designGuest.cluster}/${facts.designGuest.vmid}`
const H = 3600

async function svgOf(path: string, env = testEnv) {
  const response = await call(env, path)
  return { response, badge: readBadgeSvg(await response.text()) }
}

async function jsonOf(path: string, env = testEnv) {
  const response = await call(env, path)
  return { response, json: ShieldsEndpointSchema.parse(await response.json()) }
}

/** Wraps the KV binding so a test can count every call the Worker makes on it. */
function countingKv(kv: KVNamespace) {
  const calls: string[] = []
  const counted = new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push(String(property))
        return value.apply(target, args)
      }
    },
  })
  return { kv: counted, calls }
}

beforeAll(async () => {
  const report = await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
  expect(report.sources.map((s) => s.lastError)).toEqual([null, null, null])
  const t = Math.floor(Date.now() / 1000)
  await putGuest(testEnv, 'colors', 1, { pve: t - 2 * H })
  await putGuest(testEnv, 'colors', 2, { pve: t - 30 * H })
  await putGuest(testEnv, 'colors', 3, { pve: t - 100 * H })
  await putGuest(testEnv, 'colors', 4, {})
})

describe('a guest badge', () => {
  it('shows the design note guest as "backup: 11h" in the fresh colour, as well-formed SVG', async () => {
    const { response, badge } = await svgOf(`/badge/${design}.svg`)
    expect(response.status).toBe(200)
    expect(badge.title).toBe('backup: 11h')
    expect(badge.ariaLabel).toBe('backup: 11h')
    expect(badge.messageColor).toBe('#4c1')
  })

  it('reads the chosen backup type: ?type=pve is 17 h', async () => {
    const { badge } = await svgOf(`/badge/${design}.svg?type=pve`)
    expect(badge.title).toBe('pve backup: 17h')
  })

  it.each([
    [1, 'backup: 2h', '#4c1'],
    [2, 'backup: 30h', '#dfb317'],
    [3, 'backup: 4d 4h', '#e05d44'],
    [4, 'backup: never', '#9b1c1c'],
  ])('colours guest colors/%i by the dashboard thresholds (%s)', async (vmid, title, color) => {
    const { badge } = await svgOf(`/badge/colors/${vmid}.svg`)
    expect(badge.title).toBe(title)
    expect(badge.messageColor).toBe(color)
  })

  it('follows PULSE_FRESH_HOURS / PULSE_STALE_HOURS like the dashboard', async () => {
    const strict = labEnv({ PULSE_FRESH_HOURS: '1', PULSE_STALE_HOURS: '24' })
    expect((await svgOf('/badge/colors/1.svg', strict)).badge.messageColor).toBe('#dfb317')
    expect((await svgOf('/badge/colors/2.svg', strict)).badge.messageColor).toBe('#e05d44')
  })

  it('answers an unknown guest with a grey "unknown" badge and 404', async () => {
    for (const path of ['/badge/homelab/999999.svg', '/badge/Not_A_Cluster/1.svg']) {
      const { response, badge } = await svgOf(path)
      expect(response.status).toBe(404)
      expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
      expect(badge.title).toBe('backup: unknown')
      expect(badge.messageColor).toBe('#9f9f9f')
    }
    const { response, json } = await jsonOf('/badge/homelab/999999.json')
    expect(response.status).toBe(404)
    expect(json).toMatchObject({ message: 'unknown', color: '9f9f9f', isError: true })
  })

  it('refuses an unknown ?type with 400 and a badge naming the allowed ones', async () => {
    const { response, badge } = await svgOf(`/badge/${design}.svg?type=vzdump`)
    expect(response.status).toBe(400)
    expect(badge.title).toBe('type: must be all, pve, pbs or snapshots')
    const json = await jsonOf('/badge/summary.json?type=PVE')
    expect(json.response.status).toBe(400)
    expect(json.json.isError).toBe(true)
  })
})

describe('the fleet badge', () => {
  it('counts fresh guests out of all non-template guests, by the shared age rule', async () => {
    const index = GuestIndexSchema.parse(await (await call(testEnv, '/api/guests')).json())
    const t = Math.floor(Date.now() / 1000)
    const guests = index.guests.filter((g) => !g.template)
    const fresh = guests.filter((g) => ageStatus(getFilteredAge(g, 'pbs', t)) === 'fresh')
    const { badge } = await svgOf('/badge/summary.svg?type=pbs')
    expect(badge.title).toBe(`pbs backups: ${fresh.length}/${guests.length} fresh`)
    expect(fresh.length).toBeLessThan(guests.length)
    expect(badge.messageColor).toBe('#e05d44')
  })

  it('serves the same as shields endpoint JSON', async () => {
    const { response, json } = await jsonOf('/badge/summary.json')
    const { badge } = await svgOf('/badge/summary.svg')
    expect(response.status).toBe(200)
    expect(`${json.label}: ${json.message}`).toBe(badge.title)
    expect(`#${json.color}`).toBe(badge.messageColor)
  })
})

describe('serving', () => {
  it('sends headers that let any page embed the SVG and caches for about a minute', async () => {
    const response = await call(testEnv, `/badge/${design}.svg`)
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'public, max-age=60',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    })
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/)
  })

  it('sends the JSON with the same caching and cross-origin headers', async () => {
    const response = await call(testEnv, `/badge/${design}.json`)
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=60',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': '*',
    })
  })

  it('answers 304 without a body when If-None-Match holds the current ETag', async () => {
    for (const path of [`/badge/${design}.svg`, '/badge/summary.json']) {
      const etag = (await call(testEnv, path)).headers.get('etag') ?? ''
      for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
        const again = await call(testEnv, path, { headers: { 'if-none-match': header } })
        expect(again.status).toBe(304)
        expect(again.headers.get('etag')).toBe(etag)
        expect(again.headers.get('cache-control')).toBe('public, max-age=60')
        expect(await again.text()).toBe('')
      }
      const stale = await call(testEnv, path, { headers: { 'if-none-match': '"other"' } })
      expect(stale.status).toBe(200)
    }
  })

  it('meets the shields endpoint schema on every JSON route, with a colour shields reads', async () => {
    for (const path of [
      `/badge/${design}.json`,
      `/badge/${design}.json?type=snapshots`,
      '/badge/colors/4.json',
      '/badge/summary.json?type=pve',
      '/badge/homelab/999999.json',
      '/badge/summary.json?type=nope',
    ]) {
      const body = await (await call(testEnv, path)).json()
      const parsed = ShieldsEndpointSchema.safeParse(body)
      expect(parsed.error?.issues ?? [], path).toEqual([])
      expect(parsed.data?.color).toMatch(SHIELDS_HEX_COLOR)
      expect(parsed.data?.cacheSeconds).toBeGreaterThanOrEqual(300)
    }
  })

  it('makes at most one KV read per badge, and no write', async () => {
    const expectations: [string, number][] = [
      [`/badge/${design}.svg`, 1],
      [`/badge/${design}.json?type=pbs`, 1],
      ['/badge/summary.svg', 1],
      ['/badge/summary.json?type=snapshots', 1],
      ['/badge/homelab/999999.svg', 1],
      ['/badge/Not_A_Cluster/1.svg', 0],
      [`/badge/${design}.svg?type=bad`, 0],
    ]
    for (const [path, reads] of expectations) {
      const { kv, calls } = countingKv(testEnv.PULSE_KV)
      const response = await call({ ...testEnv, PULSE_KV: kv }, path)
      await response.arrayBuffer()
      expect(calls, path).toEqual(Array(reads).fill('get'))
    }
  })

  it('answers a repeat within seconds from memory, without a KV read', async () => {
    const { kv, calls } = countingKv(testEnv.PULSE_KV)
    const env = { ...testEnv, PULSE_KV: kv }
    for (const path of [`/badge/${design}.svg`, `/badge/${design}.json?type=pve`]) {
      await (await call(env, path)).arrayBuffer()
    }
    await (await call(env, '/badge/summary.svg')).arrayBuffer()
    await (await call(env, '/badge/summary.json?type=pbs')).arrayBuffer()
    expect(calls).toEqual(['get', 'get'])
  })

  it('sizes the badge from real text metrics: a "WWW" label is wider than an "iii" one', async () => {
    const t = Math.floor(Date.now() / 1000)
    await putGuest(testEnv, 'widths', 1, { pve: t - H }, 'WWW')
    await putGuest(testEnv, 'widths', 2, { pve: t - H }, 'iii')
    const named = labEnv({ PULSE_BADGE_SHOW_NAMES: 'true' })
    const wide = (await svgOf('/badge/widths/1.svg', named)).badge
    const narrow = (await svgOf('/badge/widths/2.svg', named)).badge
    expect(wide.title).toBe('WWW backup: 1h')
    expect(wide.width - narrow.width).toBeGreaterThan(15)
  })
})

describe('stored data it cannot read', () => {
  it('shows a guest whose record does not parse as unknown, not as an error page', async () => {
    await testEnv.PULSE_KV.put(guestKvKey('broken', 1), '{"guestId":')
    const { response, badge } = await svgOf('/badge/broken/1.svg')
    expect(response.status).toBe(404)
    expect(badge.title).toBe('backup: unknown')
  })
})

// No configured secret ever leaves the Worker except as the credential of its own source: a full
// run (refreshes good and failing, every API route, hooks, badges, error paths) is recorded —
// every response status line, header and body, every log line, every KV value and every outbound
// request — and searched for each secret.
import { env as baseBindings } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Env } from '../../functions/env.ts'
import { signStandardWebhook } from '../../functions/hooks/standard-webhooks.ts'
import { labChannelVars } from '../lab/receivers/index.ts'
import { call, clearFaults, labEnv, labModel, labUrl, setFaults } from './lab.ts'
import { localState, refresh } from './local-coordinator.ts'

const API_TOKEN = 'api-token-7c1d2e3f4a5b6c7d8e9f'
const HOOK_SECRET = 'hook-secret-0a1b2c3d4e5f6a7b8c9d'
const SIGNING_KEY = crypto.getRandomValues(new Uint8Array(32))
const SIGNING_SECRET = `whsec_${btoa(String.fromCharCode(...SIGNING_KEY))}`
const ACCESS_ID = 'access-id-1f2e3d4c5b6a.access'
const ACCESS_SECRET = 'access-secret-9e8d7c6b5a4f3e2d1c0b'

// Every alert channel type with its secrets, plus one whose secret is malformed (its config
// issue is logged and listed in /api/status: by name only).
const BROKEN_CHANNEL_TOKEN = 'not-a-bot-token-but-secret-7d6c5b4a'
const channelVars = {
  ...labChannelVars('https://receivers.invalid', [{ id: 'broken', type: 'telegram', chatId: 1 }]),
  PULSE_CHANNEL_BROKEN_TOKEN: BROKEN_CHANNEL_TOKEN,
}
const channelSecrets = Object.entries(channelVars)
  .filter(([name]) => name.startsWith('PULSE_CHANNEL_'))
  .map(([, value]) => value)

const env: Env = labEnv({
  ...channelVars,
  PULSE_SUBREQUEST_BUDGET: '1000',
  PULSE_API_TOKEN: API_TOKEN,
  PULSE_WEBHOOK_SECRET: HOOK_SECRET,
  PULSE_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
  PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
  PULSE_ACCESS_CLIENT_ID: ACCESS_ID,
  PULSE_ACCESS_CLIENT_SECRET: ACCESS_SECRET,
})
const sources = JSON.parse(String(env.PULSE_SOURCES)) as { id: string; url: string }[]
const sourceTokens = Object.entries(env)
  .filter(([key]) => key.startsWith('PULSE_TOKEN_'))
  .map(([key, value]) => ({
    id: key.slice('PULSE_TOKEN_'.length).toLowerCase(),
    value: String(value),
  }))
const secrets = [
  API_TOKEN,
  HOOK_SECRET,
  SIGNING_SECRET,
  SIGNING_SECRET.slice('whsec_'.length),
  ACCESS_SECRET,
  ...sourceTokens.map((t) => t.value),
  ...channelSecrets,
]

const seen: { where: string; text: string }[] = []
const outbound: { url: string; headers: Headers }[] = []
const realFetch = globalThis.fetch

async function record(label: string, path: string, init?: RequestInit): Promise<Response> {
  const response = await call(env, path, init)
  const body = await response.text()
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')
  seen.push({ where: `${label} ${path} → ${response.status}`, text: `${headers}\n\n${body}` })
  return response
}

async function proxmoxHook(body: string, token: string) {
  return record('hook', '/hooks/proxmox', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  })
}

async function signedHook(body: string, signature?: string) {
  const id = `msg_${crypto.randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000)
  return record('signed hook', '/hooks/refresh', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature':
        signature ?? (await signStandardWebhook(SIGNING_KEY, id, timestamp, body)),
    },
    body,
  })
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      seen.push({ where: `console.${method}`, text: args.map(String).join(' ') })
      original(...args)
    })
  }
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init)
    outbound.push({ url: request.url, headers: request.headers })
    // The channels' receivers answer with an error that echoes the whole request back (URL,
    // headers, body), as a careless proxy might: none of it may reach a response or a log.
    if (new URL(request.url).hostname === 'receivers.invalid') {
      const echo = `${request.method} ${request.url} ${JSON.stringify([...request.headers])} ${await request.text()}`
      return new Response(`upstream refused: ${echo}`, { status: 500 })
    }
    return realFetch(request)
  })

  // Back-dated, so the manual refresh below is not refused as too soon after these.
  const now = labModel().now - 7200
  // A good refresh, then each source failing in its own way, then good again.
  await refresh(env, { now, reason: 'secrets test', subrequestBudget: 1000 })
  await setFaults([
    { kind: 'bad-token', source: 'pve/office' },
    {
      kind: 'http-error',
      source: 'pve/homelab',
      path: '/cluster/resources',
      status: 500,
      message: 'boom',
    },
    { kind: 'malformed-json', source: 'pbs/pbs' },
  ])
  try {
    await refresh(env, { now: now + 60, reason: 'secrets test (faults)', subrequestBudget: 1000 })
  } finally {
    await clearFaults()
  }

  await record('api', '/api/refresh', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}` },
  })
  await record('api', '/api/refresh', { method: 'POST', headers: { authorization: 'Bearer nope' } })
  await record('api', '/api/refresh', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}` },
  })
  await record('api', '/api/refresh', { method: 'POST' })
  for (const path of [
    '/api/health',
    '/api/status',
    '/api/guests',
    '/api/guests/homelab/111',
    '/api/guests/homelab/99999',
    '/api/guests/NOPE/x',
    '/api/no-such-route',
    '/badge/homelab/111.svg',
    '/badge/homelab/111.json?type=pbs',
    '/badge/summary.svg',
    '/badge/summary.json',
    '/badge/homelab/99999.svg',
  ]) {
    await record('get', path)
  }
  const vzdump = JSON.stringify({
    title: 'vzdump backup status',
    severity: 'info',
    timestamp: Math.floor(Date.now() / 1000),
    fields: { hostname: 'pve1', type: 'vzdump', 'job-id': 'backup-1' },
    message: 'ok',
  })
  await proxmoxHook(vzdump, HOOK_SECRET)
  await proxmoxHook(vzdump, `${HOOK_SECRET}x`)
  await proxmoxHook('{"fields":', HOOK_SECRET)
  await signedHook('{"source":"office"}')
  await signedHook('{"source":"office"}', 'v1,AAAA')
  // A configuration mistake that puts a secret where a setting belongs.
  const leakyConfig = {
    ...env,
    PULSE_SOURCES: JSON.stringify([
      {
        id: 'bad',
        kind: 'pve',
        url: `https://x/${API_TOKEN}`,
        tokenId: API_TOKEN,
        token: API_TOKEN,
      },
    ]),
  }
  const response = await call(leakyConfig, '/api/status')
  seen.push({ where: 'leaky config /api/status', text: await response.text() })
  await refresh(leakyConfig, { now: Math.floor(Date.now() / 1000), reason: 'leaky config' })

  // Alerts: the list, the channels and their delivery logs (every delivery above failed with
  // an echo of its request), each channel's test message and what it answers, an action.
  await record('get', '/api/alerts')
  const authorized = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }
  const channelIds = (JSON.parse(String(env.PULSE_ALERT_CHANNELS)) as { id: string }[]).map(
    (c) => c.id,
  )
  for (const id of channelIds) {
    await record('channel test', `/api/alerts/channels/${id}/test`, {
      method: 'POST',
      headers: authorized,
    })
  }
  await record('get', '/api/alerts/channels')
  const firing = localState(env)
    .readAlerts()
    .find((r) => r.state === 'firing')
  if (firing) {
    await record('ack', `/api/alerts/${encodeURIComponent(firing.id)}/ack`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify({ by: 'ops' }),
    })
  }
  await record('ack', '/api/alerts/missed%3Anope%2F1/ack', { method: 'POST', headers: authorized })

  // The coordinator's state (facts, status, schedule) is stored too: no secret in it either.
  const state = localState(env)
  seen.push({ where: 'coordinator alerts', text: JSON.stringify(state.readAlerts()) })
  seen.push({ where: 'coordinator outboxes', text: JSON.stringify(state.readOutboxes()) })
  seen.push({ where: 'coordinator deliveries', text: JSON.stringify(state.readDeliveries()) })
  seen.push({ where: 'coordinator evaluation', text: JSON.stringify(state.readEvaluation()) })
  for (const id of channelIds) {
    seen.push({ where: `coordinator log ${id}`, text: JSON.stringify(state.deliveryLog(id)) })
  }
  seen.push({ where: 'coordinator status', text: JSON.stringify(state.readStatus()) })
  seen.push({ where: 'coordinator schedule', text: JSON.stringify(state.readSchedule()) })
  for (const stored of state.allFacts()) {
    seen.push({ where: `coordinator facts ${stored.facts.sourceId}`, text: JSON.stringify(stored) })
  }
  const kv = (baseBindings as unknown as Env).PULSE_KV
  for (const key of (await kv.list()).keys) {
    seen.push({ where: `kv ${key.name}`, text: `${key.name}\n${(await kv.get(key.name)) ?? ''}` })
  }
})

afterAll(() => {
  vi.restoreAllMocks()
})

describe('secrets', () => {
  it('recorded a full run: refreshes, API, hooks, badges, errors, logs and KV', () => {
    console.log(
      'WHERE',
      JSON.stringify(
        seen
          .map((s) => s.where)
          .filter((w) => !w.startsWith('console'))
          .slice(0, 60),
      ),
      outbound.length,
    )
    const where = seen.map((s) => s.where)
    expect(where.some((w) => w.startsWith('console.warn'))).toBe(true)
    expect(where.some((w) => w.includes('/api/refresh → 200'))).toBe(true)
    expect(where.some((w) => w.includes('/api/refresh → 401'))).toBe(true)
    expect(where.some((w) => w.includes('/api/refresh → 429'))).toBe(true)
    expect(where.some((w) => w.includes('/hooks/proxmox → 202'))).toBe(true)
    expect(where.some((w) => w.includes('/hooks/refresh → 401'))).toBe(true)
    expect(where.some((w) => w.startsWith('kv guest/'))).toBe(true)
    expect(where.some((w) => w.startsWith('coordinator facts '))).toBe(true)
    // Every channel was tried and refused with an echo of its request (secrets and all).
    const tests = seen.filter((s) => s.where.startsWith('channel test'))
    expect(tests).toHaveLength(10)
    // The channel left out for its malformed secret is no channel.
    expect(tests.filter((s) => s.where.includes('/broken/test → 404'))).toHaveLength(1)
    for (const test of tests.filter((s) => !s.where.includes('/broken/'))) {
      expect(test.where).toContain('→ 200')
      expect(test.text).toContain('"status":"failed"')
      expect(test.text).toContain('upstream refused')
    }
    const logs = seen.filter(
      (s) => s.where.startsWith('coordinator log ') && s.where !== 'coordinator log broken',
    )
    expect(logs).toHaveLength(9)
    expect(logs.every((s) => s.text.includes('"status":"retry"'))).toBe(true)
    expect(where.some((w) => /\/api\/alerts\/channels → 200/.test(w))).toBe(true)
    expect(where.some((w) => /ack .* → 200/.test(w))).toBe(true)
    expect(outbound.length).toBeGreaterThan(50)
    // The malformed channel secret was reported (by name) in a response and a log line.
    const reported = seen.filter((s) => s.text.includes('PULSE_CHANNEL_BROKEN_TOKEN'))
    expect(reported.some((s) => s.where.startsWith('console.warn'))).toBe(true)
    expect(reported.some((s) => s.where.includes('/api/status'))).toBe(true)
  })

  it('never puts a configured secret in a response, a header, a log line or KV', () => {
    const leaks = seen.flatMap((s) =>
      secrets
        .filter((secret) => s.text.includes(secret) || s.text.includes(encodeURIComponent(secret)))
        .map((secret) => `${s.where} contains ${secret.slice(0, 6)}…`),
    )
    expect(leaks).toEqual([])
  })

  it("sends each source's token only to that source's URL, and Access credentials only to sources", () => {
    for (const request of outbound) {
      const auth = request.headers.get('authorization') ?? ''
      for (const token of sourceTokens) {
        if (!auth.includes(token.value)) continue
        const own = sources.find((s) => s.id === token.id)
        expect(own, `token of ${token.id}`).toBeDefined()
        expect(
          request.url.startsWith(`${own?.url}/`),
          `${token.id} token sent to ${request.url}`,
        ).toBe(true)
      }
      for (const secret of [API_TOKEN, HOOK_SECRET, SIGNING_SECRET]) {
        expect([...request.headers].some(([, v]) => v.includes(secret))).toBe(false)
      }
      if (request.headers.get('cf-access-client-secret') !== null) {
        expect(sources.some((s) => request.url.startsWith(`${s.url}/`))).toBe(true)
      }
    }
    const toLab = outbound.filter((r) => r.url.startsWith(labUrl) && !r.url.includes('/_lab/'))
    expect(toLab.every((r) => r.headers.get('cf-access-client-secret') === ACCESS_SECRET)).toBe(
      true,
    )
  })
})

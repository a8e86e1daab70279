// Webhook-triggered refresh against the simulated lab, inside workerd: Proxmox notifications
// (bearer secret) and Standard Webhooks (signed) refresh the right source only, refuse bad
// credentials and bodies, coalesce bursts, and put the node that just backed up first.
//
// Which sources a refresh touched is read from this isolate's own outbound requests (a spy on
// fetch), not from the lab's shared /_lab/stats: other test files run at the same time against
// the same lab, so its global counts are not this file's alone.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { app } from '../../functions/app.ts'
import type { Env } from '../../functions/env.ts'
import { signStandardWebhook } from '../../functions/hooks/standard-webhooks.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { call, labEnv, labModel, labUrl } from './lab.ts'
import {
  localState,
  refresh,
  restartLocal,
  settle,
  withLocalCoordinator,
} from './local-coordinator.ts'

const SECRET = 'hook-secret-9f2c4e7a1b3d5f60'
const SIGNING_KEY = crypto.getRandomValues(new Uint8Array(32))
const SIGNING_SECRET = `whsec_${btoa(String.fromCharCode(...SIGNING_KEY))}`
const baseEnv = labEnv({
  PULSE_SUBREQUEST_BUDGET: '1000',
  PULSE_WEBHOOK_SECRET: SECRET,
  PULSE_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET,
  // Most cases trigger one after another; the interval has cases of its own.
  PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
})
const { now: labNow } = labModel()
const nowSeconds = () => Math.floor(Date.now() / 1000)

type SourceId = 'homelab' | 'office' | 'pbs'
const LAB_PREFIX: Record<SourceId, string> = {
  homelab: '/pve/homelab/',
  office: '/pve/office/',
  pbs: '/pbs/pbs/',
}

/** Paths (below /api2/json) this isolate asked the lab for, in order, by Worker source id. */
let outbound: { source: SourceId; path: string }[] = []
/** While set, lab requests wait for it: lets a test look between the answer and the refresh. */
let hold: Promise<void> | null = null
const realFetch = globalThis.fetch

function requestsBySource(): Record<SourceId, number> {
  const counts = { homelab: 0, office: 0, pbs: 0 }
  for (const r of outbound) counts[r.source] += 1
  return counts
}

async function status() {
  return StatusSchema.parse(await (await call(baseEnv, '/api/status')).json())
}

function attempts(s: Awaited<ReturnType<typeof status>>): Record<string, number | null> {
  return Object.fromEntries(s.sources.map((x) => [x.id, x.lastAttempt]))
}

/** A notification as the README body template renders it (proxmox-api.md §4.3). */
function notification(fields: Record<string, string>, title = 'vzdump backup status') {
  return JSON.stringify({
    title,
    severity: 'info',
    timestamp: nowSeconds(),
    fields,
    message:
      '\nDetails\n=======\nVMID    Name     Status    Time      Size          Filename    \n' +
      '100     web01    ok        1m 35s    32 GiB        vm/100/2025-06-07T18:00:02Z    \n',
  })
}

const vzdump = (hostname: string) =>
  notification(
    { hostname, 'job-id': 'backup-8a5c6d1e-4b2f', type: 'vzdump' },
    `vzdump backup status (${hostname}.example.com): backup successful`,
  )

function proxmox(body: string, options: { env?: Env; token?: string | null; query?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const token = options.token === undefined ? SECRET : options.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  return call(options.env ?? baseEnv, `/hooks/proxmox${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body,
  })
}

async function signed(
  body: string,
  options: { id?: string; timestamp?: number; signature?: string; env?: Env } = {},
) {
  const id = options.id ?? `msg_${crypto.randomUUID()}`
  const timestamp = options.timestamp ?? nowSeconds()
  const signature =
    options.signature ?? (await signStandardWebhook(SIGNING_KEY, id, timestamp, body))
  return call(options.env ?? baseEnv, '/hooks/refresh', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    },
    body,
  })
}

/** Runs `act` and checks it refreshed nothing: no lab request, the stored status unchanged. */
async function expectNothingRefreshed(act: () => Promise<Response>, expectedStatus: number) {
  const before = await status()
  outbound = []
  const response = await act()
  expect(response.status).toBe(expectedStatus)
  expect(outbound).toEqual([])
  const after = await status()
  expect(after.lastRefresh).toEqual(before.lastRefresh)
  expect(attempts(after)).toEqual(attempts(before))
  return response
}

beforeAll(async () => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.origin === new URL(labUrl).origin && !url.pathname.startsWith('/_lab')) {
      const source = (Object.keys(LAB_PREFIX) as SourceId[]).find((id) =>
        url.pathname.startsWith(LAB_PREFIX[id]),
      )
      if (source) outbound.push({ source, path: url.pathname.replace(/^.*\/api2\/json/, '') })
      if (hold) await hold
    }
    return realFetch(request)
  })
  // Earlier than any webhook-started run, so every refresh below shows in lastAttempt.
  const report = await refresh(baseEnv, {
    now: labNow - 600,
    reason: 'baseline',
    subrequestBudget: 1000,
  })
  expect(report.sources.map((s) => s.lastError)).toEqual([null, null, null])
})

afterAll(() => {
  vi.restoreAllMocks()
})

/** Refreshes of a PVE source: each asks /cluster/status exactly once. */
const runsOf = (source: SourceId) =>
  outbound.filter((r) => r.source === source && r.path === '/cluster/status').length

beforeEach(() => {
  outbound = []
  hold = null
})

describe('POST /hooks/proxmox', () => {
  it('refreshes the cluster whose node sent a vzdump notification and the PBS it backs up to, nothing else', async () => {
    const before = attempts(await status())
    const response = await proxmox(vzdump('pve1'))
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({
      status: 'accepted',
      event: 'vzdump',
      matchedBy: 'hostname',
      sources: [
        { id: 'homelab', outcome: 'started', reason: 'refresh started', priorityNode: 'pve1' },
        // Its `pbs` storages write there: the new snapshots are seen with the notification.
        { id: 'pbs', outcome: 'started', reason: 'refresh started' },
      ],
    })
    expect(requestsBySource()).toMatchObject({ office: 0 })
    expect(requestsBySource().homelab).toBeGreaterThan(0)
    expect(requestsBySource().pbs).toBeGreaterThan(0)
    const after = await status()
    expect(after.lastRefresh?.reason).toBe('webhook proxmox vzdump')
    expect(after.sources.every((s) => s.lastError === null)).toBe(true)
    expect(attempts(after).homelab).toBe(after.lastRefresh?.startedAt)
    expect(attempts(after).homelab).not.toBe(before.homelab)
    expect(attempts(after).pbs).toBe(after.lastRefresh?.startedAt)
    expect(attempts(after).office).toBe(before.office)
  })

  it('answers at once, before the refresh it queued has run', async () => {
    const before = await status()
    let release = () => {}
    hold = new Promise<void>((resolve) => {
      release = resolve
    })
    const routed = withLocalCoordinator(baseEnv)
    const ctx = createExecutionContext()
    const response = await app.request(
      '/hooks/proxmox',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}` },
        body: vzdump('pve1'),
      },
      routed,
      ctx,
    )
    expect(response.status).toBe(202)
    await waitOnExecutionContext(ctx)
    // Read without running the queued pass (status() would run it, as the alarm does).
    expect(localState(baseEnv).readStatus().lastRefresh).toEqual(before.lastRefresh)
    release()
    // The coordinator's alarm runs the pass.
    await settle(routed)
    expect((await status()).lastRefresh?.reason).toBe('webhook proxmox vzdump')
  })

  it('refreshes the source named by ?source=, whatever the hostname says', async () => {
    const response = await proxmox(vzdump('somewhere-else'), { query: '?source=office' })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({
      matchedBy: 'source parameter',
      sources: [
        { id: 'office', outcome: 'started' },
        { id: 'pbs', outcome: 'started' },
      ],
    })
    expect(requestsBySource()).toMatchObject({ homelab: 0 })
    expect(requestsBySource().office).toBeGreaterThan(0)
  })

  it('refreshes the PBS after its verify job (by hostname) and its GC (by datastore)', async () => {
    const verify = await proxmox(
      notification(
        { type: 'verify', hostname: 'pbs', datastore: 'store1', 'job-id': 'v-1' },
        "Verify Datastore 'store1' successful",
      ),
    )
    expect(await verify.json()).toMatchObject({
      event: 'verify',
      matchedBy: 'hostname',
      sources: [{ id: 'pbs', outcome: 'started' }],
    })
    const gc = await proxmox(
      notification(
        { type: 'gc', hostname: 'backup-box', datastore: 'offsite' },
        "Garbage Collect Datastore 'offsite' successful",
      ),
    )
    expect(await gc.json()).toMatchObject({ matchedBy: 'datastore', sources: [{ id: 'pbs' }] })
    expect(requestsBySource()).toMatchObject({ homelab: 0, office: 0 })
    expect(requestsBySource().pbs).toBeGreaterThan(0)
  })

  it('answers 401 to a missing or wrong secret and refreshes nothing', async () => {
    const cases = [null, '', 'wrong-secret', `${SECRET}x`, SECRET.slice(0, -1)]
    for (const token of cases) {
      const response = await expectNothingRefreshed(() => proxmox(vzdump('pve1'), { token }), 401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="pulse-edge"')
      const text = await response.text()
      expect(text).not.toContain(SECRET)
      expect(text).toContain('unauthorized')
    }
    await expectNothingRefreshed(
      () =>
        call(baseEnv, '/hooks/proxmox', {
          method: 'POST',
          headers: { authorization: `Basic ${btoa(`root:${SECRET}`)}` },
          body: vzdump('pve1'),
        }),
      401,
    )
  })

  it('answers the test button with 200 and refreshes nothing', async () => {
    const response = await expectNothingRefreshed(
      () => proxmox(notification({}, 'Test notification')),
      200,
    )
    expect(await response.json()).toEqual({
      status: 'test',
      message: 'Test notification received; nothing refreshed',
    })
  })

  it('ignores events that do not change backups, saying why', async () => {
    const response = await expectNothingRefreshed(
      () => proxmox(notification({ type: 'replication', hostname: 'pve1', 'job-id': '100-0' })),
      200,
    )
    expect(await response.json()).toEqual({
      status: 'ignored',
      reason: 'Event type "replication" does not change backups',
    })
  })

  it('says so when no source matches, without an error status Proxmox would log forever', async () => {
    const unknownNode = await expectNothingRefreshed(() => proxmox(vzdump('pve9')), 200)
    expect(await unknownNode.json()).toEqual({
      status: 'no-match',
      message:
        'No configured PVE source matches this vzdump notification (hostname "pve9"); add ?source=<id> to the webhook URL',
    })
    const unknownId = await expectNothingRefreshed(
      () => proxmox(vzdump('pve1'), { query: '?source=nope' }),
      200,
    )
    expect(await unknownId.json()).toMatchObject({ status: 'no-match' })
  })

  it('answers 400 with a clear message to bodies that are not the template', async () => {
    for (const body of ['', 'title=backup', '[]', '{"fields":"vzdump"}', '{"fields":{"type":7}}']) {
      const response = await expectNothingRefreshed(() => proxmox(body), 400)
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('bad_request')
      expect(error.message).toContain('README "Webhook refresh"')
    }
  })

  it('is closed (503), not open, while PULSE_WEBHOOK_SECRET is unset', async () => {
    for (const env of [
      { ...baseEnv, PULSE_WEBHOOK_SECRET: undefined },
      { ...baseEnv, PULSE_WEBHOOK_SECRET: ' ' },
    ]) {
      const response = await expectNothingRefreshed(
        () => proxmox(vzdump('pve1'), { env, token: '' }),
        503,
      )
      expect(await response.json()).toEqual({
        error: {
          code: 'hooks_disabled',
          message: 'Proxmox webhook refresh is not configured: set the PULSE_WEBHOOK_SECRET secret',
        },
      })
    }
  })
})

describe('POST /hooks/refresh (Standard Webhooks)', () => {
  it('refreshes the source a correctly signed body names, and only it', async () => {
    const before = attempts(await status())
    const response = await signed('{"source":"pbs"}')
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({
      status: 'accepted',
      sources: [{ id: 'pbs', outcome: 'started', reason: 'refresh started' }],
    })
    expect(requestsBySource()).toMatchObject({ homelab: 0, office: 0 })
    expect(requestsBySource().pbs).toBeGreaterThan(0)
    const after = await status()
    expect(after.lastRefresh?.reason).toBe('webhook signed')
    expect(attempts(after).pbs).toBe(after.lastRefresh?.startedAt)
    expect(attempts(after).homelab).toBe(before.homelab)
    expect(attempts(after).office).toBe(before.office)
  })

  it('refreshes every source, in one run, when the body is empty', async () => {
    const response = await signed('')
    expect(response.status).toBe(202)
    expect(requestsBySource()).toEqual({
      homelab: expect.any(Number),
      office: expect.any(Number),
      pbs: expect.any(Number),
    })
    expect(Object.values(requestsBySource()).every((n) => n > 0)).toBe(true)
    expect([runsOf('homelab'), runsOf('office')]).toEqual([1, 1])
    // One pass for all three: one lastRefresh covering them.
    const after = await status()
    expect(new Set(Object.values(attempts(after))).size).toBe(1)
  })

  it('refuses stale and future timestamps, bad signatures and missing headers', async () => {
    const body = '{"source":"homelab"}'
    const refused = [
      () => signed(body, { timestamp: nowSeconds() - 301 }),
      () => signed(body, { timestamp: nowSeconds() + 301 }),
      () => signed(body, { signature: 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
      async () =>
        signed(body, {
          signature: await signStandardWebhook(new Uint8Array(32), 'msg_x', nowSeconds(), body),
          id: 'msg_x',
        }),
      () =>
        call(baseEnv, '/hooks/refresh', { method: 'POST', body, headers: { 'webhook-id': 'm' } }),
    ]
    for (const act of refused) {
      const response = await expectNothingRefreshed(act, 401)
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } })
    }
  })

  it('refuses a replayed webhook-id, even re-signed with a fresh timestamp', async () => {
    const id = `msg_${crypto.randomUUID()}`
    const first = await signed('{"source":"office"}', { id })
    expect(first.status).toBe(202)
    const replay = await expectNothingRefreshed(() => signed('{"source":"office"}', { id }), 409)
    expect(await replay.json()).toEqual({
      error: {
        code: 'replayed',
        message: 'This webhook-id was already accepted; nothing refreshed',
      },
    })
  })

  it('answers 400 to a signed body it cannot read, and refreshes nothing', async () => {
    for (const body of [
      '{"source":',
      '["homelab"]',
      '{"source":7}',
      '{"sources":["homelab","lab9"]}',
    ]) {
      const response = await expectNothingRefreshed(() => signed(body), 400)
      expect(await response.json()).toMatchObject({ error: { code: 'bad_request' } })
    }
  })

  it('is closed (503) while the signing secret is unset or unreadable', async () => {
    for (const value of [undefined, 'whsec_%%%']) {
      const env = { ...baseEnv, PULSE_WEBHOOK_SIGNING_SECRET: value }
      const response = await expectNothingRefreshed(() => signed('', { env }), 503)
      expect(await response.json()).toMatchObject({ error: { code: 'hooks_disabled' } })
    }
  })
})

describe('coalescing', () => {
  const everyMinute = { ...baseEnv, PULSE_HOOK_MIN_INTERVAL_SECONDS: '60' }

  it('turns a burst of 20 triggers into one refresh plus at most one follow-up', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => proxmox(vzdump('pve1'), { env: everyMinute })),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202))
    const outcomes = await Promise.all(
      responses.map(
        async (r) => ((await r.json()) as { sources: { outcome: string }[] }).sources[0]?.outcome,
      ),
    )
    const count = (o: string) => outcomes.filter((x) => x === o).length
    expect(count('started')).toBe(1)
    expect(count('follow-up')).toBeLessThanOrEqual(1)
    expect(count('started') + count('follow-up') + count('coalesced')).toBe(20)
    expect(runsOf('homelab')).toBe(1 + count('follow-up'))
    expect(requestsBySource()).toMatchObject({ office: 0 })

    // Inside the interval, one more trigger is folded away.
    const late = await expectNothingRefreshed(
      () => proxmox(vzdump('pve1'), { env: everyMinute }),
      202,
    )
    expect(await late.json()).toMatchObject({
      sources: [
        { id: 'homelab', outcome: 'coalesced' },
        { id: 'pbs', outcome: 'coalesced' },
      ],
    })
  })

  it('keeps the interval in the coordinator, across a restart of it', async () => {
    expect((await proxmox(vzdump('pve1'), { env: everyMinute })).status).toBe(202)
    // A new coordinator instance over the same storage knows when the last run started.
    restartLocal(everyMinute)
    const response = await expectNothingRefreshed(
      () => proxmox(vzdump('pve1'), { env: everyMinute }),
      202,
    )
    const coalesced = {
      outcome: 'coalesced',
      reason: expect.stringContaining('less than 60 s ago'),
    }
    expect(await response.json()).toMatchObject({ sources: [coalesced, coalesced] })
    expect(runsOf('homelab')).toBe(0)
  })
})

describe('the node that just finished a backup', () => {
  const tight = { ...baseEnv, PULSE_SUBREQUEST_BUDGET: '20' }

  afterAll(async () => {
    await refresh(baseEnv, { now: nowSeconds(), reason: 'restore', subrequestBudget: 1000 })
  })

  it('is collected first and keeps its work when the budget runs out', async () => {
    // Without a priority, a budget of 20 leaves some node's local backup listing for later.
    outbound = []
    await refresh(tight, {
      now: nowSeconds(),
      reason: 'control',
      sourceIds: ['homelab'],
      subrequestBudget: 20,
    })
    const control = outbound.map((r) => r.path)
    const contentOf = (paths: string[]) =>
      paths.filter((p) => /^\/nodes\/[^/]+\/storage\/[^/]+\/content$/.test(p))
    expect(control).toHaveLength(20)
    // (Without the priority another node's listing comes first: the order below is its doing.)
    expect(contentOf(control)[0]).not.toMatch(/^\/nodes\/pve2\//)

    outbound = []
    const response = await proxmox(vzdump('pve2'), { env: tight })
    expect(await response.json()).toMatchObject({
      sources: [{ id: 'homelab', priorityNode: 'pve2' }, { id: 'pbs' }],
    })
    // The budget is shared with the PBS the cluster backs up to (refreshed with the webhook).
    expect(outbound).toHaveLength(20)
    const paths = outbound.filter((r) => r.source === 'homelab').map((r) => r.path)
    // The node that just backed up is listed first, before any other node's local storage.
    const listings = contentOf(paths)
    expect(listings[0]).toMatch(/^\/nodes\/pve2\//)
    const deferred = localState(baseEnv).readFacts('homelab')?.facts.deferred ?? []
    // Nothing of pve2's backups waits for the next invocation.
    expect(deferred.filter((unit) => unit.startsWith('content:pve2/'))).toEqual([])
    expect(deferred.length).toBeGreaterThan(0)
  })
})

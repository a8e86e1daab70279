// The Proxmox client against an injected fetch: headers per product, and every failure mapped
// to a ProxmoxError kind with a message that never contains the secret.
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { SourceConfig } from '../../../../functions/config.ts'
import { createRequestBudget } from '../../../../functions/proxmox/budget.ts'
import { createProxmoxClient } from '../../../../functions/proxmox/client.ts'
import { ProxmoxError } from '../../../../functions/proxmox/errors.ts'
import { createLimiter } from '../../../../functions/proxmox/limit.ts'

const SECRET = '6f1c2e7a-3b4d-4e5f-8a9b-0c1d2e3f4a5b'
const pve: SourceConfig = {
  id: 'homelab',
  kind: 'pve',
  url: 'https://pve.example.com',
  tokenId: 'monitor@pve!pulse',
  timeoutMs: 1000,
  credentials: { tokenSecret: SECRET, access: { clientId: 'cid.access', clientSecret: 'csecret' } },
}
const pbs: SourceConfig = {
  id: 'pbs',
  kind: 'pbs',
  url: 'https://pbs.example.com',
  tokenId: 'monitor@pbs!pulse',
  timeoutMs: 1000,
  pveServerNames: [],
  credentials: { tokenSecret: SECRET },
}

function answer(status: number, body: string, init: ResponseInit = {}) {
  const calls: Request[] = []
  const fetch = async (input: RequestInfo | URL, req?: RequestInit) => {
    calls.push(new Request(input, req))
    return new Response(status === 204 ? null : body, { status, ...init })
  }
  return { fetch: fetch as typeof globalThis.fetch, calls }
}

async function failure(source: SourceConfig, status: number, body: string, init?: ResponseInit) {
  const { fetch } = answer(status, body, init)
  const error = await createProxmoxClient(source, { fetch })
    .get('/cluster/resources', z.array(z.unknown()))
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ProxmoxError)
  expect(String((error as Error).message)).not.toContain(SECRET)
  return error as ProxmoxError
}

/** A PVE client with one connection and a budget of two, telling each path it fetches. */
function oneConnection(body: string, fetched: (path: string) => void) {
  const fetch = (async (input: RequestInfo | URL) => {
    fetched(new URL(String(input)).pathname.replace('/api2/json', ''))
    return new Response(body)
  }) as typeof globalThis.fetch
  return createProxmoxClient(pve, {
    fetch,
    limit: createLimiter(1),
    budget: createRequestBudget(2),
  })
}

describe('createProxmoxClient', () => {
  it('sends the PVE token with "=" and the Access service token', async () => {
    const { fetch, calls } = answer(200, '{"data":[]}')
    await createProxmoxClient(pve, { fetch }).get('/version', z.array(z.unknown()), { type: 'vm' })
    expect(calls[0]?.url).toBe('https://pve.example.com/api2/json/version?type=vm')
    expect(calls[0]?.headers.get('authorization')).toBe(`PVEAPIToken=monitor@pve!pulse=${SECRET}`)
    expect(calls[0]?.headers.get('cf-access-client-id')).toBe('cid.access')
  })

  it('sends the PBS token with ":"', async () => {
    const { fetch, calls } = answer(200, '{"data":[]}')
    await createProxmoxClient(pbs, { fetch }).get('/admin/datastore', z.array(z.unknown()))
    expect(calls[0]?.headers.get('authorization')).toBe(`PBSAPIToken=monitor@pbs!pulse:${SECRET}`)
  })

  it.each([
    ['an empty 401', pve, 401, '', 'auth'],
    ['a PBS plain-text 401', pbs, 401, 'authentication failed', 'auth'],
    [
      'a 403 with a PVE message',
      pve,
      403,
      '{"data":null,"message":"Permission check failed (/, Sys.Audit)\\n"}',
      'permission',
    ],
    ['a 595 from an offline node', pve, 595, '', 'unreachable'],
    [
      'a 500 with a message',
      pve,
      500,
      '{"data":null,"message":"storage \'nas\' does not exist\\n"}',
      'http',
    ],
    ['a PBS plain-text 400', pbs, 400, "datastore 'store1' is unavailable: maintenance", 'http'],
    ['truncated JSON', pve, 200, '{"data":[{"vmid":1', 'invalid-response'],
  ] as const)('maps %s to kind %s', async (_, source, status, body, kind) => {
    expect((await failure(source, status, body)).kind).toBe(kind)
  })

  it('reads a Cloudflare error page for a down tunnel as unreachable, without quoting it', async () => {
    const page = '<!DOCTYPE html>\n<title>Cloudflare Tunnel error | error code: 1033</title>'
    const error = await failure(pbs, 530, page, { headers: { 'content-type': 'text/html' } })
    expect(error.kind).toBe('unreachable')
    expect(error.message).toBe(
      'pbs GET /cluster/resources: not reachable through the tunnel or proxy in front of it (HTTP 530)',
    )
  })

  it('keeps the upstream reason: PVE message first, PBS text, else the status text', async () => {
    expect(
      (await failure(pve, 500, '{"data":null,"message":"storage \'nas\' does not exist\\n"}'))
        .message,
    ).toBe("homelab GET /cluster/resources: HTTP 500: storage 'nas' does not exist")
    expect((await failure(pbs, 400, "no such datastore 'x'")).message).toContain(
      "no such datastore 'x'",
    )
    expect(
      (await failure(pve, 500, '{"data":null}', { statusText: 'got timeout' })).message,
    ).toContain('got timeout')
  })

  it('recognises a Cloudflare Access login page instead of JSON', async () => {
    const error = await failure(pve, 302, '', {
      headers: { location: 'https://team.cloudflareaccess.com/cdn-cgi/access/login' },
    })
    expect(error.kind).toBe('access')
  })

  it('maps a connection failure to unreachable and stops at the request budget', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed')
    }) as typeof globalThis.fetch
    const client = createProxmoxClient(pve, { fetch: refused, budget: createRequestBudget(1) })
    const first = await client.get('/version', z.unknown()).catch((e: unknown) => e)
    const second = await client.get('/version', z.unknown()).catch((e: unknown) => e)
    expect((first as ProxmoxError).kind).toBe('unreachable')
    expect((second as ProxmoxError).kind).toBe('budget')
  })

  it('holds a connection only while the request is on the wire, not while its answer is checked', async () => {
    // One connection: the second request may start once the first answer is read, before the
    // (here slow, on a PBS namespace's 6 MB listing tens of ms) parsing and checking of it.
    const events: string[] = []
    const client = oneConnection('{"data":[1]}', (path) => events.push(`fetch /api2/json${path}`))
    const checked = (name: string) =>
      z.array(z.number()).transform((items) => {
        events.push(`checked ${name}`)
        return items
      })
    await Promise.all([
      client.get('/first', checked('first')),
      client.get('/second', checked('second')),
    ])
    expect(events).toEqual([
      'fetch /api2/json/first',
      'fetch /api2/json/second',
      'checked first',
      'checked second',
    ])
  })

  it('takes the budget when the limiter grants the connection, in its lane order', async () => {
    const asked: string[] = []
    const client = oneConnection('{"data":[]}', (path) => asked.push(path))
    const list = z.array(z.unknown())
    const results = await Promise.allSettled([
      client.get('/a', list),
      client.get('/plain', list),
      client.get('/opens', list, undefined, { opens: true }),
    ])
    // `/a` had the connection; `/opens` jumped the queue and got the last of the budget.
    expect(asked).toEqual(['/a', '/opens'])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })
})

// Runtime faults through the API and the /_lab control endpoints.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningLab, startLab } from './server.ts'
import { data, get, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 1, now: NOW })
})
afterEach(() => lab.clearFaults())
afterAll(() => lab.close())

describe('faults', () => {
  it('makes an offline node answer 595 with an empty body', async () => {
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    const res = await get(source(lab, 'pve/homelab'), '/nodes/pve2/storage')
    expect(res.status).toBe(595)
    expect(await res.text()).toBe('')
  })

  it('reports an offline node as offline without stats and its guests as unknown', async () => {
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    const s = source(lab, 'pve/homelab')
    const status = await data<{ name: string; online?: number }[]>(s, '/cluster/status')
    expect(status.find((n) => n.name === 'pve2')?.online).toBe(0)
    const nodes = await data<Record<string, unknown>[]>(s, '/nodes')
    const pve2 = nodes.find((n) => n.node === 'pve2')
    expect(pve2?.status).toBe('offline')
    expect(pve2).not.toHaveProperty('uptime')
    const guests = await data<Record<string, unknown>[]>(s, '/cluster/resources?type=vm')
    const onPve2 = guests.filter((g) => g.node === 'pve2')
    expect(onPve2.length).toBeGreaterThan(0)
    for (const g of onPve2) {
      expect(g.status).toBe('unknown')
      expect(g).not.toHaveProperty('name')
    }
  })

  it('can be set and cleared through the control endpoints', async () => {
    const put = await fetch(`${lab.url}/_lab/faults`, {
      method: 'PUT',
      body: JSON.stringify([{ kind: 'bad-token', source: 'pbs/pbs' }]),
    })
    expect(put.status).toBe(200)
    expect((await get(source(lab, 'pbs/pbs'), '/version')).status).toBe(401)
    expect((await fetch(`${lab.url}/_lab/faults`, { method: 'DELETE' })).status).toBe(200)
    expect((await get(source(lab, 'pbs/pbs'), '/version')).status).toBe(200)
  })

  it('rejects invalid fault input with 400 and a message', async () => {
    const res = await fetch(`${lab.url}/_lab/faults`, {
      method: 'PUT',
      body: JSON.stringify([{ kind: 'slow', source: 'pve/homelab', delayMs: -1 }]),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('delayMs')
  })

  it('makes an unavailable datastore fail on PBS as plain text and on the PVE pbs storage as 500', async () => {
    lab.setFaults([{ kind: 'datastore-unavailable', source: 'pbs/pbs', datastore: 'store1' }])
    const pbs = await get(source(lab, 'pbs/pbs'), '/admin/datastore/store1/groups?ns=homelab')
    expect(pbs.status).toBe(400)
    expect(await pbs.text()).toMatch(/^datastore 'store1' is unavailable: /)
    const pve = await get(source(lab, 'pve/homelab'), '/nodes/pve1/storage/backup-main/content')
    expect(pve.status).toBe(500)
    expect(((await pve.json()) as { message: string }).message).toMatch(
      /^error listing snapshots - .*\n$/,
    )
  })

  it('answers matching paths with a complete body that is not JSON under malformed-json', async () => {
    const s = source(lab, 'pve/homelab')
    const good = await (await get(s, '/cluster/resources?type=vm')).text()
    lab.setFaults([{ kind: 'malformed-json', source: 'pve/homelab', path: '/cluster/resources' }])
    const res = await get(s, '/cluster/resources?type=vm')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text.endsWith(good.slice(1))).toBe(true)
    expect(() => JSON.parse(text)).toThrow()
    expect((await get(s, '/version')).status).toBe(200)
  })

  it('answers matching paths with a cut-off body under truncated-json, on every path without one', async () => {
    const s = source(lab, 'pbs/pbs')
    const good = await (await get(s, '/admin/datastore')).text()
    lab.setFaults([{ kind: 'truncated-json', source: 'pbs/pbs' }])
    const res = await get(s, '/admin/datastore')
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(good.startsWith(text) && text.length < good.length).toBe(true)
    expect(() => JSON.parse(text)).toThrow()
  })

  it('closes every connection to a source that is down, and only to that one', async () => {
    lab.setFaults([{ kind: 'source-down', source: 'pbs/pbs' }])
    await expect(get(source(lab, 'pbs/pbs'), '/version')).rejects.toThrow(TypeError)
    expect((await get(source(lab, 'pve/homelab'), '/version')).status).toBe(200)
    lab.clearFaults()
    expect((await get(source(lab, 'pbs/pbs'), '/version')).status).toBe(200)
  })

  it("answers for a source down behind a tunnel with Cloudflare's 530 page", async () => {
    lab.setFaults([{ kind: 'source-down', source: 'pbs/pbs', via: 'tunnel' }])
    const res = await get(source(lab, 'pbs/pbs'), '/version')
    expect(res.status).toBe(530)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(await res.text()).toContain('Error 1033')
  })

  it('injects PVE http errors with and without a message key', async () => {
    const s = source(lab, 'pve/homelab')
    lab.setFaults([
      {
        kind: 'http-error',
        source: 'pve/homelab',
        path: '/nodes/{node}/tasks',
        status: 500,
        message: 'boom',
      },
    ])
    const withMessage = await get(s, '/nodes/pve1/tasks')
    expect(withMessage.status).toBe(500)
    expect(await withMessage.json()).toEqual({ data: null, message: 'boom\n' })
    lab.setFaults([{ kind: 'http-error', source: 'pve/homelab', path: '/nodes/*', status: 503 }])
    const without = await get(s, '/nodes/pve1/tasks')
    expect(without.status).toBe(503)
    expect(await without.json()).toEqual({ data: null })
  })
})

describe('request counting', () => {
  it('counts requests per source and endpoint pattern and can be reset', async () => {
    lab.resetCounts()
    const s = source(lab, 'pve/homelab')
    await data(s, '/nodes/pve1/storage/local/content')
    await data(s, '/nodes/pve2/storage/local/content')
    await data(source(lab, 'pbs/pbs'), '/admin/datastore')
    const counts = lab.requestCounts()
    expect(counts.byEndpoint['pve/homelab GET /nodes/{node}/storage/{storage}/content']).toBe(2)
    expect(counts.byEndpoint['pbs/pbs GET /admin/datastore']).toBe(1)
    expect(counts.total).toBe(3)
    await fetch(`${lab.url}/_lab/stats/reset`, { method: 'POST' })
    const after = (await (await fetch(`${lab.url}/_lab/stats`)).json()) as { total: number }
    expect(after.total).toBe(0)
  })
})

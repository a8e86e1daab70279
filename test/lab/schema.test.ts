// Every PVE endpoint's response conforms to the official PVE 9.1.3 schema (fixtures/).
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SchemaNode, validateSchema } from './schema-validate.ts'
import { type RunningLab, startLab } from './server.ts'
import { get, NOW, source } from './test-helpers.ts'

const schema = JSON.parse(
  readFileSync(new URL('./fixtures/pve-api-schema-subset.json', import.meta.url), 'utf8'),
) as {
  endpoints: Record<string, { returns: SchemaNode }>
}

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 1, now: NOW })
})
afterAll(() => lab.close())

function concretePath(endpoint: string): string {
  const f = lab.model.facts
  const upid = encodeURIComponent(f.failedTask.upid)
  const paths: Record<string, string> = {
    '/nodes/{node}/qemu/{vmid}/snapshot': `/nodes/${f.designGuest.node}/qemu/${f.designGuest.vmid}/snapshot`,
    '/nodes/{node}/lxc/{vmid}/snapshot': `/nodes/${f.migratedGuest.currentNode}/lxc/${f.migratedGuest.vmid}/snapshot`,
    '/nodes/{node}/tasks': `/nodes/${f.failedTask.node}/tasks?source=all`,
    '/nodes/{node}/tasks/{upid}/log': `/nodes/${f.failedTask.node}/tasks/${upid}/log`,
    '/nodes/{node}/tasks/{upid}/status': `/nodes/${f.failedTask.node}/tasks/${upid}/status`,
    '/nodes/{node}/storage': '/nodes/pve1/storage',
    '/nodes/{node}/storage/{storage}/content':
      '/nodes/pve1/storage/backup-main/content?content=backup',
  }
  return paths[endpoint] ?? endpoint
}

describe('PVE schema conformance', () => {
  it('covers every endpoint of the schema subset', () => {
    expect(Object.keys(schema.endpoints).length).toBeGreaterThanOrEqual(14)
  })

  it('flags a value that breaks the schema', () => {
    const returns = schema.endpoints['/version']?.returns as SchemaNode
    expect(validateSchema(returns, { version: '9', release: 9 })).toHaveLength(2)
  })

  for (const endpoint of Object.keys(schema.endpoints)) {
    it(`answers ${endpoint} with data matching the schema`, async () => {
      const res = await get(source(lab, 'pve/homelab'), concretePath(endpoint))
      expect(res.status).toBe(200)
      const body = (await res.json()) as { data: unknown }
      if (Array.isArray(body.data)) expect(body.data.length).toBeGreaterThan(0)
      const returns = schema.endpoints[endpoint]?.returns as SchemaNode
      expect(validateSchema(returns, body.data)).toEqual([])
    })
  }

  it('answers /cluster/resources?type=storage, with a node offline, matching the schema', async () => {
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    try {
      const res = await get(source(lab, 'pve/homelab'), '/cluster/resources?type=storage')
      const body = (await res.json()) as { data: { node: string; status: string }[] }
      expect(body.data.some((e) => e.node === 'pve2' && e.status === 'unknown')).toBe(true)
      expect(
        validateSchema(schema.endpoints['/cluster/resources']?.returns as SchemaNode, body.data),
      ).toEqual([])
    } finally {
      lab.clearFaults()
    }
  })

  // The subset has no /cluster/tasks (its schema in apidata.js documents only `upid`); its
  // items are the nodes' task entries, so they are held to the /nodes/{node}/tasks item schema.
  it('answers /cluster/tasks with items matching the /nodes/{node}/tasks item schema', async () => {
    const res = await get(source(lab, 'pve/homelab'), '/cluster/tasks')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: unknown[] }
    expect(body.data.length).toBeGreaterThan(0)
    const returns = schema.endpoints['/nodes/{node}/tasks']?.returns as SchemaNode
    expect(validateSchema(returns, body.data)).toEqual([])
  })

  it('answers /cluster/resources without a type filter with every entry matching the schema', async () => {
    const res = await get(source(lab, 'pve/homelab'), '/cluster/resources')
    const body = (await res.json()) as { data: unknown }
    expect(
      validateSchema(schema.endpoints['/cluster/resources']?.returns as SchemaNode, body.data),
    ).toEqual([])
  })
})

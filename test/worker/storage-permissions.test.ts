// PVE backup storage usage (/api/storage) and the tokens' missing privileges by name
// (/api/status) against the lab, inside workerd: what a user reads, with the lab's ACL faults
// and a refused permissions call.
import { afterEach, describe, expect, it } from 'vitest'
import { TOKEN_PRIVILEGE_WARNING } from '../../functions/collect/pve.ts'
import type { Env } from '../../functions/env.ts'
import { type Status, StatusSchema } from '../../shared/schema/status.ts'
import { type StorageIndex, StorageIndexSchema } from '../../shared/schema/storage.ts'
import { freshKv } from './kv.ts'
import { call, clearFaults, labEnv, labModel, labUrl, setFaults } from './lab.ts'
import { localState, refresh } from './local-coordinator.ts'

const { now, facts } = labModel()
const GiB = 1024 ** 3

/** Its own KV, so its own coordinator state. */
function isolatedEnv(overrides: Record<string, string> = {}): Env {
  return { ...labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', ...overrides }), PULSE_KV: freshKv() }
}

const storage = async (env: Env): Promise<StorageIndex> =>
  StorageIndexSchema.parse(await (await call(env, '/api/storage')).json())
const status = async (env: Env): Promise<Status> =>
  StatusSchema.parse(await (await call(env, '/api/status')).json())
const sourceOf = (s: Status, id: string) => s.sources.find((x) => x.id === id)

interface ConfiguredSource {
  id: string
  url: string
  tokenId: string
}

function configured(id: string): ConfiguredSource {
  const list = JSON.parse(labEnv().PULSE_SOURCES ?? '[]') as ConfiguredSource[]
  const found = list.find((s) => s.id === id)
  if (!found) throw new Error(`no source ${id}`)
  return found
}

/** What the lab's PVE itself says about a node's storages (an independent read). */
async function nodeStorages(node: string) {
  const s = configured('homelab')
  const secret = labEnv().PULSE_TOKEN_HOMELAB
  const response = await fetch(`${s.url}/api2/json/nodes/${node}/storage`, {
    headers: { authorization: `PVEAPIToken=${s.tokenId}=${secret}` },
  })
  return ((await response.json()) as { data: { storage: string; used: number; total: number }[] })
    .data
}

async function permissionCalls(): Promise<number> {
  const stats = (await (await fetch(`${labUrl}/_lab/stats`)).json()) as {
    byEndpoint: Record<string, number>
  }
  return stats.byEndpoint['pve/homelab GET /access/permissions'] ?? 0
}

afterEach(clearFaults)

describe('PVE backup storages in /api/storage', () => {
  it('lists a shared storage once with every node, a local one per node, with the nodes’ figures', async () => {
    const env = isolatedEnv()
    await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    const { storages } = await storage(env)
    const shared = facts.sharedStorage
    const once = storages.filter(
      (s) => s.cluster === shared.cluster && s.storage === shared.storage,
    )
    expect(once).toHaveLength(1)
    const nas = once[0]
    expect(nas?.key).toBe(`${shared.cluster}/${shared.storage}`)
    expect(nas?.shared).toBe(true)
    expect(nas?.nodes).toEqual([...shared.nodes].sort())
    expect(nas?.active).toBe(true)
    const [first] = shared.nodes
    const reported = (await nodeStorages(first as string)).find((s) => s.storage === shared.storage)
    expect(nas?.used).toBe(reported?.used)
    expect(nas?.total).toBe(reported?.total)
    // One sample so far: no estimate.
    expect(nas?.samples).toBe(1)
    expect(nas?.estimatedFull).toBeNull()

    for (const node of shared.nodes) {
      const local = storages.find((s) => s.key === `${shared.cluster}/${node}/local`)
      const figures = (await nodeStorages(node)).find((s) => s.storage === 'local')
      expect(local).toMatchObject({ shared: false, nodes: [node], type: 'dir' })
      expect(local?.used).toBe(figures?.used)
    }
    // A disabled storage holds nothing PVE reports; it is not listed.
    expect(storages.some((s) => s.storage === 'old-usb')).toBe(false)
  })

  it('estimates the full date from kept samples, and steady refreshes add no sample', async () => {
    const env = isolatedEnv()
    await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    const key = `${facts.sharedStorage.cluster}/${facts.sharedStorage.storage}`
    const current = (await storage(env)).storages.find((s) => s.key === key)
    const used = current?.used ?? 0
    const total = current?.total ?? 0
    // Three days of history growing by 12 GiB a day, as the coordinator would have kept it.
    const rate = 12 * GiB
    const state = localState(env)
    state.addUsageSamples(
      [3, 2, 1].map((days) => ({ key, at: now - days * 86_400, used: used - days * rate, total })),
      now - 30 * 86_400,
    )
    // The sample of the first refresh (at `now`) stays; refreshes a quarter hour apart add none.
    for (const minutes of [15, 30, 45]) {
      await refresh(env, { now: now + minutes * 60, reason: 'test', subrequestBudget: 1000 })
    }
    const nas = (await storage(env)).storages.find((s) => s.key === key)
    expect(nas?.samples).toBe(4)
    expect(nas?.estimatedFull).toBe(Math.round(now + ((total - used) / rate) * 86_400))
    // Three hours after the last sample, the next refresh keeps one more.
    await refresh(env, { now: now + 3 * 3600, reason: 'test', subrequestBudget: 1000 })
    expect((await storage(env)).storages.find((s) => s.key === key)?.samples).toBe(5)
  })
})

describe('token permissions in /api/status', () => {
  it('names nothing for the lab token, which has every privilege it needs', async () => {
    const env = isolatedEnv()
    await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    const s = await status(env)
    expect(sourceOf(s, 'homelab')?.permissions).toEqual({
      checked: true,
      tokenId: 'pulse@pve!monitor',
      missing: [],
    })
    expect(sourceOf(s, 'pbs')?.permissions).toEqual({
      checked: true,
      tokenId: 'pulse@pbs!monitor',
      missing: [],
    })
  })

  it('names a privilege missing on one storage, and that storage alone lists no backups', async () => {
    const env = isolatedEnv()
    await setFaults([
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: '/storage/local',
        privileges: ['Datastore.Audit'],
      },
    ])
    const report = await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    const homelab = report.sources.find((x) => x.id === 'homelab')
    expect(homelab?.lastError).toBeNull()
    expect(homelab?.permissions?.missing).toEqual([
      {
        path: '/storage/local',
        privilege: 'Datastore.AllocateSpace',
        message:
          'pulse@pve!monitor lacks Datastore.AllocateSpace on /storage/local: PVE lists no backups there',
      },
    ])
    // The shared storage's archives are still seen.
    expect(homelab?.counts.backups).toBeGreaterThan(0)
    expect((await status(env)).sources.find((x) => x.id === 'homelab')?.permissions).toEqual(
      homelab?.permissions,
    )
  })

  it('names a namespace a PBS token may not audit', async () => {
    const env = isolatedEnv()
    await setFaults([
      {
        kind: 'token-acl',
        source: 'pbs/pbs',
        aclPath: '/datastore/store1/office',
        privileges: ['Datastore.Backup'],
      },
    ])
    const report = await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    expect(report.sources.find((x) => x.id === 'pbs')?.permissions?.missing).toEqual([
      {
        path: '/datastore/store1/office',
        privilege: 'Datastore.Audit',
        message:
          'pulse@pbs!monitor lacks Datastore.Audit on /datastore/store1/office: PBS lists only the backup groups the token owns in this namespace',
      },
    ])
  })

  it('asks again after an hour or on a manual refresh, not on every refresh', async () => {
    const env = isolatedEnv()
    await refresh(env, { now, reason: 'test', subrequestBudget: 1000 })
    const before = await permissionCalls()
    await refresh(env, { now: now + 900, reason: 'test', subrequestBudget: 1000 })
    expect(await permissionCalls()).toBe(before)
    // The ACL changes: a scheduled refresh within the hour does not see it, a manual one does.
    await setFaults([
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: '/storage/local',
        privileges: ['Datastore.Audit'],
      },
    ])
    const missing = async () =>
      sourceOf(await status(env), 'homelab')?.permissions?.missing.map((m) => m.path)
    await refresh(env, { now: now + 950, reason: 'test', subrequestBudget: 1000 })
    expect(await missing()).toEqual([])
    await refresh(env, { now: now + 1000, reason: 'manual', subrequestBudget: 1000 })
    expect(await permissionCalls()).toBe(before + 1)
    expect(await missing()).toEqual(['/storage/local'])
    // An hour after that check, the next refresh asks again.
    await refresh(env, { now: now + 1000 + 3599, reason: 'test', subrequestBudget: 1000 })
    expect(await permissionCalls()).toBe(before + 1)
    await refresh(env, { now: now + 1000 + 3600, reason: 'test', subrequestBudget: 1000 })
    expect(await permissionCalls()).toBe(before + 2)
  })

  it('falls back to the heuristic when the permissions call is refused, without failing the source', async () => {
    const sources = (await (await fetch(`${labUrl}/_lab/sources`)).json()) as {
      id: string
      auditorTokenId?: string
      auditorTokenSecret?: string
    }[]
    const homelab = sources.find((s) => s.id === 'pve/homelab')
    const config = JSON.parse(labEnv().PULSE_SOURCES ?? '[]').map((s: { id: string }) =>
      s.id === 'homelab' ? { ...s, tokenId: homelab?.auditorTokenId } : s,
    )
    const overrides = {
      PULSE_SOURCES: JSON.stringify(config),
      PULSE_TOKEN_HOMELAB: homelab?.auditorTokenSecret ?? '',
    }

    // Readable permissions: the auditor token's missing privilege is named on each storage
    // PVE lists backups of (the pbs-type one is read from the PBS directly).
    const named = isolatedEnv(overrides)
    const report = await refresh(named, { now, reason: 'test', subrequestBudget: 1000 })
    const checked = report.sources.find((s) => s.id === 'homelab')
    expect(checked?.permissions?.checked).toBe(true)
    expect(checked?.permissions?.missing.map((m) => `${m.privilege} ${m.path}`)).toEqual([
      'Datastore.AllocateSpace /storage/local',
      'Datastore.AllocateSpace /storage/nas-nfs',
      'Datastore.AllocateSpace /storage/pbs-backup',
    ])
    expect(checked?.warnings).not.toContain(TOKEN_PRIVILEGE_WARNING)

    // Refused: a warning, the heuristic, checked false; the source stays fresh.
    await setFaults([
      { kind: 'http-error', source: 'pve/homelab', path: '/access/permissions', status: 403 },
    ])
    const refused = isolatedEnv(overrides)
    const fallback = (
      await refresh(refused, { now, reason: 'test', subrequestBudget: 1000 })
    ).sources.find((s) => s.id === 'homelab')
    expect(fallback?.lastError).toBeNull()
    expect(fallback?.stale).toBe(false)
    expect(fallback?.warnings).toContain(TOKEN_PRIVILEGE_WARNING)
    expect(fallback?.warnings.join('\n')).toContain(
      'GET /access/permissions: permission denied (403)',
    )
    expect(fallback?.permissions).toEqual({
      checked: false,
      tokenId: homelab?.auditorTokenId,
      missing: [
        {
          path: '/storage',
          privilege: 'Datastore.AllocateSpace',
          message: `${homelab?.auditorTokenId} most likely lacks Datastore.AllocateSpace (with VM.Backup) or Datastore.Allocate on the backup storages: PVE lists no backups although vzdump jobs succeeded`,
        },
      ],
    })
  })
})

// Properties of the PVE collector over a lab cluster whose answers fast-check breaks: it returns
// well-formed facts or rejects with a ProxmoxError (nothing else crosses the boundary), keeps
// every good item of a list that has bad ones, counts the bad ones in a warning, keeps what
// the previous run saw where a listing failed, and never lets a name escape its URL segment.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { PveFacts } from '../../../functions/collect/facts.ts'
import { collectPve } from '../../../functions/collect/pve.ts'
import { FUTURE_SKEW_SECONDS } from '../../../functions/epoch.ts'
import { normalizeGuests } from '../../../functions/normalize/index.ts'
import { createProxmoxClient } from '../../../functions/proxmox/client.ts'
import { isProxmoxError } from '../../../functions/proxmox/errors.ts'
import { createLimiter } from '../../../functions/proxmox/limit.ts'
import { deepFrozen } from './frozen.ts'
import { expectDropCounted, goodItems, isRecord, resourceKind } from './listings.ts'
import { FUZZ, FUZZ_TIMEOUT_MS } from './settings.ts'
import {
  breakableUpstream,
  LAB_NOW,
  mutationPlan,
  recordBaseline,
  type Served,
  sourceConfig,
} from './upstream.ts'

const source = sourceConfig('pve/homelab')

function collect(fetch: typeof globalThis.fetch, previous?: PveFacts): Promise<PveFacts> {
  return collectPve({
    client: createProxmoxClient(source, { fetch, limit: createLimiter() }),
    now: LAB_NOW,
    previous,
    // Empty: PVE's own listing of its `pbs` storages is exercised too.
    directPbsServers: new Set(),
  })
}

const time = z
  .number()
  .int()
  .min(0)
  .max(LAB_NOW + FUTURE_SKEW_SECONDS)
const vmid = z.number().int().positive()
const name = z.string().min(1)
const guestType = z.enum(['qemu', 'lxc'])
const pbsTarget = z.strictObject({
  server: z.string(),
  datastore: z.string(),
  namespace: z.string(),
  username: z.string().optional(),
})

/** What the normalizer may rely on: exact types, believable times, one entry per identity. */
const PveFactsShape = z.strictObject({
  kind: z.literal('pve'),
  sourceId: z.literal(source.id),
  clusterName: z.string().optional(),
  collectedAt: z.literal(LAB_NOW),
  nodes: z.array(z.strictObject({ name, online: z.boolean() })),
  guests: z.array(
    z.strictObject({
      vmid,
      type: guestType,
      node: name,
      name: z.string().optional(),
      status: z.string(),
      template: z.boolean(),
      lock: z.string().optional(),
      tags: z.string().min(1).optional(),
      pool: z.string().min(1).optional(),
    }),
  ),
  storages: z.array(
    z.strictObject({ storage: name, type: name, shared: z.boolean(), pbs: pbsTarget.optional() }),
  ),
  storageEntries: z
    .array(
      z.strictObject({
        storage: name,
        node: name,
        status: z.string(),
        type: z.string().optional(),
        shared: z.boolean(),
        used: z.number().nonnegative().optional(),
        total: z.number().nonnegative().optional(),
      }),
    )
    .optional(),
  permissions: z
    .strictObject({
      checkedAt: z.literal(LAB_NOW),
      paths: z.record(z.string().startsWith('/'), z.record(z.string(), z.boolean())).nullable(),
      error: z.string().optional(),
      refused: z.boolean().optional(),
    })
    .optional(),
  backups: z.array(
    z.strictObject({
      volid: name,
      storage: name,
      storageType: z.string(),
      shared: z.boolean(),
      node: name,
      vmid,
      guestType: guestType.nullable(),
      ctime: time,
      size: z.number().optional(),
      notes: z.string().optional(),
      protected: z.boolean(),
      verification: z.enum(['ok', 'failed']).optional(),
      format: z.string(),
      inProgress: z.boolean(),
      pbs: pbsTarget.optional(),
    }),
  ),
  snapshots: z.array(
    z.strictObject({
      vmid,
      guestType,
      node: name,
      name,
      snaptime: time,
      description: z.string(),
      vmstate: z.boolean(),
    }),
  ),
  tasks: z.array(
    z.strictObject({
      upid: name,
      node: name,
      starttime: time,
      endtime: time.optional(),
      outcome: z.enum(['ok', 'warning', 'failed', 'running', 'unknown']),
      status: z.string(),
      id: z.string(),
      guests: z.array(
        z.strictObject({
          vmid,
          outcome: z.enum(['ok', 'failed', 'running']),
          error: z.string().optional(),
          seconds: z.number().int().min(0).optional(),
        }),
      ),
      logRead: z.boolean().optional(),
    }),
  ),
  notBackedUp: z.array(z.strictObject({ vmid, type: guestType })).nullable(),
  backupJobs: z
    .array(
      z.strictObject({
        id: name,
        enabled: z.boolean(),
        schedule: name.optional(),
        // A time to come: bounded by what an epoch can be, not by now.
        nextRun: z.number().int().min(0).optional(),
        storage: z.string().optional(),
        mode: z.string().optional(),
        all: z.boolean(),
        vmids: z.array(vmid),
        exclude: z.array(vmid),
        pool: z.string().optional(),
        node: z.string().optional(),
        comment: z.string().optional(),
        notificationMode: z.string().optional(),
      }),
    )
    .nullable(),
  schedules: z.array(z.strictObject({ schedule: name, runs: z.array(z.number().int().min(0)) })),
  pools: z.array(name),
  warnings: z.array(z.string()),
  deferred: z.array(z.string()).length(0),
})

function expectUnique<T>(items: readonly T[], key: (item: T) => string, what: string): void {
  const keys = items.map(key)
  const repeated = keys.filter((k, i) => keys.indexOf(k) !== i)
  expect(repeated, `${what} listed twice`).toEqual([])
}

function checkShape(facts: PveFacts): void {
  const parsed = PveFactsShape.safeParse(facts)
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 3)).toEqual([])
  expectUnique(facts.nodes, (n) => n.name, 'node')
  expectUnique(facts.guests, (g) => String(g.vmid), 'guest')
  expectUnique(facts.storages, (s) => s.storage, 'storage')
  expectUnique(facts.backups, (b) => `${b.storage} ${b.node} ${b.volid}`, 'backup')
  expectUnique(facts.snapshots, (s) => `${s.guestType}/${s.vmid} ${s.name}`, 'snapshot')
  expectUnique(facts.tasks, (t) => t.upid, 'task')
  expectUnique(facts.backupJobs ?? [], (j) => j.id, 'backup job')
  expectUnique(facts.schedules ?? [], (s) => s.schedule, 'schedule')
}

/** Every untouched baseline item of a list that was served is in the facts. */
function checkGoodItemsKept(facts: PveFacts, served: Served, all: Map<string, Served>): void {
  const { params } = served
  for (const value of goodItems(served)) {
    if (!isRecord(value)) continue
    switch (served.pattern) {
      case '/cluster/resources':
        if (resourceKind(value) === 'guest')
          expect(facts.guests.map((g) => g.vmid)).toContain(value.vmid)
        break
      case '/nodes/{node}/storage/{storage}/content':
        expect(
          facts.backups.filter((b) => b.node === params.node && b.storage === params.storage),
        ).toContainEqual(expect.objectContaining({ volid: value.volid }))
        break
      case '/nodes/{node}/qemu/{vmid}/snapshot':
      case '/nodes/{node}/lxc/{vmid}/snapshot':
        if (value.name === 'current') break
        expect(
          facts.snapshots.filter((s) => s.vmid === Number(params.vmid)).map((s) => s.name),
        ).toContain(value.name)
        break
      case '/nodes/{node}/tasks':
        if (value.type === 'vzdump') expect(facts.tasks.map((t) => t.upid)).toContain(value.upid)
        break
      case '/cluster/tasks': {
        // Used for a node only where it reaches back far enough; otherwise the node was asked.
        const node = String(value.node)
        const asked = [...all.values()].some(
          (s) => s.pattern === '/nodes/{node}/tasks' && s.params.node === node,
        )
        const online = facts.nodes.some((n) => n.name === node && n.online)
        if (value.type === 'vzdump' && online && !asked && facts.tasks.some((t) => t.node === node))
          expect(facts.tasks.map((t) => t.upid)).toContain(value.upid)
        break
      }
      case '/cluster/status':
        if (value.type === 'node') expect(facts.nodes.map((n) => n.name)).toContain(value.name)
        break
      case '/cluster/backup-info/not-backed-up':
        expect(facts.notBackedUp?.map((g) => g.vmid)).toContain(value.vmid)
        break
      case '/cluster/backup':
        expect(facts.backupJobs?.map((j) => j.id)).toContain(value.id)
        break
      default:
        break
    }
  }
}

/** Every untouched archive and snapshot that was served reaches a guest's record or an orphan. */
function checkGoodItemsNormalized(facts: PveFacts, served: Iterable<Served>): void {
  const result = normalizeGuests({ pve: [facts], pbs: [], clusterMaps: {}, now: LAB_NOW })
  const records = new Map(result.guests.map((r) => [r.guestId, r]))
  for (const list of served) {
    const { params } = list
    for (const value of goodItems(list)) {
      if (!isRecord(value)) continue
      if (list.pattern === '/nodes/{node}/storage/{storage}/content') {
        const fact = facts.backups.find(
          (b) => b.volid === value.volid && b.node === params.node && b.storage === params.storage,
        )
        if (!fact) throw new Error(`archive ${String(value.volid)} missing from the facts`)
        const guest = facts.guests.find((g) => g.vmid === fact.vmid)
        const isPbs = fact.storageType === 'pbs'
        if (guest && (fact.guestType === null || fact.guestType === guest.type)) {
          const mine = records.get(fact.vmid)?.backups ?? []
          expect(
            mine.some((b) =>
              isPbs ? b.kind === 'pbs' && b.time === fact.ctime : b.name === fact.volid,
            ),
            `${fact.volid} in the record of ${fact.vmid}`,
          ).toBe(true)
        } else if (!fact.inProgress) {
          expect(result.orphans.map((o) => [o.cluster, o.guestId])).toContainEqual([
            facts.sourceId,
            fact.vmid,
          ])
        }
      } else if (list.pattern.endsWith('/snapshot') && value.name !== 'current') {
        const mine = records.get(Number(params.vmid))?.backups ?? []
        expect(mine.filter((b) => b.kind === 'snapshot').map((b) => b.name)).toContain(value.name)
      }
    }
  }
}

/** A list with bad items yields one warning saying how many of how many were dropped. */
function checkDropsCounted(facts: PveFacts, served: Served): void {
  const { params, items } = served
  if (!items) return
  switch (served.pattern) {
    case '/cluster/resources':
      expectDropCounted(
        facts.warnings,
        items.filter((i) => resourceKind(i.value) === 'guest').length,
        facts.guests.length,
        'guests in /cluster/resources',
      )
      break
    case '/cluster/backup':
      expectDropCounted(
        facts.warnings,
        items.length,
        facts.backupJobs?.length ?? 0,
        'backup jobs in /cluster/backup',
      )
      break
    case '/nodes/{node}/storage/{storage}/content': {
      const kept = facts.backups.filter(
        (b) => b.node === params.node && b.storage === params.storage,
      ).length
      const place = `backup volumes on storage ${params.storage} (node ${params.node})`
      expectDropCounted(facts.warnings, items.length, kept, place)
      break
    }
    case '/nodes/{node}/qemu/{vmid}/snapshot':
    case '/nodes/{node}/lxc/{vmid}/snapshot': {
      const type = served.pattern.split('/')[3]
      const listed = items.filter((i) => !(isRecord(i.value) && i.value.name === 'current'))
      const kept = facts.snapshots.filter(
        (s) => s.vmid === Number(params.vmid) && s.guestType === type,
      ).length
      expectDropCounted(facts.warnings, listed.length, kept, `snapshots of ${type}/${params.vmid}`)
      break
    }
    default:
      break
  }
}

/** Where a listing failed, the previous run's backups of that storage are still there. */
function checkPreviousKept(facts: PveFacts, previous: PveFacts, served: Map<string, Served>): void {
  const listed = [...served.values()]
  const storageConfig = listed.find((s) => s.pattern === '/storage')
  // A status entry changed into another valid node reads as a node that left the cluster.
  const status = listed.find((s) => s.pattern === '/cluster/status')
  const nodesChanged = status?.items?.some((i) => i.mutated) ?? false
  for (const storage of new Set(previous.backups.map((b) => b.storage))) {
    // A storage whose configuration changed (or vanished) may rightly lose its backups.
    const config = storageConfig?.items?.find(
      (i) => isRecord(i.value) && i.value.storage === storage,
    )
    if (!config || config.mutated || config.origin === null) continue
    const answered = listed.filter(
      (s) =>
        s.pattern === '/nodes/{node}/storage/{storage}/content' &&
        s.params.storage === storage &&
        s.items !== null,
    )
    for (const backup of previous.backups.filter((b) => b.storage === storage)) {
      if (answered.some((s) => backup.shared || s.params.node === backup.node)) continue
      if (nodesChanged && !facts.nodes.some((n) => n.name === backup.node)) continue
      expect(facts.backups).toContainEqual(
        expect.objectContaining({ volid: backup.volid, node: backup.node, storage }),
      )
    }
  }
}

let baseline: Map<string, string>
let good: PveFacts

beforeAll(async () => {
  baseline = await recordBaseline((fetch) => collect(fetch))
  good = await collect(breakableUpstream(baseline, []).fetch)
  expect(good.warnings).toEqual([])
  expect(good.backups.length).toBeGreaterThan(20)
})

describe('collectPve on broken answers', () => {
  it(
    'returns well-formed facts or a ProxmoxError, keeps good items and counts bad ones',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutationPlan(baseline), fc.boolean(), async (plan, withPrevious) => {
          const upstream = breakableUpstream(baseline, plan)
          // Frozen: the pass gives collectors the stored facts themselves (frozen.ts).
          const previous = withPrevious ? deepFrozen(structuredClone(good)) : undefined
          let facts: PveFacts
          try {
            facts = await collect(upstream.fetch, previous)
          } catch (error) {
            // The contract with refresh: only a ProxmoxError fails a source.
            expect(isProxmoxError(error), String(error)).toBe(true)
            return
          }
          expect(upstream.strayPaths).toEqual([])
          checkShape(facts)
          for (const served of upstream.served.values()) {
            checkGoodItemsKept(facts, served, upstream.served)
            checkDropsCounted(facts, served)
          }
          checkGoodItemsNormalized(facts, upstream.served.values())
          if (previous) checkPreviousKept(facts, previous, upstream.served)
        }),
        FUZZ,
      )
    },
    FUZZ_TIMEOUT_MS,
  )
})

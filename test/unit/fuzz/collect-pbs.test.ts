// Properties of the PBS collector over a lab server whose answers fast-check breaks: facts or
// a ProxmoxError and nothing else, good items of a list with bad ones kept, bad ones counted,
// and the previous run's groups and snapshots kept wherever a listing failed. The collector
// lists each namespace's snapshots in one call and derives the groups from them.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import type { PbsFacts } from '../../../functions/collect/facts.ts'
import { collectPbs } from '../../../functions/collect/pbs.ts'
import { FUTURE_SKEW_SECONDS } from '../../../functions/epoch.ts'
import { normalizeGuests } from '../../../functions/normalize/index.ts'
import { createProxmoxClient } from '../../../functions/proxmox/client.ts'
import { isProxmoxError } from '../../../functions/proxmox/errors.ts'
import { createLimiter } from '../../../functions/proxmox/limit.ts'
import { deepFrozen } from './frozen.ts'
import { expectDropCounted, goodItems, isRecord } from './listings.ts'
import { FUZZ, FUZZ_TIMEOUT_MS } from './settings.ts'
import {
  breakableUpstream,
  LAB_NOW,
  mutationPlan,
  recordBaseline,
  type Served,
  sourceConfig,
} from './upstream.ts'

const source = sourceConfig('pbs/pbs')
const host = new URL(source.url).hostname

function collect(fetch: typeof globalThis.fetch, previous?: PbsFacts): Promise<PbsFacts> {
  return collectPbs({
    client: createProxmoxClient(source, { fetch, limit: createLimiter() }),
    now: LAB_NOW,
    previous,
    host,
    serverNames: [host],
  })
}

const name = z.string().min(1)
const backupType = z.enum(['vm', 'ct'])

const PbsFactsShape = z.strictObject({
  kind: z.literal('pbs'),
  sourceId: z.literal(source.id),
  host: z.literal(host),
  serverNames: z.array(z.string()),
  collectedAt: z.literal(LAB_NOW),
  permissions: z
    .strictObject({
      checkedAt: z.literal(LAB_NOW),
      paths: z.record(z.string().startsWith('/'), z.record(z.string(), z.boolean())).nullable(),
      error: z.string().optional(),
      refused: z.boolean().optional(),
    })
    .optional(),
  datastores: z.array(
    z.strictObject({
      store: name,
      namespaces: z.array(z.string()),
      comment: z.string().optional(),
      maintenance: z
        .strictObject({ type: name, message: z.string().optional(), since: z.literal(LAB_NOW) })
        .optional(),
      mountStatus: z.string().optional(),
      backend: z.string().optional(),
      held: z
        .strictObject({ mode: name, reason: name, since: z.number().int().max(LAB_NOW) })
        .optional(),
    }),
  ),
  groups: z.array(
    z.strictObject({
      datastore: name,
      namespace: z.string(),
      backupType,
      backupId: name,
      lastBackup: z.number().int(),
      backupCount: z.number().int().nonnegative(),
      owner: z.string().optional(),
    }),
  ),
  snapshots: z.array(
    z.strictObject({
      datastore: name,
      namespace: z.string(),
      backupType,
      backupId: name,
      backupTime: z
        .number()
        .int()
        .min(0)
        .max(LAB_NOW + FUTURE_SKEW_SECONDS),
      size: z.number().optional(),
      inProgress: z.boolean(),
      owner: z.string().optional(),
      protected: z.boolean(),
      comment: z.string().optional(),
      verification: z.enum(['ok', 'failed']).optional(),
    }),
  ),
  groupComments: z
    .array(
      z.strictObject({
        datastore: name,
        namespace: z.string(),
        checkedAt: z.number().int().max(LAB_NOW),
        groups: z.array(
          z.strictObject({
            backupType: z.enum(['vm', 'ct']),
            backupId: name,
            comment: z.string().min(1),
          }),
        ),
        error: z.string().optional(),
      }),
    )
    .optional(),
  usage: z
    .array(
      z.strictObject({
        store: name,
        total: z.number().nonnegative().optional(),
        used: z.number().nonnegative().optional(),
        avail: z.number().nonnegative().optional(),
        estimatedFull: z.number().int().optional(),
        error: z.string().optional(),
      }),
    )
    .optional(),
  jobs: z
    .array(
      z.strictObject({
        kind: z.enum(['verify', 'prune', 'sync', 'gc']),
        id: name,
        store: name,
        schedule: z.string().optional(),
        nextRun: z.number().int().optional(),
        lastRunEnd: z.number().int().optional(),
        lastRunState: z.string().optional(),
        lastRunUpid: z.string().optional(),
        comment: z.string().optional(),
        disabled: z.literal(true).optional(),
        removedBytes: z.number().nonnegative().optional(),
        pendingBytes: z.number().nonnegative().optional(),
      }),
    )
    .optional(),
  warnings: z.array(z.string()),
  deferred: z.array(z.string()).length(0),
})

const groupKey = (g: {
  datastore: string
  namespace: string
  backupType: string
  backupId: string
}) => `${g.datastore}/${g.namespace}/${g.backupType}/${g.backupId}`

function checkShape(facts: PbsFacts): void {
  const parsed = PbsFactsShape.safeParse(facts)
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 3)).toEqual([])
  const unique = (keys: string[], what: string) =>
    expect(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      `${what} listed twice`,
    ).toEqual([])
  unique(
    facts.datastores.map((d) => d.store),
    'datastore',
  )
  unique(facts.groups.map(groupKey), 'group')
  unique(
    facts.snapshots.map((s) => `${groupKey(s)}@${s.backupTime}`),
    'snapshot',
  )
}

const nsOf = (served: Served) => served.query.get('ns') ?? ''

function checkGoodItemsKept(facts: PbsFacts, served: Served): void {
  const store = served.params.store ?? ''
  for (const value of goodItems(served)) {
    if (!isRecord(value)) continue
    switch (served.pattern) {
      case '/admin/datastore/{store}/snapshots': {
        if (value['backup-type'] === 'host') break
        const id = `${store}/${nsOf(served)}/${value['backup-type']}/${value['backup-id']}`
        expect(facts.snapshots.map((s) => `${groupKey(s)}@${s.backupTime}`)).toContain(
          `${id}@${value['backup-time']}`,
        )
        // The group is derived from its snapshots.
        expect(facts.groups.map(groupKey)).toContain(id)
        break
      }
      case '/admin/datastore/{store}/groups': {
        const comment = typeof value.comment === 'string' ? value.comment.trim() : ''
        if (value['backup-type'] === 'host' || comment === '') break
        const place = facts.groupComments?.find(
          (c) => c.datastore === store && c.namespace === nsOf(served),
        )
        expect(place?.groups).toContainEqual({
          backupType: value['backup-type'],
          backupId: value['backup-id'],
          comment,
        })
        break
      }
      case '/admin/datastore/{store}/namespace':
        expect(facts.datastores.find((d) => d.store === store)?.namespaces).toContain(value.ns)
        break
      case '/status/datastore-usage':
        expect(facts.usage?.map((u) => u.store)).toContain(value.store)
        break
      case '/admin/verify':
      case '/admin/prune':
      case '/admin/sync': {
        const kind = served.pattern.slice('/admin/'.length)
        expect(facts.jobs?.map((j) => `${j.kind}/${j.id}`)).toContain(`${kind}/${value.id}`)
        break
      }
      case '/admin/gc':
        expect(facts.jobs?.map((j) => `${j.kind}/${j.id}`)).toContain(`gc/${value.store}`)
        break
      default:
        break
    }
  }
}

/** Every untouched finished snapshot that was served reaches the output (here: an orphan). */
function checkGoodItemsNormalized(facts: PbsFacts, served: Iterable<Served>): void {
  const result = normalizeGuests({ pve: [], pbs: [facts], clusterMaps: {}, now: LAB_NOW })
  for (const list of served) {
    if (list.pattern !== '/admin/datastore/{store}/snapshots') continue
    const ns = nsOf(list)
    const location = ns === '' ? list.params.store : `${list.params.store}/${ns}`
    for (const value of goodItems(list)) {
      if (!isRecord(value)) continue
      const fact = facts.snapshots.find(
        (s) =>
          s.datastore === list.params.store &&
          s.namespace === ns &&
          s.backupId === value['backup-id'] &&
          s.backupTime === value['backup-time'],
      )
      if (!fact || fact.inProgress) continue
      // No cluster here: each PBS group is its own orphan, so look among this VMID's.
      const locations = result.orphans
        .filter((o) => o.guestId === Number(fact.backupId))
        .flatMap((o) => o.locations)
      expect(locations, `${location} ${fact.backupId}`).toContain(location)
    }
  }
}

function checkDropsCounted(facts: PbsFacts, served: Served): void {
  const { items } = served
  if (!items || served.pattern !== '/admin/datastore/{store}/snapshots') return
  const store = served.params.store ?? ''
  const ns = nsOf(served)
  const listed = items.filter((i) => !(isRecord(i.value) && i.value['backup-type'] === 'host'))
  const kept = facts.snapshots.filter((s) => s.datastore === store && s.namespace === ns).length
  const place = ns === '' ? store : `${store}/${ns}`
  expectDropCounted(facts.warnings, listed.length, kept, `snapshots in ${place}`)
}

/** Where a namespace (or a datastore's namespaces) could not be listed, the previous facts stay. */
function checkPreviousKept(facts: PbsFacts, previous: PbsFacts, served: Map<string, Served>): void {
  const listed = [...served.values()]
  // A job list that failed keeps the previous jobs of its kind.
  for (const kind of ['verify', 'prune', 'sync', 'gc'] as const) {
    if (!listed.some((s) => s.pattern === `/admin/${kind}` && s.items === null)) continue
    const ofKind = (jobs: PbsFacts['jobs']) => (jobs ?? []).filter((j) => j.kind === kind)
    expect(ofKind(facts.jobs)).toEqual(ofKind(previous.jobs))
  }
  if (listed.some((s) => s.pattern === '/status/datastore-usage' && s.items === null))
    expect(facts.usage).toEqual(previous.usage)
  const failed = (pattern: string, store: string, test: (s: Served) => boolean = () => true) =>
    listed.some(
      (s) => s.pattern === pattern && s.params.store === store && s.items === null && test(s),
    )
  // Group comments younger than an hour are carried, and a failure never drops them.
  for (const before of previous.groupComments ?? []) {
    const store = facts.datastores.find((d) => d.store === before.datastore)
    if (!store?.namespaces.includes(before.namespace)) continue
    const now = facts.groupComments?.find(
      (c) => c.datastore === before.datastore && c.namespace === before.namespace,
    )
    expect(now?.groups).toEqual(before.groups)
  }
  for (const group of previous.groups) {
    const { datastore: store, namespace: ns } = group
    const kept =
      failed('/admin/datastore/{store}/namespace', store) ||
      failed('/admin/datastore/{store}/snapshots', store, (s) => nsOf(s) === ns)
    if (!kept) continue
    expect(facts.groups.map(groupKey)).toContain(groupKey(group))
    const snapshots = facts.snapshots.filter((s) => groupKey(s) === groupKey(group))
    expect(snapshots).toEqual(previous.snapshots.filter((s) => groupKey(s) === groupKey(group)))
  }
}

let baseline: Map<string, string>
let good: PbsFacts

beforeAll(async () => {
  baseline = await recordBaseline((fetch) => collect(fetch))
  good = await collect(breakableUpstream(baseline, []).fetch)
  expect(good.warnings).toEqual([])
  expect(good.snapshots.length).toBeGreaterThan(20)
})

describe('collectPbs on broken answers', () => {
  it(
    'returns well-formed facts or a ProxmoxError, keeps good items and counts bad ones',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutationPlan(baseline), fc.boolean(), async (plan, withPrevious) => {
          const upstream = breakableUpstream(baseline, plan)
          // Frozen: the pass gives collectors the stored facts themselves (frozen.ts).
          const previous = withPrevious ? deepFrozen(structuredClone(good)) : undefined
          let facts: PbsFacts
          try {
            facts = await collect(upstream.fetch, previous)
          } catch (error) {
            expect(isProxmoxError(error), String(error)).toBe(true)
            return
          }
          expect(upstream.strayPaths).toEqual([])
          checkShape(facts)
          for (const served of upstream.served.values()) {
            checkGoodItemsKept(facts, served)
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

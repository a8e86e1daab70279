// Properties of the normalizer over arbitrary facts of the right types but odd values: broken,
// negative and future times, duplicate and colliding identities, odd Unicode, names that are
// Object.prototype keys. It must never throw, and its output must hold together: the overall
// time is the newest of the per-type times, those are the newest of the guest's own items,
// calendar timestamps are the guest's own, no guest twice, and no time ahead of the clock by
// more than FUTURE_SKEW_SECONDS, so no age is ever negative.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type {
  GuestType,
  PbsFacts,
  PbsGroupFact,
  PbsSnapshotFact,
  PveBackupFact,
  PveFacts,
  PveGuestFact,
  PveSnapshotFact,
  PveStorageFact,
  PveTaskFact,
} from '../../../functions/collect/facts.ts'
import { FUTURE_SKEW_SECONDS, MAX_EPOCH } from '../../../functions/epoch.ts'
import {
  type ClusterMapping,
  type NormalizeInput,
  type NormalizeResult,
  normalizeGuests,
} from '../../../functions/normalize/index.ts'
import { cleanNamespace } from '../../../functions/normalize/pbs-names.ts'
import { BACKUP_FILTERS, getFilteredAge } from '../../../shared/age.ts'
import {
  AmbiguousSchema,
  type GuestRecord,
  GuestRecordSchema,
  type OrphanRecord,
  OrphanRecordSchema,
  OrphanSchema,
} from '../../../shared/schema/guest.ts'
import { FUZZ, FUZZ_TIMEOUT_MS } from './settings.ts'

const NOW = 1_749_366_000
const DAY = 86_400

const odd = [
  '\u202Eevil\u202C',
  'zero\u200Bwidth',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}',
  '\uD800',
  '<script>alert(1)</script>',
  '',
  'constructor',
  '__proto__',
  'toString',
]
const text = fc.oneof(fc.constantFrom(...odd), fc.string({ maxLength: 6 }))
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const time = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: NOW - 40 * DAY, max: NOW }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      -1,
      NOW + 60,
      NOW + FUTURE_SKEW_SECONDS,
      NOW + FUTURE_SKEW_SECONDS + 1,
      NOW + 365 * DAY,
      MAX_EPOCH,
      MAX_EPOCH + 1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ),
  },
)
const vmid = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(100, 101, 102, 200) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.NaN) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 999_999_999 }) },
)
const guestType = fc.constantFrom<GuestType>('qemu', 'lxc')
const node = fc.constantFrom('pve1', 'pve2', '\u202Epve3', '')
const clusterIds = ['cluster-a', 'cluster-b', 'constructor']
const datastore = fc.constantFrom('store1', 'store2', 'constructor')
const namespace = fc.constantFrom('', 'cluster-a', '/cluster-a/', 'cluster-a/sub', 'constructor')
const pbsTarget = fc.record(
  {
    server: fc.constantFrom('pbs.lan', 'PBS.lan:8007', '10.0.0.5', '[fe80::1]:8007'),
    datastore,
    namespace,
    username: fc.constantFrom('pulse@pbs', 'sync@pbs'),
  },
  { requiredKeys: ['server', 'datastore', 'namespace'] },
)
const size = maybe(fc.oneof(fc.nat(), fc.constantFrom(-1, 1, Number.NaN, 1e300)))
const verification = maybe(fc.constantFrom<'ok' | 'failed'>('ok', 'failed'))

const guest: fc.Arbitrary<PveGuestFact> = fc.record({
  vmid,
  type: guestType,
  node,
  name: maybe(fc.oneof(text, fc.constantFrom('web01', 'web'))),
  status: fc.constantFrom('running', 'stopped', 'unknown'),
  template: fc.boolean(),
  lock: maybe(fc.constantFrom('backup', 'migrate')),
})

const storage: fc.Arbitrary<PveStorageFact> = fc.record({
  storage: fc.constantFrom('local', 'nas', 'pbs-main', 'pbs-other'),
  type: fc.constantFrom('dir', 'nfs', 'pbs'),
  shared: fc.boolean(),
  pbs: maybe(pbsTarget),
})

const backup: fc.Arbitrary<PveBackupFact> = fc.record({
  volid: fc.oneof(
    fc.constantFrom(
      'local:backup/vzdump-qemu-100-2025_06_07-18_00_02.vma.zst',
      'nas:backup/vzdump-lxc-101-2025_06_07-18_00_02.tar.zst',
      'pbs-main:backup/vm/100/2025-06-07T18:00:02Z',
      'pbs-main:backup/ct/101/2025-06-07T18:00:02Z',
    ),
    text,
  ),
  storage: fc.constantFrom('local', 'nas', 'pbs-main', 'pbs-other'),
  storageType: fc.constantFrom('dir', 'nfs', 'pbs'),
  shared: fc.boolean(),
  node,
  vmid,
  guestType: fc.constantFrom<GuestType | null>('qemu', 'lxc', null),
  ctime: time,
  size,
  notes: maybe(text),
  protected: fc.boolean(),
  verification,
  format: fc.constantFrom('vma.zst', 'tar.zst', 'pbs-vm', 'pbs-ct'),
  inProgress: fc.boolean(),
  pbs: maybe(pbsTarget),
})

const snapshot: fc.Arbitrary<PveSnapshotFact> = fc.record({
  vmid,
  guestType,
  node,
  name: fc.oneof(fc.constantFrom('pre-upgrade', 'current', 'a'), text),
  snaptime: time,
  description: text,
  vmstate: fc.boolean(),
})

const task: fc.Arbitrary<PveTaskFact> = fc.record({
  upid: fc.constantFrom('UPID:pve1:1', 'UPID:pve1:2', 'UPID:pve2:3', 'UPID:pve2:4'),
  node,
  starttime: time,
  endtime: maybe(time),
  outcome: fc.constantFrom('ok', 'warning', 'failed', 'running', 'unknown'),
  status: fc.oneof(fc.constantFrom('OK', 'WARNINGS: 1', 'job errors', '', 'RUNNING'), text),
  id: fc.constantFrom('', '100', '101', 'abc', '0', '0100'),
  guests: fc.array(
    fc.record({
      vmid,
      outcome: fc.constantFrom('ok', 'failed', 'running'),
      error: maybe(text),
    }),
    { maxLength: 3 },
  ),
  logRead: maybe(fc.boolean()),
})

const pveFacts = (sourceId: string): fc.Arbitrary<PveFacts> =>
  fc.record({
    kind: fc.constant('pve'),
    sourceId: fc.constant(sourceId),
    clusterName: maybe(text),
    collectedAt: fc.constant(NOW),
    nodes: fc.constant([]),
    guests: fc.array(guest, { maxLength: 6 }),
    storages: fc.array(storage, { maxLength: 4 }),
    backups: fc.array(backup, { maxLength: 10 }),
    snapshots: fc.array(snapshot, { maxLength: 6 }),
    tasks: fc.array(task, { maxLength: 5 }),
    notBackedUp: fc.option(fc.array(fc.record({ vmid, type: guestType }), { maxLength: 3 }), {
      nil: null,
    }),
    warnings: fc.constant([]),
    deferred: fc.constant([]),
  })

const pbsType = fc.constantFrom<'vm' | 'ct' | 'host'>('vm', 'ct', 'host')
const backupId = fc.constantFrom('100', '101', '200', '0100', 'abc', '1e2', '')

const pbsSnapshot: fc.Arbitrary<PbsSnapshotFact> = fc.record({
  datastore,
  namespace,
  backupType: pbsType,
  backupId,
  backupTime: time,
  size,
  inProgress: fc.boolean(),
  owner: maybe(fc.constantFrom('root@pam', 'sync@pbs', 'pulse@pbs')),
  protected: fc.boolean(),
  comment: maybe(fc.oneof(fc.constantFrom('web01, 100', 'web'), text)),
  verification,
})

const pbsGroup: fc.Arbitrary<PbsGroupFact> = fc.record({
  datastore,
  namespace,
  backupType: pbsType,
  backupId,
  lastBackup: time,
  backupCount: fc.nat({ max: 5 }),
  owner: maybe(fc.constantFrom('root@pam', 'sync@pbs', 'pulse@pbs')),
  listedAt: fc.constant(NOW),
})

const pbsFacts = (sourceId: string): fc.Arbitrary<PbsFacts> =>
  fc.record({
    kind: fc.constant('pbs'),
    sourceId: fc.constant(sourceId),
    host: fc.constantFrom('pbs.lan', '10.0.0.5'),
    serverNames: fc.array(fc.constantFrom('pbs.lan', 'PBS.lan', '10.0.0.5'), { maxLength: 2 }),
    collectedAt: fc.constant(NOW),
    datastores: fc.array(
      fc.record({ store: datastore, namespaces: fc.array(namespace, { maxLength: 2 }) }),
      { maxLength: 2 },
    ),
    groups: fc.array(pbsGroup, { maxLength: 4 }),
    snapshots: fc.array(pbsSnapshot, { maxLength: 10 }),
    warnings: fc.constant([]),
    deferred: fc.constant([]),
  })

const names = fc.dictionary(
  fc.constantFrom('cluster-a', '', 'store1', 'constructor', 'root@pam'),
  fc.constantFrom(...clusterIds, 'nowhere'),
  { maxKeys: 2 },
)
const clusterMap: fc.Arbitrary<ClusterMapping> = fc.record({
  namespaces: names,
  datastores: names,
  owners: names,
})

const input: fc.Arbitrary<NormalizeInput> = fc.record({
  pve: fc.subarray(clusterIds).chain((ids) => fc.tuple(...ids.map(pveFacts))),
  pbs: fc.subarray(['pbs-1', 'pbs-2']).chain((ids) => fc.tuple(...ids.map(pbsFacts))),
  clusterMaps: fc.record({ 'pbs-1': clusterMap, 'pbs-2': clusterMap }, { requiredKeys: [] }),
  now: fc.constant(NOW),
})

const newest = (times: number[]) => (times.length === 0 ? null : Math.max(...times))
const utcDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10)
const DATE_KIND = { pveBackups: 'pve', pbsSnapshots: 'pbs', vmSnapshots: 'snapshot' } as const

/** What guest and orphan records share: times, calendar and details that agree. */
function checkTimes(record: GuestRecord | OrphanRecord): void {
  const finished = record.backups.filter((b) => !b.inProgress)
  const timesOf = (kind: string) =>
    finished.filter((b) => b.kind === kind && !(kind === 'snapshot' && b.time === 0))
  const { latestTimes } = record
  expect(latestTimes.pve).toBe(newest(timesOf('pve').map((b) => b.time)))
  expect(latestTimes.pbs).toBe(newest(timesOf('pbs').map((b) => b.time)))
  expect(latestTimes.snapshots).toBe(newest(timesOf('snapshot').map((b) => b.time)))
  const overall = [latestTimes.pve, latestTimes.pbs].filter((t) => t !== null)
  expect(record.latestBackupTime).toBe(newest(overall))
  // Every calendar timestamp is one of this record's own finished items, on its UTC day.
  const calendar = timesOf('pve').length + timesOf('pbs').length + timesOf('snapshot').length
  let dated = 0
  for (const day of record.backupDates) {
    let count = 0
    for (const [type, kind] of Object.entries(DATE_KIND)) {
      for (const t of day.timestamps[type as keyof typeof DATE_KIND]) {
        expect(timesOf(kind).map((b) => b.time)).toContain(t)
        expect(utcDay(t)).toBe(day.date)
        count += 1
      }
    }
    expect(day.count).toBe(count)
    dated += count
  }
  expect(dated).toBe(calendar)
  // Ages: nothing believed is further ahead than the skew, and no age is negative.
  for (const b of record.backups) expect(b.time).toBeLessThanOrEqual(NOW + FUTURE_SKEW_SECONDS)
}

function checkRecord(record: GuestRecord): void {
  expect(GuestRecordSchema.parse(record)).toEqual(record)
  expect(record.key).toBe(`${record.cluster}/${record.guestId}`)
  checkTimes(record)
  const finished = record.backups.filter((b) => !b.inProgress)
  expect(record.counts).toEqual({
    pve: finished.filter((b) => b.kind === 'pve').length,
    pbs: finished.filter((b) => b.kind === 'pbs').length,
    snapshots: finished.filter((b) => b.kind === 'snapshot').length,
  })
  if (record.lastJob) expect(record.lastJob.time).toBeLessThanOrEqual(NOW + FUTURE_SKEW_SECONDS)
  for (const filter of BACKUP_FILTERS) {
    expect(getFilteredAge(record, filter, NOW)).toBeGreaterThanOrEqual(0)
  }
}

/** The route's pattern (functions/routes/api.ts /orphans/:key). */
const ORPHAN_ROUTE_KEY = /^[A-Za-z0-9._:/-]{1,300}$/

/** One record per index entry, same key, reachable by the route; never a guess at a cluster. */
function checkOrphans(result: NormalizeResult): void {
  const keys = result.orphanRecords.map((o) => o.key)
  expect(new Set(keys).size).toBe(keys.length)
  expect(result.orphans.map((o) => o.key)).toEqual(keys)
  result.orphanRecords.forEach((record, i) => {
    expect(OrphanRecordSchema.parse(record)).toEqual(record)
    checkTimes(record)
    const { backups: _b, backupDates: _d, ...summary } = record
    expect(result.orphans[i]).toEqual(summary)
    expect(record.count).toBe(record.backups.filter((b) => !b.inProgress).length)
    expect(record.count).toBeGreaterThan(0)
    expect(record.key).toMatch(ORPHAN_ROUTE_KEY)
    expect(record.key.split('/').every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true)
    if (record.cluster === null) {
      // A group nobody can place is one PBS group, shown where it is.
      const group = record.pbsGroup
      expect(group).not.toBeNull()
      expect(record.key.startsWith(`pbs/${group?.source}/`)).toBe(true)
      expect(record.backups.every((b) => b.kind === 'pbs')).toBe(true)
      const where =
        group &&
        (group.namespace === '' ? group.datastore : `${group.datastore}/${group.namespace}`)
      expect(record.locations).toEqual([where])
    } else {
      expect(record.pbsGroup).toBeNull()
      expect(record.key).toBe(`${record.cluster}/${record.guestId}`)
    }
  })
}

function checkResult(result: NormalizeResult, given: NormalizeInput): void {
  const keys = result.guests.map((g) => g.key)
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([])
  for (const record of result.guests) {
    checkRecord(record)
    const source = given.pve.find((f) => f.sourceId === record.cluster)
    expect(source?.guests.some((g) => g.vmid === record.guestId && g.type === record.type)).toBe(
      true,
    )
  }
  for (const orphan of result.orphans) {
    expect(OrphanSchema.parse(orphan)).toEqual(orphan)
    expect(orphan.latestBackupTime).toBeLessThanOrEqual(NOW + FUTURE_SKEW_SECONDS)
  }
  checkOrphans(result)
  for (const entry of result.ambiguous) {
    expect(AmbiguousSchema.parse(entry)).toEqual(entry)
    expect(entry.latestBackupTime).toBeLessThanOrEqual(NOW + FUTURE_SKEW_SECONDS)
  }
}

function firstOf<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))))
}

/**
 * One item per identity, as the collectors deliver them. Where stored facts repeat an
 * identity with different details, the normalizer keeps the first; that is the one case in
 * which arrival order matters.
 */
function identitiesOnce(given: NormalizeInput): NormalizeInput {
  return {
    ...given,
    pve: given.pve.map((f) => ({
      ...f,
      guests: firstOf(f.guests, (g) => String(g.vmid)),
      backups: firstOf(f.backups, (b) => b.volid),
      snapshots: firstOf(f.snapshots, (s) => `${s.guestType}/${s.vmid}/${s.name}`),
      tasks: firstOf(f.tasks, (t) => t.upid),
    })),
    pbs: given.pbs.map((f) => ({
      ...f,
      groups: firstOf(
        f.groups,
        (g) => `${g.datastore}/${g.namespace}/${g.backupType}/${g.backupId}`,
      ),
      snapshots: firstOf(
        f.snapshots,
        (s) =>
          `${s.datastore}/${cleanNamespace(s.namespace)}/${s.backupType}/${s.backupId}@${s.backupTime}`,
      ),
    })),
  }
}

/** The same facts with every list reversed: arrival order must not change anything. */
function reversed(given: NormalizeInput): NormalizeInput {
  return {
    ...given,
    pve: [...given.pve].reverse().map((f) => ({
      ...f,
      backups: [...f.backups].reverse(),
      snapshots: [...f.snapshots].reverse(),
      tasks: [...f.tasks].reverse(),
    })),
    pbs: [...given.pbs].reverse().map((f) => ({
      ...f,
      groups: [...f.groups].reverse(),
      snapshots: [...f.snapshots].reverse(),
    })),
  }
}

describe('normalizeGuests on odd facts', () => {
  it(
    'never throws and keeps its output consistent',
    () => {
      fc.assert(
        fc.property(input, (given) => {
          checkResult(normalizeGuests(given), given)
        }),
        FUZZ,
      )
    },
    FUZZ_TIMEOUT_MS,
  )

  it(
    'gives the same guests whatever order the items arrive in',
    () => {
      fc.assert(
        fc.property(input.map(identitiesOnce), (given) => {
          expect(normalizeGuests(reversed(given))).toEqual(normalizeGuests(given))
        }),
        FUZZ,
      )
    },
    FUZZ_TIMEOUT_MS,
  )
})

import { describe, expect, it } from 'vitest'
import type { PbsSnapshotFact, PveStorageFact } from '../../../../functions/collect/facts.ts'
import type { ClusterMapping } from '../../../../functions/normalize/index.ts'
import {
  guestOf,
  HOUR,
  makeClusterMap,
  makeGuest,
  makePbsFacts,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  NOW,
  normalize,
} from './builders.ts'

/** Two clusters, each with its own VM 100, both backing up to pbs-1. */
function twoClusters(
  options: {
    snapshots?: PbsSnapshotFact[]
    clusterMap?: ClusterMapping
    storagesA?: PveStorageFact[]
    storagesB?: PveStorageFact[]
  } = {},
) {
  return normalize({
    pve: [
      makePveFacts({
        sourceId: 'cluster-a',
        guests: [makeGuest({ name: 'web-a' })],
        storages: options.storagesA ?? [],
      }),
      makePveFacts({
        sourceId: 'cluster-b',
        guests: [makeGuest({ name: 'web-b' })],
        storages: options.storagesB ?? [],
      }),
    ],
    pbs: [
      makePbsFacts({
        datastores: [{ store: 'store1', namespaces: ['site-a', 'site-a/prod', 'site-b'] }],
        snapshots: options.snapshots ?? [makePbsSnapshot({ namespace: 'site-b' })],
      }),
    ],
    clusterMaps: options.clusterMap ? { 'pbs-1': options.clusterMap } : {},
  })
}

function pbsTimes(result: ReturnType<typeof normalize>) {
  return result.guests.map((g) => [g.key, g.latestTimes.pbs])
}

describe('PBS snapshots of a VMID only one cluster has', () => {
  it("belong to that cluster's guest", () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot()] })],
    })
    expect(guestOf(result, 'cluster-a/100').latestTimes.pbs).toBe(NOW - 11 * HOUR)
  })

  it("never go to a container with the VM's VMID", () => {
    const result = normalize({
      pve: [makePveFacts({ guests: [makeGuest({ type: 'lxc' })] })],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ backupType: 'vm' })] })],
    })
    expect(guestOf(result, 'cluster-a/100').counts.pbs).toBe(0)
    expect(result.orphans).toMatchObject([{ cluster: null, guestId: 100, type: 'qemu' }])
  })

  it('ignore host backups', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({ snapshots: [makePbsSnapshot({ backupType: 'host', backupId: '100' })] }),
      ],
    })
    expect([guestOf(result, 'cluster-a/100').counts.pbs, result.orphans]).toEqual([0, []])
  })
})

describe('PBS snapshots of a VMID two clusters have', () => {
  it.each([
    { by: 'namespace', map: makeClusterMap({ namespaces: { 'site-b': 'cluster-b' } }) },
    {
      by: "namespace's first segment",
      map: makeClusterMap({ namespaces: { 'site-a': 'cluster-a' } }),
      namespace: 'site-a/prod',
      winner: 'cluster-a',
    },
    { by: 'datastore', map: makeClusterMap({ datastores: { store1: 'cluster-b' } }) },
    { by: 'owner', map: makeClusterMap({ owners: { 'sync@pbs!b': 'cluster-b' } }) },
  ])('go to the cluster the cluster map names by $by', ({ map, namespace, winner }) => {
    const snapshot = makePbsSnapshot({ namespace: namespace ?? 'site-b', owner: 'sync@pbs!b' })
    const result = twoClusters({ snapshots: [snapshot], clusterMap: map })
    const expected = winner ?? 'cluster-b'
    expect(pbsTimes(result)).toEqual([
      ['cluster-a/100', expected === 'cluster-a' ? NOW - 11 * HOUR : null],
      ['cluster-b/100', expected === 'cluster-b' ? NOW - 11 * HOUR : null],
    ])
  })

  it('go to the one cluster whose PVE pbs storage points at that namespace', () => {
    const result = twoClusters({
      storagesA: [
        makePbsStorage({ pbs: { server: 'pbs.lan', datastore: 'store1', namespace: 'site-a' } }),
      ],
      storagesB: [
        makePbsStorage({ pbs: { server: 'pbs.lan', datastore: 'store1', namespace: 'site-b' } }),
      ],
    })
    expect(pbsTimes(result)).toEqual([
      ['cluster-a/100', null],
      ['cluster-b/100', NOW - 11 * HOUR],
    ])
  })

  it('go to the one cluster whose PVE pbs storage logs in as the snapshot owner', () => {
    const at = (username: string) =>
      makePbsStorage({ pbs: { server: 'pbs.lan', datastore: 'store1', namespace: '', username } })
    const result = twoClusters({
      snapshots: [makePbsSnapshot({ namespace: 'site-b', owner: 'sync@pbs!b' })],
      storagesA: [at('sync@pbs!a')],
      storagesB: [at('sync@pbs!b')],
    })
    expect(guestOf(result, 'cluster-b/100').counts.pbs).toBe(1)
  })

  it.each(['web-a', 'web-a, 100'])('go to the guest the comment "%s" names', (comment) => {
    const result = twoClusters({ snapshots: [makePbsSnapshot({ namespace: 'site-b', comment })] })
    expect(pbsTimes(result)).toEqual([
      ['cluster-a/100', NOW - 11 * HOUR],
      ['cluster-b/100', null],
    ])
  })

  it('are reported as ambiguous, not attributed, when nothing tells the clusters apart', () => {
    const result = twoClusters({
      snapshots: [
        makePbsSnapshot({ backupTime: NOW - 11 * HOUR, comment: 'web' }),
        makePbsSnapshot({ backupTime: NOW - 35 * HOUR, comment: 'web' }),
        makePbsSnapshot({ backupTime: NOW - HOUR, size: undefined, inProgress: true }),
      ],
    })
    expect(pbsTimes(result)).toEqual([
      ['cluster-a/100', null],
      ['cluster-b/100', null],
    ])
    expect(result.ambiguous).toEqual([
      {
        guestId: 100,
        type: 'qemu',
        source: 'pbs-1',
        datastore: 'store1',
        namespace: '',
        candidates: ['cluster-a', 'cluster-b'],
        latestBackupTime: NOW - 11 * HOUR,
        count: 2,
      },
    ])
  })

  it('are counted on each candidate guest when ambiguous', () => {
    const result = twoClusters({ snapshots: [makePbsSnapshot()] })
    expect(result.guests.map((g) => g.ambiguousSnapshots)).toEqual([1, 1])
  })

  it('are an orphan of the mapped cluster when that cluster no longer has the guest', () => {
    const result = normalize({
      pve: [
        makePveFacts({ sourceId: 'cluster-a' }),
        makePveFacts({ sourceId: 'cluster-b', guests: [] }),
      ],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ namespace: 'site-b' })] })],
      clusterMaps: { 'pbs-1': makeClusterMap({ namespaces: { 'site-b': 'cluster-b' } }) },
    })
    expect(guestOf(result, 'cluster-a/100').counts.pbs).toBe(0)
    expect(result.orphans).toMatchObject([
      { cluster: 'cluster-b', guestId: 100, locations: ['store1/site-b'] },
    ])
  })
})

describe('PBS sources known by several names', () => {
  it('recognise a PVE storage that names the PBS server by one of its other names', () => {
    const alias = { server: 'backup.example', datastore: 'store1', namespace: '' }
    const result = normalize({
      pve: [
        makePveFacts({ sourceId: 'cluster-a' }),
        makePveFacts({ sourceId: 'cluster-b', storages: [makePbsStorage({ pbs: alias })] }),
      ],
      pbs: [
        makePbsFacts({ sourceId: 'pbs-1', host: 'pbs.lan' }),
        makePbsFacts({
          sourceId: 'pbs-2',
          host: 'pbs2.lan:8007',
          serverNames: ['pbs2.lan', 'backup.example'],
          snapshots: [makePbsSnapshot()],
        }),
      ],
    })
    expect(pbsTimes(result)).toEqual([
      ['cluster-a/100', null],
      ['cluster-b/100', NOW - 11 * HOUR],
    ])
  })
})

describe('a cluster map naming a cluster whose guests are unknown this round', () => {
  it('attributes the group to nobody and says so in a warning', () => {
    const result = normalize({
      pve: [makePveFacts({ sourceId: 'cluster-a' })],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ namespace: 'site-b' })] })],
      clusterMaps: { 'pbs-1': makeClusterMap({ namespaces: { 'site-b': 'cluster-b' } }) },
    })
    expect([guestOf(result, 'cluster-a/100').counts.pbs, result.orphans]).toEqual([0, []])
    expect(result.warnings).toEqual([expect.stringContaining('"cluster-b"')])
  })
})

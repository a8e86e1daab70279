// Storage configuration per cluster: local, pbs-type, nas-nfs, a dir storage named "pbs-backup".
import { clusterName, pbsStorageFor } from './names.ts'
import type { Rng } from './prng.ts'
import type { PveNode, PveStorage } from './types.ts'

const GiB = 1024 ** 3

export function buildStorages(
  rng: Rng,
  index: number,
  nodes: PveNode[],
  extraShared: number,
): PveStorage[] {
  const name = clusterName(index)
  const pbs = pbsStorageFor(index)
  const username = `pve-${name}@pbs!pulse`
  const storages: PveStorage[] = [
    {
      storage: 'local',
      type: 'dir',
      content: 'backup,iso,vztmpl',
      shared: 0,
      config: { path: '/var/lib/vz', 'prune-backups': 'keep-all=1' },
      total: 100861726720,
      used: rng.int(10, 60) * GiB,
      growthPerDay: 1.5 * GiB,
    },
    {
      storage: pbs.storage,
      type: 'pbs',
      content: 'backup',
      shared: 1,
      config: {
        server: 'pbs.lab.lan',
        datastore: 'store1',
        namespace: pbs.namespace,
        username,
        fingerprint: Array.from({ length: 32 }, () => rng.hex(2)).join(':'),
        'prune-backups': 'keep-all=1',
      },
      total: 2000398934016,
      used: 512000000000,
      growthPerDay: 4 * GiB,
      pbs: { source: 'pbs/pbs', datastore: 'store1', namespace: pbs.namespace, username },
    },
  ]
  if (index === 0) {
    storages.push(
      {
        storage: 'nas-nfs',
        type: 'nfs',
        content: 'backup,iso',
        shared: 1,
        config: {
          server: '192.168.10.5',
          export: '/mnt/tank/pve',
          path: '/mnt/pve/nas-nfs',
          options: 'vers=4.2',
          'prune-backups': 'keep-daily=7,keep-weekly=4',
        },
        total: 4000787030016,
        used: 1200000000000,
        growthPerDay: 12 * GiB,
      },
      {
        storage: 'pbs-backup',
        type: 'dir',
        content: 'backup',
        shared: 0,
        nodes: [(nodes[0] as PveNode).name],
        config: { path: '/mnt/pbs-backup', 'prune-backups': 'keep-last=4' },
        total: 1000204886016,
        used: 300000000000,
        growthPerDay: 2 * GiB,
      },
      {
        storage: 'old-usb',
        type: 'dir',
        content: 'backup',
        shared: 0,
        disable: 1,
        config: { path: '/mnt/usb' },
        total: 0,
        used: 0,
      },
    )
  }
  for (let i = 1; i <= extraShared; i++) {
    storages.push({
      storage: `nfs-extra${i}`,
      type: 'nfs',
      content: 'backup',
      shared: 1,
      config: {
        server: `192.168.${10 + index}.${50 + i}`,
        export: `/export/pve${i}`,
        path: `/mnt/pve/nfs-extra${i}`,
      },
      total: 2000398934016,
      used: rng.int(1, 900) * GiB,
      growthPerDay: 1 * GiB,
    })
  }
  return storages
}

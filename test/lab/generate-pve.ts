// Builds each PVE cluster's skeleton: nodes, storages, random guests and backup jobs.
// Scenario guests and backup history are added later by scenario.ts and generate-history.ts.
import { buildStorages } from './generate-storages.ts'
import { clusterName, clusterTimeZone, pbsStorageFor } from './names.ts'
import type { ResolvedOptions } from './presets.ts'
import { createRng, type Rng } from './prng.ts'
import { localParts } from './time-zone.ts'
import type { BackupJob, Guest, GuestSnapshot, PveCluster, PveJobShape, PveNode } from './types.ts'

const words = [
  'nextcloud',
  'grafana',
  'gitea',
  'mail',
  'dns',
  'proxy',
  'jellyfin',
  'vault',
  'ci',
  'minio',
  'ldap',
  'monitor',
  'wiki',
  'backup',
  'print',
  'vpn',
  'erp',
  'crm',
  'files',
  'kafka',
]
const GiB = 1024 ** 3

function nodeName(clusterIndex: number, n: number): string {
  return clusterIndex === 0 ? `pve${n}` : `${clusterName(clusterIndex)}-pve${n}`
}

function buildNodes(rng: Rng, clusterIndex: number, count: number): PveNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: nodeName(clusterIndex, i + 1),
    nodeid: i + 1,
    ip: `192.168.${10 + clusterIndex}.${11 + i}`,
    timeZone: clusterTimeZone(clusterIndex),
    maxcpu: rng.pick([8, 16, 32]),
    maxmem: rng.pick([32, 64, 128]) * GiB,
    maxdisk: 100861726720,
    uptime: rng.int(86400, 86400 * 90),
    sslFingerprint: Array.from({ length: 32 }, () => rng.hex(2).toUpperCase()).join(':'),
    pstart: rng.int(1000000, 90000000),
  }))
}

export function randomSnapshots(rng: Rng, now: number, type: 'qemu' | 'lxc'): GuestSnapshot[] {
  const count = rng.chance(0.3) ? rng.int(1, 3) : 0
  const out: GuestSnapshot[] = []
  let time = now - rng.int(5, 60) * 86400
  for (let i = 0; i < count; i++) {
    const snap: GuestSnapshot = {
      name: `${rng.pick(['pre-upgrade', 'before-change', 'clean', 'auto'])}${i + 1}`,
      snaptime: time,
      description: rng.chance(0.5) ? '' : 'manual snapshot\n',
    }
    if (i > 0) snap.parent = (out[i - 1] as GuestSnapshot).name
    if (type === 'qemu') snap.vmstate = rng.chance(0.3) ? 1 : 0
    out.push(snap)
    time += rng.int(1, 4) * 86400
  }
  return out
}

export function makeGuest(
  rng: Rng,
  now: number,
  g: Pick<Guest, 'vmid' | 'type' | 'node'> & Partial<Guest>,
): Guest {
  const snapshots = g.snapshots ?? randomSnapshots(rng, now, g.type)
  const guest: Guest = {
    name: `guest-${g.vmid}`,
    status: rng.chance(0.8) ? 'running' : 'stopped',
    template: 0,
    maxcpu: rng.pick([1, 2, 4, 8]),
    maxmem: rng.pick([1, 2, 4, 8, 16]) * GiB,
    maxdisk: rng.pick([8, 16, 32, 64, 128]) * GiB,
    uptime: 0,
    digest: rng.hex(40),
    ...g,
    snapshots,
  }
  if (guest.status === 'running') guest.uptime = rng.int(3600, 86400 * 60)
  const last = snapshots[snapshots.length - 1]
  if (last && guest.currentParent === undefined) guest.currentParent = last.name
  return guest
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const pad2 = (n: number): string => String(n).padStart(2, '0')

/**
 * A weekly schedule whose newest run lay `ago` seconds before `now` (on the hour, in `tz`), so
 * the scenario holds at any time of the week the lab is started.
 */
export function weeklyAt(
  now: number,
  ago: number,
  tz: string,
): Omit<BackupJob, 'id' | 'enabled' | 'storage' | 'mode'> {
  const p = localParts(now - ago, tz)
  return {
    schedule: `${DAY_NAMES[p.weekday]} ${pad2(p.hour)}:00`,
    days: [p.weekday],
    hour: p.hour,
    minute: 0,
  }
}

/** A daily schedule whose newest run lay `ago` seconds before `now` (on the hour, in `tz`). */
export function dailyAt(
  now: number,
  ago: number,
  tz: string,
): Omit<BackupJob, 'id' | 'enabled' | 'storage' | 'mode'> {
  const p = localParts(now - ago, tz)
  return { schedule: `${pad2(p.hour)}:00`, days: [], hour: p.hour, minute: 0 }
}

/** What a legacy vzdump.cron job is called: `<digest of the file>:<line>`. */
const LEGACY_JOB_ID = '5b6f1e0c2d3a4f5e6d7c8b9a0f1e2d3c4b5a6978:1'

function buildJobs(
  index: number,
  nodes: PveNode[],
  guests: Guest[],
  rng: Rng,
  now: number,
): BackupJob[] {
  const pbs = pbsStorageFor(index)
  const ids = guests.map((g) => g.vmid)
  const uncovered = rng.pick(ids)
  const disabledOnly = rng.pick(ids.filter((v) => v !== uncovered))
  const nightly: BackupJob = {
    id: `backup-${rng.hex(8)}-${rng.hex(4)}`,
    schedule: index === 0 ? '21:00' : '22:30',
    days: [],
    hour: index === 0 ? 21 : 22,
    minute: index === 0 ? 0 : 30,
    enabled: 1,
    storage: pbs.storage,
    all: 1,
    exclude: [uncovered, disabledOnly],
    mode: 'snapshot',
    comment: 'nightly to PBS',
    notesTemplate: '{{guestname}}',
    options: { fleecing: { enabled: 1, storage: 'local-lvm' }, performance: { 'max-workers': 16 } },
  }
  const some = rng.shuffle(ids.filter((v) => v !== uncovered && v !== disabledOnly))
  const third = some.slice(0, Math.max(1, Math.floor(some.length / 3))).sort((a, b) => a - b)
  const jobs: BackupJob[] = [nightly]
  if (index === 0) {
    const tz = (nodes[0] as PveNode).timeZone
    jobs.push(
      {
        // Its newest run a little over three days ago: a weekly guest is fine on day 3.
        id: 'backup-nfs-weekly',
        ...weeklyAt(now, 3 * 86400 + 2 * 3600, tz),
        enabled: 1,
        storage: 'nas-nfs',
        vmid: third,
        mode: 'snapshot',
        notesTemplate: '{{guestname}}',
        comment: 'weekly copy to the NAS',
        options: { 'prune-backups': { 'keep-daily': 7, 'keep-weekly': 4 } },
      },
      {
        id: 'backup-weekly-local',
        schedule: 'sat 04:00',
        days: [6],
        hour: 4,
        minute: 0,
        enabled: 1,
        storage: 'pbs-backup',
        all: 1,
        exclude: [uncovered],
        node: (nodes[0] as PveNode).name,
        mode: 'stop',
      },
      {
        id: 'backup-pool-prod',
        schedule: 'mon..fri 12:30',
        days: [1, 2, 3, 4, 5],
        hour: 12,
        minute: 30,
        enabled: 1,
        storage: 'local',
        pool: 'prod',
        mode: 'snapshot',
        comment: 'the prod pool on weekdays',
      },
    )
  } else {
    jobs.push({
      id: index === 1 ? LEGACY_JOB_ID : `backup-${clusterName(index)}-weekly`,
      schedule: 'sun 01:00',
      days: [0],
      hour: 1,
      minute: 0,
      enabled: 1,
      storage: 'local',
      vmid: third,
      mode: 'suspend',
      comment: 'weekly local copy',
      ...(index === 1 ? { legacy: true as const } : {}),
    })
  }
  jobs.push({
    id: `backup-${clusterName(index)}-old`,
    schedule: 'sun 05:00',
    days: [0],
    hour: 5,
    minute: 0,
    enabled: 0,
    storage: 'local',
    vmid: [disabledOnly],
    mode: 'snapshot',
    comment: 'disabled, still counts as coverage',
  })
  return jobs
}

/** Clusters with random guests; `scenarioSlots` reserves guest count for scenario guests. */
export function buildClusters(opts: ResolvedOptions, scenarioSlots: number[]): PveCluster[] {
  return opts.nodesPerCluster.map((nodeCount, index) => {
    const rng = createRng(opts.seed, `cluster:${index}`)
    const tokens = createRng(opts.seed, `tokens:${clusterName(index)}`)
    const nodes = buildNodes(rng, index, nodeCount)
    const randomCount = Math.max(3, opts.guestsPerCluster - (scenarioSlots[index] ?? 0))
    const guests: Guest[] = []
    let vmid = 199
    for (let i = 0; i < randomCount; i++) {
      vmid += rng.int(1, 2)
      const type = rng.chance(0.65) ? 'qemu' : 'lxc'
      guests.push(
        makeGuest(rng, opts.now, {
          vmid,
          type,
          node: rng.pick(nodes).name,
          name: `${rng.pick(words)}-${String(i + 1).padStart(2, '0')}`,
          ...(rng.chance(0.3) ? { tags: rng.pick(['prod', 'prod;web', 'dev', 'infra']) } : {}),
        }),
      )
    }
    // The homelab's "prod" pool: its guests tagged prod (the scenario adds one more).
    const pools = index === 0 ? ['prod'] : []
    if (index === 0)
      for (const g of guests) if (g.tags?.split(';').includes('prod')) g.pool = 'prod'
    return {
      id: `pve/${clusterName(index)}`,
      name: clusterName(index),
      tokenId: 'pulse@pve!monitor',
      tokenSecret: tokens.uuid(),
      auditorTokenId: 'auditor@pve!readonly',
      auditorTokenSecret: tokens.uuid(),
      configVersion: rng.int(3, 40),
      repoid: rng.hex(16),
      nodes,
      guests,
      storages: buildStorages(rng, index, nodes, index === 0 ? opts.extraSharedStorages : 0),
      archives: [],
      tasks: [],
      jobs: buildJobs(index, nodes, guests, rng, opts.now),
      jobShape:
        opts.pveJobShapes[index] ??
        (opts.pveJobShapes[opts.pveJobShapes.length - 1] as PveJobShape),
      pools,
    }
  })
}

// Fixed scenario guests present in every preset (design-note guest 111, VMID collision 100,
// duplicate name "web", template, unknown status, in-progress, migrated, never backed up,
// a backup at 23:30 New York time, a name that is HTML, a weekly-only guest, a guest whose
// nightly run was skipped).
import { dailyAt, makeGuest } from './generate-pve.ts'
import type { Rng } from './prng.ts'
import type { Guest, PveCluster, PveNode } from './types.ts'

/** Scenario guest count per cluster, reserved out of guestsPerCluster. */
export const scenarioSlots = [13, 2]

export const V = {
  collision: 100,
  officeWeb: 101,
  design: 111,
  migrated: 112,
  inProgress: 113,
  failedOk: 114,
  failed: 115,
  nightOwl: 116,
  hostileName: 117,
  weeklyOnly: 118,
  skippedNightly: 119,
  unknown: 130,
  never: 150,
  template: 9000,
  orphan: 4242,
  unplacedOrphan: 4343,
} as const

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>'

/**
 * Scenario guests whose backups and tasks are made by hand (scenario-backups.ts and
 * scenario-runs.ts), not by running jobs: no enabled job selects them (their times would not be
 * the jobs' times), only the disabled one, so PVE still counts them as covered.
 */
export const HAND_MADE: readonly number[] = [
  V.design,
  V.migrated,
  V.inProgress,
  V.failedOk,
  V.failed,
  V.nightOwl,
  V.hostileName,
  V.unknown,
]

/** The job whose newest scheduled run was skipped, six hours before now. */
export const SKIPPED_JOB_ID = 'backup-db-nightly'

export interface ScenarioNodes {
  first: string
  second: string
  last: string
}

export function scenarioNodes(cluster: PveCluster): ScenarioNodes {
  const names = cluster.nodes.map((n) => n.name)
  return {
    first: names[0] as string,
    second: (names[1] ?? names[0]) as string,
    last: names[names.length - 1] as string,
  }
}

export function addScenarioGuests(
  homelab: PveCluster,
  office: PveCluster,
  rng: Rng,
  now: number,
): Set<number> {
  const h = scenarioNodes(homelab)
  const o = scenarioNodes(office)
  const hours = (n: number): number => now - n * 3600
  const add = (cluster: PveCluster, g: Guest): void => {
    cluster.guests.push(g)
  }
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.collision,
      type: 'qemu',
      node: h.second,
      name: 'web',
      status: 'running',
      tags: 'prod;web',
      pool: 'prod',
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.design,
      type: 'qemu',
      node: h.first,
      name: 'debian',
      status: 'running',
      snapshots: [
        {
          name: 'clean-install',
          snaptime: now - 20 * 86400,
          description: 'fresh debian 12\n',
          vmstate: 0,
        },
        {
          name: 'before-upgrade',
          snaptime: hours(14),
          description: '',
          parent: 'clean-install',
          vmstate: 1,
        },
      ],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.migrated,
      type: 'lxc',
      node: h.second,
      name: 'migrated-ct',
      status: 'running',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.inProgress,
      type: 'qemu',
      node: h.second,
      name: 'db',
      status: 'running',
      lock: 'backup',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.failedOk,
      type: 'lxc',
      node: h.last,
      name: 'dns',
      status: 'running',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.failed,
      type: 'qemu',
      node: h.last,
      name: 'legacy-app',
      status: 'stopped',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.nightOwl,
      type: 'lxc',
      node: h.first,
      name: 'night-owl',
      status: 'running',
      snapshots: [],
    }),
  )
  // Real PVE only accepts DNS names, but a monitor must not rely on that: the page must show
  // this as text and run nothing.
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.hostileName,
      type: 'qemu',
      node: h.last,
      name: HOSTILE_NAME,
      status: 'stopped',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.weeklyOnly,
      type: 'lxc',
      node: h.second,
      name: 'weekly-archive',
      status: 'running',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.skippedNightly,
      type: 'qemu',
      node: h.first,
      name: 'nightly-db',
      status: 'running',
      tags: 'db',
      snapshots: [],
    }),
  )
  const unknown = makeGuest(rng, now, {
    vmid: V.unknown,
    type: 'qemu',
    node: h.last,
    status: 'unknown',
    snapshots: [],
  })
  delete unknown.name
  delete unknown.template
  unknown.uptime = 0
  add(homelab, unknown)
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.never,
      type: 'lxc',
      node: h.second,
      name: 'scratch',
      status: 'stopped',
      snapshots: [],
    }),
  )
  add(
    homelab,
    makeGuest(rng, now, {
      vmid: V.template,
      type: 'qemu',
      node: h.second,
      name: 'debian12-tpl',
      status: 'stopped',
      template: 1,
      snapshots: [],
    }),
  )
  add(
    office,
    makeGuest(rng, now, {
      vmid: V.collision,
      type: 'qemu',
      node: o.first,
      name: 'files',
      status: 'running',
    }),
  )
  add(
    office,
    makeGuest(rng, now, {
      vmid: V.officeWeb,
      type: 'lxc',
      node: o.second,
      name: 'web',
      status: 'running',
    }),
  )
  for (const c of [homelab, office]) c.guests.sort((a, b) => a.vmid - b.vmid)
  // Keep "never backed up" and the template out of every job so not-backed-up lists them; the
  // weekly-only and the skipped guest are only in their own jobs, the hand-made ones in none
  // that is enabled.
  const own: number[] = [V.weeklyOnly, V.skippedNightly]
  for (const job of homelab.jobs) {
    if (job.enabled && job.all)
      job.exclude = [
        ...new Set([...(job.exclude ?? []), V.never, V.template, ...own, ...HAND_MADE]),
      ].sort((a, b) => a - b)
    if (job.enabled && job.vmid)
      job.vmid = job.vmid.filter((v) => !own.includes(v) && !HAND_MADE.includes(v))
    if (!job.enabled && job.vmid)
      job.vmid = [...new Set([...job.vmid, ...HAND_MADE])].sort((a, b) => a - b)
  }
  const weekly = homelab.jobs.find((j) => j.id === 'backup-nfs-weekly')
  if (weekly?.vmid) weekly.vmid = [...weekly.vmid, V.weeklyOnly].sort((a, b) => a - b)
  const tz = nodeOf(homelab, h.first).timeZone
  homelab.jobs.push({
    id: SKIPPED_JOB_ID,
    // Daily, with its newest run six hours ago, which did not happen: missed by now.
    ...dailyAt(now, 6 * 3600, tz),
    enabled: 1,
    storage: 'backup-main',
    vmid: [V.skippedNightly],
    mode: 'snapshot',
    comment: 'database, daily to PBS',
    skipNewest: true,
  })
  const history = new Set<number>()
  for (const c of [homelab, office])
    for (const g of c.guests) if (g.vmid >= 200 && g.vmid < 9000) history.add(g.vmid)
  history.add(V.collision)
  history.add(V.officeWeb)
  history.add(V.weeklyOnly)
  history.add(V.skippedNightly)
  return history
}

export function guest(c: PveCluster, vmid: number): Guest {
  const g = c.guests.find((x) => x.vmid === vmid)
  if (!g) throw new Error(`scenario guest ${vmid} missing`)
  return g
}

export function nodeOf(c: PveCluster, name: string): PveNode {
  return c.nodes.find((n) => n.name === name) as PveNode
}

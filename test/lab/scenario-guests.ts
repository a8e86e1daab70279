// Fixed scenario guests present in every preset (design-note guest 111, VMID collision 100,
// duplicate name "web", template, unknown status, in-progress, migrated, never backed up,
// a backup at 23:30 New York time, a name that is HTML).
import { makeGuest } from './generate-pve.ts'
import type { Rng } from './prng.ts'
import type { Guest, PveCluster, PveNode } from './types.ts'

/** Scenario guest count per cluster, reserved out of guestsPerCluster. */
export const scenarioSlots = [11, 2]

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
  unknown: 130,
  never: 150,
  template: 9000,
  orphan: 4242,
  unplacedOrphan: 4343,
} as const

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>'

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
  // Keep "never backed up" and the template out of every job so not-backed-up lists them.
  const nightly = homelab.jobs[0]
  if (nightly)
    nightly.exclude = [...(nightly.exclude ?? []), V.never, V.template].sort((a, b) => a - b)
  const history = new Set<number>()
  for (const c of [homelab, office])
    for (const g of c.guests) if (g.vmid >= 200 && g.vmid < 9000) history.add(g.vmid)
  history.add(V.collision)
  history.add(V.officeWeb)
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

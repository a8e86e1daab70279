// Builds the PBS server (datastores, namespaces) and the writer that history and scenario code
// use to add snapshots, keeping groups sorted and indexed.
import { clusterName } from './names.ts'
import type { ResolvedOptions } from './presets.ts'
import { createRng, type Rng } from './prng.ts'
import type { PbsBackupType, PbsDatastore, PbsGroup, PbsServer, PbsSnapshot } from './types.ts'
import { pbsUpid } from './upid.ts'

export function buildPbs(opts: ResolvedOptions): PbsServer {
  const tokens = createRng(opts.seed, 'tokens:pbs')
  const rng = createRng(opts.seed, 'pbs')
  // `retired`: no cluster writes or maps it (a decommissioned setup's leftovers).
  const namespaces = ['', 'homelab', 'homelab/archive', 'office', 'retired']
  for (let i = 2; i < opts.clusters; i++) namespaces.push(clusterName(i))
  for (let i = 1; i <= opts.pbsNamespaces; i++) namespaces.push(`extra${i}`)
  const datastores: PbsDatastore[] = [
    { store: 'store1', comment: 'main datastore', namespaces, groups: [] },
  ]
  for (let i = 2; i <= opts.pbsDatastores; i++) {
    datastores.push({
      store: i === 2 ? 'offsite' : `store${i}`,
      comment: i === 2 ? null : `datastore ${i}`,
      namespaces: [''],
      groups: [],
    })
  }
  return {
    id: 'pbs/pbs',
    tokenId: 'pulse@pbs!monitor',
    tokenSecret: tokens.uuid(),
    repoid: rng.hex(40),
    datastores,
  }
}

export interface PbsWriter {
  add(
    store: string,
    ns: string,
    type: PbsBackupType,
    id: string,
    owner: string,
    snapshot: PbsSnapshot,
  ): PbsGroup
  verification(store: string, time: number, state: 'ok' | 'failed'): PbsSnapshot['verification']
  /** The verify job whose runs the verification UPIDs name. */
  readonly verifyJobId: string
  finish(): void
}

/** `jobId`: the verify job to name (a second writer for the same server shares the first's). */
export function createPbsWriter(server: PbsServer, rng: Rng, jobId?: string): PbsWriter {
  const index = new Map<string, PbsGroup>()
  jobId ??= `v-${rng.hex(8)}-${rng.hex(4)}`
  return {
    verifyJobId: jobId,
    add(store, ns, type, id, owner, snapshot) {
      const ds = server.datastores.find((d) => d.store === store)
      if (!ds) throw new Error(`no datastore ${store}`)
      const key = `${store}|${ns}|${type}|${id}`
      let group = index.get(key)
      if (!group) {
        group = { ns, type, id, owner, snapshots: [] }
        index.set(key, group)
        ds.groups.push(group)
      }
      group.snapshots.push(snapshot)
      return group
    },
    verification(store, time, state) {
      // One verify job run per day; the UPID's starttime is that run, a few hours after backup.
      const runTime = time + 6 * 3600 - (time % 3600)
      const upid = pbsUpid({
        node: 'pbs',
        pid: 1234 + (Math.floor(runTime / 86400) % 5000),
        pstart: 123456,
        taskId: Math.floor(runTime / 86400) % 65536,
        starttime: runTime,
        type: 'verificationjob',
        workerId: `${store}:${jobId}`,
        authId: 'root@pam',
      })
      return { state, upid }
    },
    finish() {
      for (const ds of server.datastores) {
        ds.groups.sort((a, b) =>
          a.ns === b.ns
            ? a.type === b.type
              ? a.id < b.id
                ? -1
                : 1
              : a.type < b.type
                ? -1
                : 1
            : a.ns < b.ns
              ? -1
              : 1,
        )
        for (const g of ds.groups) g.snapshots.sort((a, b) => a.time - b.time)
      }
    },
  }
}

/**
 * Writes a group's notes, whose first line PBS lists as the group's `comment` (in the groups
 * listing only: a snapshot's comment is that snapshot's own notes). Throws if there is no such
 * group, so a scenario never silently comments nothing.
 */
export function commentGroup(server: PbsServer, at: PbsGroupRef, notes: string): void {
  const group = server.datastores
    .find((d) => d.store === at.datastore)
    ?.groups.find((g) => g.ns === at.namespace && g.type === at.type && g.id === at.id)
  if (!group) throw new Error(`no PBS group ${at.datastore}/${at.namespace} ${at.type}/${at.id}`)
  group.comment = notes.split('\n')[0]
}

export interface PbsGroupRef {
  datastore: string
  namespace: string
  type: PbsBackupType
  id: string
}

export function snapshotSize(type: PbsBackupType, diskSize: number): number {
  return type === 'vm' ? diskSize + 512 + 668 : diskSize + 400 + 300
}

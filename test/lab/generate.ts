// generateLab: the pure, deterministic entry point (same options → deep-equal model).
import { generateHistory, jobCovers, runStarts } from './generate-history.ts'
import { buildPbs, commentGroup, createPbsWriter, snapshotSize } from './generate-pbs.ts'
import { addPbsHealth } from './generate-pbs-health.ts'
import { buildClusters } from './generate-pve.ts'
import type { LabFacts, LabModel, PastHistory } from './model.ts'
import { resolveOptions } from './presets.ts'
import { createRng } from './prng.ts'
import { addScenarioBackups } from './scenario-backups.ts'
import { addScenarioGuests, nodeOf, SKIPPED_JOB_ID, scenarioSlots, V } from './scenario-guests.ts'
import { FAILED_JOB_ID } from './scenario-runs.ts'
import type { BackupJob, LabOptions, PbsServer, PveCluster } from './types.ts'

export function notBackedUp(
  cluster: PveCluster,
): { vmid: number; type: 'qemu' | 'lxc'; name?: string }[] {
  // Like PVE: disabled jobs still count as coverage.
  return cluster.guests
    .filter((g) => !cluster.jobs.some((j) => jobCovers(j, g)))
    .map((g) => ({ vmid: g.vmid, type: g.type, ...(g.name ? { name: g.name } : {}) }))
}

export function generateLab(options: LabOptions & { now: number }): LabModel {
  const opts = resolveOptions(options)
  const clusters = buildClusters(opts, scenarioSlots)
  const homelab = clusters[0] as PveCluster
  const office = clusters[1] as PveCluster
  const server = buildPbs(opts)
  const pbs = createPbsWriter(server, createRng(opts.seed, 'pbs-writer'))
  const history = addScenarioGuests(
    homelab,
    office,
    createRng(opts.seed, 'scenario-guests'),
    opts.now,
  )
  for (const c of clusters) {
    generateHistory(c, history, pbs, createRng(opts.seed, `history:${c.name}`), opts.now, opts.days)
  }
  // Before that, with its own random streams: the rest of the lab is the same with or without.
  const past =
    opts.replayDays > 0 ? generatePast(clusters, history, server, pbs.verifyJobId, opts) : undefined
  const backupFacts = addScenarioBackups(
    homelab,
    office,
    pbs,
    createRng(opts.seed, 'scenario'),
    opts.now,
  )
  const offsite = server.datastores[1]
  if (offsite) {
    // A sync target holding copies of a few homelab groups under another owner.
    // Not the VMID two clusters share: its snapshots stay exactly where that scenario puts them.
    for (const g of (server.datastores[0]?.groups ?? [])
      .filter((x) => x.ns === 'homelab' && x.id !== String(V.collision))
      .slice(0, 3)) {
      for (const s of g.snapshots.filter((x) => !x.inProgress).slice(-3)) {
        pbs.add(offsite.store, '', g.type, g.id, 'sync@pbs', {
          ...s,
          size: s.size ?? snapshotSize(g.type, s.diskSize),
        })
      }
    }
  }
  pbs.finish()
  const groupComments = addGroupComments(server, homelab.name, backupFacts)
  const pbsHealth = addPbsHealth(
    server,
    pbs.verifyJobId,
    createRng(opts.seed, 'pbs-health'),
    opts.now,
  )
  for (const c of clusters) {
    c.tasks.sort((a, b) => b.starttime - a.starttime)
    c.archives.sort((a, b) => a.time - b.time)
  }
  const storage = (c: PveCluster, name: string) => c.storages.find((s) => s.storage === name)
  const job = (id: string) => homelab.jobs.find((j) => j.id === id) as BackupJob
  const guestNode = (vmid: number) =>
    nodeOf(homelab, homelab.guests.find((g) => g.vmid === vmid)?.node ?? '')
  /** The job's newest scheduled time at or before now, skipped or not. */
  const newestRun = (j: BackupJob, vmid: number) =>
    runStarts({ ...j, skipNewest: undefined }, guestNode(vmid), opts.now, opts.days).at(-1) ?? 0
  const weekly = job('backup-nfs-weekly')
  const skipped = job(SKIPPED_JOB_ID)
  const poolJob = job('backup-pool-prod')
  const pbsStorage = storage(homelab, 'backup-main')
  const facts: LabFacts = {
    ...backupFacts,
    sharedStorage: {
      cluster: homelab.name,
      storage: 'nas-nfs',
      nodes: homelab.nodes.map((n) => n.name),
    },
    pbsStorageNotNamedPbs: {
      cluster: homelab.name,
      storage: 'backup-main',
      datastore: pbsStorage?.pbs?.datastore ?? 'store1',
      namespace: pbsStorage?.pbs?.namespace ?? 'homelab',
      username: pbsStorage?.pbs?.username ?? '',
    },
    dirStorageNamedPbs: { cluster: homelab.name, storage: 'pbs-backup' },
    duplicateName: {
      name: 'web',
      guests: clusters.flatMap((c) =>
        c.guests
          .filter((g) => g.name === 'web')
          .map((g) => ({ cluster: c.name, vmid: g.vmid, node: g.node })),
      ),
    },
    template: { cluster: homelab.name, vmid: V.template },
    unknownStatusGuest: {
      cluster: homelab.name,
      vmid: V.unknown,
      node: homelab.guests.find((g) => g.vmid === V.unknown)?.node ?? '',
    },
    neverBackedUp: { cluster: homelab.name, vmid: V.never },
    notBackedUp: clusters.flatMap((c) =>
      notBackedUp(c).map((g) => ({ cluster: c.name, vmid: g.vmid })),
    ),
    latestVerificationFailed: verificationOf(server, homelab.name, V.inProgress),
    pbsHealth,
    groupComments,
    jobs: {
      weeklyOnly: {
        cluster: homelab.name,
        vmid: V.weeklyOnly,
        job: weekly.id,
        previousRun: newestRun(weekly, V.weeklyOnly),
      },
      skippedNightly: {
        cluster: homelab.name,
        vmid: V.skippedNightly,
        job: skipped.id,
        skippedRun: newestRun(skipped, V.skippedNightly),
      },
      failedRun: {
        cluster: homelab.name,
        job: FAILED_JOB_ID,
        upid: backupFacts.failedTask.upid,
        failedVmid: backupFacts.failedTask.failedVmid,
        okVmid: backupFacts.failedTask.okVmid,
      },
      pool: {
        cluster: homelab.name,
        job: poolJob.id,
        pool: poolJob.pool ?? '',
        members: homelab.guests.filter((g) => jobCovers(poolJob, g)).map((g) => g.vmid),
      },
      disabled: { cluster: homelab.name, job: `backup-${homelab.name}-old` },
    },
  }
  return {
    seed: opts.seed,
    now: opts.now,
    preset: opts.preset,
    days: opts.days,
    clusters,
    pbs: [server],
    facts,
    ...(past ? { past } : {}),
  }
}

/** Notes on a few PBS groups (LabFacts.groupComments). */
function addGroupComments(
  server: PbsServer,
  cluster: string,
  backups: Pick<LabFacts, 'designGuest' | 'unplacedOrphan'>,
): LabFacts['groupComments'] {
  const design = backups.designGuest
  const unplaced = backups.unplacedOrphan.snapshots[0]
  const ofDesign = (namespace: string, comment: string) => ({
    datastore: design.pbsDatastore,
    namespace,
    type: 'vm' as const,
    id: String(design.vmid),
    comment,
  })
  // No job backs it up, so a day after the lab's start its backups are overdue: it would
  // alert (age-all) but for this. Its other group, in the archive namespace, has a plain note.
  const parked = ofDesign(design.pbsNamespace, 'no-monitor: test VM, rebuilt by hand')
  const noted: LabFacts['groupComments']['noted'] = [
    ofDesign(`${design.pbsNamespace}/archive`, 'before the bookworm upgrade'),
  ]
  if (unplaced)
    noted.push({
      datastore: unplaced.datastore,
      namespace: unplaced.namespace,
      type: unplaced.type,
      id: unplaced.id,
      comment: 'ldap of the old office',
    })
  // Notes are many lines; PBS lists the first.
  commentGroup(server, parked, `${parked.comment}\nask ops before deleting`)
  for (const c of noted) commentGroup(server, c, c.comment)
  return { parked: { ...parked, cluster, vmid: design.vmid }, noted }
}

/** The nightly jobs' runs in the `replayDays` before the lab's own `days`. */
function generatePast(
  clusters: readonly PveCluster[],
  history: Set<number>,
  server: PbsServer,
  verifyJobId: string,
  opts: ReturnType<typeof resolveOptions>,
): PastHistory {
  const to = opts.now - opts.days * 86_400
  const window = { from: to - opts.replayDays * 86_400, to }
  // A server of the same datastores with no groups: the writer fills it with the past only.
  const scratch: PbsServer = {
    ...server,
    datastores: server.datastores.map((d) => ({ ...d, groups: [] })),
  }
  const writer = createPbsWriter(scratch, createRng(opts.seed, 'past:pbs'), verifyJobId)
  const out: PastHistory = { replayDays: opts.replayDays, clusters: {}, datastores: {} }
  for (const c of clusters) {
    // Its own lists to push to; the guests are only read (nothing of the past is running).
    const into: PveCluster = { ...c, archives: [], tasks: [] }
    generateHistory(
      into,
      history,
      writer,
      createRng(opts.seed, `past:${c.name}`),
      opts.now,
      0,
      window,
    )
    into.tasks.sort((a, b) => b.starttime - a.starttime)
    into.archives.sort((a, b) => a.time - b.time)
    out.clusters[c.id] = { archives: into.archives, tasks: into.tasks }
  }
  writer.finish()
  for (const d of scratch.datastores) out.datastores[d.store] = d.groups
  return out
}

/** The guest's newest finished PBS snapshot time and its newest verified-ok one, from the model. */
function verificationOf(
  server: PbsServer,
  cluster: string,
  vmid: number,
): LabFacts['latestVerificationFailed'] {
  const snapshots = server.datastores
    .flatMap((d) => d.groups)
    .filter((g) => g.type === 'vm' && g.id === String(vmid) && g.ns === 'homelab')
    .flatMap((g) => g.snapshots)
    .filter((s) => !s.inProgress)
    .sort((a, b) => b.time - a.time)
  const newest = snapshots[0]
  if (newest?.verification?.state !== 'failed')
    throw new Error(`lab: ${vmid} must fail verification`)
  const ok = snapshots.find((s) => s.verification?.state === 'ok')
  return { cluster, vmid, time: newest.time, latestVerified: ok?.time ?? 0 }
}

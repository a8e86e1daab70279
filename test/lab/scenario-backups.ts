// Hand-made backups, snapshots and tasks of the scenario guests, with the facts tests assert on.

import { dumpPath } from './generate-history.ts'
import type { PbsWriter } from './generate-pbs.ts'
import { snapshotSize } from './generate-pbs.ts'
import type { LabFacts, PbsRef } from './model.ts'
import type { Rng } from './prng.ts'
import { guest, HOSTILE_NAME, nodeOf, scenarioNodes, V } from './scenario-guests.ts'
import { addScenarioRuns } from './scenario-runs.ts'
import { fromLocal, localParts, vzdumpStamp } from './time-zone.ts'
import type { PveCluster, PveTask, VzdumpArchive } from './types.ts'
import { pveUpid } from './upid.ts'

type BackupFacts = Omit<
  LabFacts,
  | 'notBackedUp'
  | 'template'
  | 'unknownStatusGuest'
  | 'duplicateName'
  | 'sharedStorage'
  | 'pbsStorageNotNamedPbs'
  | 'dirStorageNamedPbs'
  | 'neverBackedUp'
  | 'latestVerificationFailed'
  | 'pbsHealth'
  | 'groupComments'
  | 'jobs'
>

const HOUR = 3600
const DAY = 86400

export function volidOf(a: VzdumpArchive): string {
  const ext = a.type === 'qemu' ? 'vma.zst' : 'tar.zst'
  return `${a.storage}:backup/vzdump-${a.type}-${a.vmid}-${vzdumpStamp(a.time, a.writerTimeZone)}.${ext}`
}

export function addScenarioBackups(
  homelab: PveCluster,
  office: PveCluster,
  pbs: PbsWriter,
  rng: Rng,
  now: number,
): BackupFacts {
  const h = scenarioNodes(homelab)
  const hOwner = `pve-homelab@pbs!pulse`
  const oOwner = `pve-office@pbs!pulse`
  const berlin = nodeOf(homelab, h.first).timeZone
  const archive = (a: VzdumpArchive): VzdumpArchive => {
    homelab.archives.push(a)
    return a
  }
  const ref = (
    ns: string,
    type: 'vm' | 'ct',
    id: number | string,
    time: number,
    datastore = 'store1',
  ): PbsRef => ({ datastore, namespace: ns, type, id: String(id), time })

  // Design-note guest 111: vzdump on nas-nfs exactly 17 h ago, PBS exactly 11 h ago.
  const design = guest(homelab, V.design)
  const pveTime = now - 17 * HOUR
  const pbsTime = now - 11 * HOUR
  let designVolid = ''
  let protectedVolid = ''
  for (let k = 0; k < 7; k++) {
    const a = archive({
      storage: 'nas-nfs',
      vmid: V.design,
      type: 'qemu',
      time: pveTime - k * DAY,
      writerTimeZone: berlin,
      size: 1532963840 + k * 1024,
      notes: 'debian',
      ...(k === 6 ? { protected: 1 as const } : {}),
    })
    if (k === 0) designVolid = volidOf(a)
    if (k === 6) protectedVolid = volidOf(a)
  }
  for (let k = 0; k < 10; k++) {
    const t = pbsTime - k * DAY
    pbs.add('store1', 'homelab', 'vm', String(V.design), hOwner, {
      time: t,
      diskSize: design.maxdisk,
      size: snapshotSize('vm', design.maxdisk),
      protected: k === 9,
      comment: 'debian',
      ...(k === 0
        ? {}
        : { verification: pbs.verification('store1', t, k === 1 ? 'failed' : 'ok') }),
    })
  }
  for (const k of [45, 44])
    pbs.add('store1', 'homelab/archive', 'vm', String(V.design), hOwner, {
      time: now - k * DAY,
      diskSize: design.maxdisk,
      size: snapshotSize('vm', design.maxdisk),
      protected: false,
      comment: 'debian',
    })
  const manualPid = rng.int(1000, 4000000)
  const manualStart = pveTime - 2
  const manual: PveTask = {
    upid: pveUpid({
      node: h.first,
      pid: manualPid,
      pstart: nodeOf(homelab, h.first).pstart,
      starttime: manualStart,
      type: 'vzdump',
      id: String(V.design),
      user: 'root@pam!ops',
    }),
    node: h.first,
    pid: manualPid,
    pstart: nodeOf(homelab, h.first).pstart,
    starttime: manualStart,
    endtime: pveTime + 96,
    status: 'OK',
    id: String(V.design),
    user: 'root@pam',
    tokenid: 'ops',
    command: `vzdump ${V.design} --storage nas-nfs --mode snapshot --notes-template '{{guestname}}'`,
    guests: [
      {
        vmid: V.design,
        type: 'qemu',
        start: pveTime,
        end: pveTime + 95,
        archive: dumpPath(homelab, 'nas-nfs', design, pveTime, berlin),
        pbs: false,
      },
    ],
  }
  homelab.tasks.push(manual)

  // Migrated container: older backups on the previous node's local, newer on the current one.
  for (const k of [9, 7, 5])
    archive({
      storage: 'local',
      node: h.first,
      vmid: V.migrated,
      type: 'lxc',
      time: now - k * DAY - 3 * HOUR,
      writerTimeZone: berlin,
      size: 412316860,
    })
  for (const k of [3, 1])
    archive({
      storage: 'local',
      node: h.second,
      vmid: V.migrated,
      type: 'lxc',
      time: now - k * DAY - 3 * HOUR,
      writerTimeZone: berlin,
      size: 413316860,
    })

  const runs = addScenarioRuns(homelab, pbs, rng, now)

  // Orphan 4242: no guest anywhere, but a vzdump archive and a PBS group.
  const orphanTime = now - 5 * DAY - 2 * HOUR
  const orphanArchive = archive({
    storage: 'nas-nfs',
    vmid: V.orphan,
    type: 'qemu',
    time: orphanTime,
    writerTimeZone: berlin,
    size: 912316860,
    notes: 'old-vm',
  })
  pbs.add('store1', 'homelab', 'vm', String(V.orphan), hOwner, {
    time: orphanTime,
    diskSize: 32 * 1024 ** 3,
    size: snapshotSize('vm', 32 * 1024 ** 3),
    protected: false,
    comment: 'old-vm',
  })

  // ct/4343 in `retired`: its guest is gone and no cluster's storage, user or map points there,
  // so nothing tells which cluster it was; its owner is all there is to go by.
  const unplacedOwner = 'decommissioned@pbs'
  const unplaced = [40, 33, 26].map((k) => ref('retired', 'ct', V.unplacedOrphan, now - k * DAY))
  for (const snap of unplaced)
    pbs.add(snap.datastore, snap.namespace, snap.type, snap.id, unplacedOwner, {
      time: snap.time,
      diskSize: 8 * 1024 ** 3,
      size: snapshotSize('ct', 8 * 1024 ** 3),
      protected: false,
      comment: 'ldap-old',
    })

  // Root namespace: vm/100 written by some old setup, owner root@pam, no comment: ambiguous.
  for (const k of [62, 61, 60])
    pbs.add('store1', '', 'vm', String(V.collision), 'root@pam', {
      time: now - k * DAY,
      diskSize: 34359738368,
      size: snapshotSize('vm', 34359738368),
      protected: false,
      verification: pbs.verification('store1', now - k * DAY, 'ok'),
    })
  pbs.add('store1', '', 'host', 'pbs', 'root@pam', {
    time: now - 2 * DAY,
    diskSize: 4 * 1024 ** 3,
    size: 4 * 1024 ** 3 + 2000,
    protected: false,
  })

  // 23:30 in New York two local days ago: the next UTC day, so only a calendar that buckets in
  // the viewer's zone puts it on the right day.
  const viewerTimeZone = 'America/New_York'
  const day = localParts(now - 2 * DAY, viewerTimeZone)
  const lateNightTime = fromLocal(
    { year: day.year, month: day.month, day: day.day, hour: 23, minute: 30, second: 0 },
    viewerTimeZone,
  )
  const lateNightNotes = '<script>alert(2)</script> nightly'
  archive({
    storage: 'nas-nfs',
    vmid: V.nightOwl,
    type: 'lxc',
    time: lateNightTime,
    writerTimeZone: berlin,
    size: 734003200,
    notes: lateNightNotes,
  })
  const pad = (n: number) => String(n).padStart(2, '0')

  const failedRef = ref('homelab', 'vm', V.design, pbsTime - DAY)
  const protectedRef = ref('homelab', 'vm', V.design, pbsTime - 9 * DAY)
  return {
    designGuest: {
      cluster: homelab.name,
      node: h.first,
      vmid: V.design,
      type: 'qemu',
      name: 'debian',
      pveBackupTime: pveTime,
      pveStorage: 'nas-nfs',
      pveVolid: designVolid,
      pbsBackupTime: pbsTime,
      pbsDatastore: 'store1',
      pbsNamespace: 'homelab',
      snapshotName: 'before-upgrade',
      snapshotTime: now - 14 * HOUR,
    },
    vmidCollision: {
      vmid: V.collision,
      datastore: 'store1',
      guests: [
        { cluster: homelab.name, name: 'web', namespace: 'homelab', owner: hOwner },
        { cluster: office.name, name: 'files', namespace: 'office', owner: oOwner },
      ],
      ambiguousGroup: { namespace: '', type: 'vm', id: String(V.collision), owner: 'root@pam' },
    },
    orphan: {
      vmid: V.orphan,
      cluster: homelab.name,
      storage: 'nas-nfs',
      volid: volidOf(orphanArchive),
      pbs: ref('homelab', 'vm', V.orphan, orphanTime),
    },
    unplacedOrphan: { source: 'pbs/pbs', owner: unplacedOwner, snapshots: unplaced },
    inProgress: runs.inProgress,
    failedTask: runs.failedTask,
    manualTask: { cluster: homelab.name, node: h.first, upid: manual.upid, vmid: V.design },
    migratedGuest: {
      cluster: homelab.name,
      vmid: V.migrated,
      previousNode: h.first,
      currentNode: h.second,
    },
    failedVerification: failedRef,
    protectedPbsSnapshot: protectedRef,
    protectedArchive: { cluster: homelab.name, storage: 'nas-nfs', volid: protectedVolid },
    lateNightBackup: {
      cluster: homelab.name,
      vmid: V.nightOwl,
      time: lateNightTime,
      storage: 'nas-nfs',
      viewerTimeZone,
      localDate: `${day.year}-${pad(day.month)}-${pad(day.day)}`,
      notes: lateNightNotes,
    },
    hostileName: { cluster: homelab.name, vmid: V.hostileName, name: HOSTILE_NAME },
  }
}

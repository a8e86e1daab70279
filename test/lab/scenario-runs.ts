// Scenario task runs: a backup in progress right now and a failed multi-guest vzdump job (the
// scheduled run of a weekly job of its two guests, 29 hours ago).
import { dumpPath } from './generate-history.ts'
import type { PbsWriter } from './generate-pbs.ts'
import { snapshotSize } from './generate-pbs.ts'
import type { LabFacts } from './model.ts'
import type { Rng } from './prng.ts'
import { guest, nodeOf, scenarioNodes, V } from './scenario-guests.ts'
import { localParts, utcStamp, vzdumpStamp } from './time-zone.ts'
import type { PveCluster, PveTask, VzdumpArchive } from './types.ts'
import { pveUpid } from './upid.ts'

/** The weekly job whose scheduled run is the failed task. */
export const FAILED_JOB_ID = 'backup-apps-weekly'

const HOUR = 3600
const DAY = 86400

export function addScenarioRuns(
  homelab: PveCluster,
  pbs: PbsWriter,
  rng: Rng,
  now: number,
): Pick<LabFacts, 'inProgress' | 'failedTask'> {
  const h = scenarioNodes(homelab)
  const hOwner = 'pve-homelab@pbs!pulse'
  const archive = (a: VzdumpArchive): VzdumpArchive => {
    homelab.archives.push(a)
    return a
  }
  // In progress: PBS snapshot without manifest and a running vzdump task; the guest is locked.
  // Its newest finished snapshot failed verification (the older ones are ok).
  const busy = guest(homelab, V.inProgress)
  const busyTime = now - 600
  for (let k = 5; k >= 1; k--) {
    const t = busyTime - k * DAY
    pbs.add('store1', 'homelab', 'vm', String(V.inProgress), hOwner, {
      time: t,
      diskSize: busy.maxdisk,
      size: snapshotSize('vm', busy.maxdisk),
      protected: false,
      comment: 'db',
      verification: pbs.verification('store1', t, k === 1 ? 'failed' : 'ok'),
    })
  }
  pbs.add('store1', 'homelab', 'vm', String(V.inProgress), hOwner, {
    time: busyTime,
    diskSize: busy.maxdisk,
    inProgress: true,
    protected: false,
  })
  const runPid = rng.int(1000, 4000000)
  const running: PveTask = {
    upid: pveUpid({
      node: h.second,
      pid: runPid,
      pstart: nodeOf(homelab, h.second).pstart,
      starttime: busyTime - 3,
      type: 'vzdump',
      id: String(V.inProgress),
      user: 'root@pam',
    }),
    node: h.second,
    pid: runPid,
    pstart: nodeOf(homelab, h.second).pstart,
    starttime: busyTime - 3,
    id: String(V.inProgress),
    user: 'root@pam',
    command: `vzdump ${V.inProgress} --storage backup-main --mode snapshot --notes-template '{{guestname}}'`,
    guests: [
      {
        vmid: V.inProgress,
        type: 'qemu',
        start: busyTime,
        archive: `vm/${V.inProgress}/${utcStamp(busyTime)}`,
        pbs: true,
      },
    ],
  }
  homelab.tasks.push(running)

  // Failed multi-guest run: 114 finishes, 115 fails.
  const lastTz = nodeOf(homelab, h.last).timeZone
  const failStart = now - DAY - 5 * HOUR
  const at = localParts(failStart, lastTz)
  const pad = (n: number) => String(n).padStart(2, '0')
  homelab.jobs.push({
    id: FAILED_JOB_ID,
    schedule: `${['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][at.weekday]} ${pad(at.hour)}:${pad(at.minute)}`,
    days: [at.weekday],
    hour: at.hour,
    minute: at.minute,
    enabled: 1,
    storage: 'nas-nfs',
    vmid: [V.failedOk, V.failed],
    mode: 'snapshot',
    notesTemplate: '{{guestname}}',
    comment: 'dns and legacy-app',
  })
  const okGuest = guest(homelab, V.failedOk)
  const badGuest = guest(homelab, V.failed)
  const reason = `unable to create temporary directory '/mnt/pve/nas-nfs/dump/vzdump-qemu-${V.failed}-${vzdumpStamp(failStart + 99, lastTz)}.tmp' - Permission denied`
  archive({
    storage: 'nas-nfs',
    vmid: V.failedOk,
    type: 'lxc',
    time: failStart + 3,
    writerTimeZone: lastTz,
    size: 212316860,
    notes: 'dns',
  })
  const failPid = rng.int(1000, 4000000)
  const failed: PveTask = {
    upid: pveUpid({
      node: h.last,
      pid: failPid,
      pstart: nodeOf(homelab, h.last).pstart,
      starttime: failStart,
      type: 'vzdump',
      id: '',
      user: 'root@pam',
    }),
    node: h.last,
    pid: failPid,
    pstart: nodeOf(homelab, h.last).pstart,
    starttime: failStart,
    endtime: failStart + 101,
    status: 'job errors',
    id: '',
    user: 'root@pam',
    command: `vzdump ${V.failedOk} ${V.failed} --storage nas-nfs --mode snapshot --notes-template '{{guestname}}'`,
    guests: [
      {
        vmid: V.failedOk,
        type: 'lxc',
        start: failStart + 3,
        end: failStart + 98,
        archive: dumpPath(homelab, 'nas-nfs', okGuest, failStart + 3, lastTz),
        pbs: false,
      },
      {
        vmid: V.failed,
        type: 'qemu',
        start: failStart + 99,
        end: failStart + 100,
        archive: dumpPath(homelab, 'nas-nfs', badGuest, failStart + 99, lastTz),
        pbs: false,
        error: reason,
      },
    ],
  }
  homelab.tasks.push(failed)

  return {
    inProgress: {
      cluster: homelab.name,
      node: h.second,
      vmid: V.inProgress,
      pveStorage: 'backup-main',
      pbs: {
        datastore: 'store1',
        namespace: 'homelab',
        type: 'vm',
        id: String(V.inProgress),
        time: busyTime,
      },
      runningTaskUpid: running.upid,
    },
    failedTask: {
      cluster: homelab.name,
      node: h.last,
      upid: failed.upid,
      okVmid: V.failedOk,
      failedVmid: V.failed,
      reason,
    },
  }
}

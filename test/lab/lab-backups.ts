// Changes to a running lab as time passes, for end-to-end tests of what Pulse Edge tells about
// them (alerts): the clock moves forward (jobs' next runs follow it), a guest's backup starts
// (a running vzdump task, the guest locked, an unfinished PBS snapshot) and finishes (the task
// OK, the archive or snapshot complete), a guest is deleted. The model is changed in place;
// the lab's routes read it on every request. Also behind POST /_lab/clock, /_lab/backup and
// /_lab/delete-guest (lab-control.ts), for trying alerts by hand on `npm run dev`.

import { dumpPath, jobCommand, jobCovers } from './generate-history.ts'
import { snapshotSize } from './generate-pbs.ts'
import type { LabModel } from './model.ts'
import { utcStamp } from './time-zone.ts'
import type { PbsSnapshot, PveCluster, PveTask, TaskGuestResult } from './types.ts'
import { pveUpid } from './upid.ts'

export interface LabBackupRequest {
  /** The cluster's name, e.g. `homelab`. */
  cluster: string
  vmid: number
  /** Epoch seconds the guest's backup starts; default: the lab's now. */
  at?: number
  /** `running`: started, not finished; `ok` (default): finished at once (a minute later). */
  state?: 'running' | 'ok'
}

function clusterOf(model: LabModel, name: string): PveCluster {
  const cluster = model.clusters.find((c) => c.name === name || c.id === name)
  if (!cluster) throw new Error(`no cluster '${name}'`)
  return cluster
}

/** Moves the lab's clock (never back): jobs' next runs and task windows follow it. */
export function setLabClock(model: LabModel, now: number): void {
  if (!Number.isInteger(now) || now < model.now) throw new Error('the clock only moves forward')
  model.now = now
}

const running = (cluster: PveCluster, vmid: number) =>
  cluster.tasks.find((t) => t.status === undefined && t.guests.some((g) => g.vmid === vmid))

/**
 * Backs the guest up on the storage of the first enabled job that covers it, as that job's run
 * would: a running task first, finished by a second call with `state: 'ok'`; or at once.
 */
export function runLabBackup(model: LabModel, request: LabBackupRequest): PveTask {
  const cluster = clusterOf(model, request.cluster)
  const guest = cluster.guests.find((g) => g.vmid === request.vmid)
  if (!guest) throw new Error(`no guest ${request.vmid} in ${cluster.name}`)
  const job = cluster.jobs.find((j) => j.enabled && jobCovers(j, guest))
  if (!job) throw new Error(`no enabled job covers ${cluster.name}/${guest.vmid}`)
  const storage = cluster.storages.find((s) => s.storage === job.storage)
  if (!storage) throw new Error(`job ${job.id} names no storage of ${cluster.name}`)
  const node = cluster.nodes.find((n) => n.name === guest.node)
  if (!node) throw new Error(`guest ${guest.vmid} is on no node`)
  const type = guest.type === 'qemu' ? 'vm' : 'ct'
  const pbsStore = storage.pbs
    ? model.pbs
        .find((p) => p.id === storage.pbs?.source)
        ?.datastores.find((d) => d.store === storage.pbs?.datastore)
    : undefined
  const group = () => {
    const pbs = storage.pbs
    if (!pbs || !pbsStore) return undefined
    let found = pbsStore.groups.find(
      (g) => g.ns === pbs.namespace && g.type === type && g.id === String(guest.vmid),
    )
    if (!found) {
      found = {
        ns: pbs.namespace,
        type,
        id: String(guest.vmid),
        owner: pbs.username,
        snapshots: [],
      }
      pbsStore.groups.push(found)
    }
    return found
  }

  const finish = (task: PveTask, end: number) => {
    const result = task.guests.find((g) => g.vmid === guest.vmid) as TaskGuestResult
    result.end = end
    task.endtime = end + 1
    task.status = 'OK'
    delete guest.lock
    if (storage.pbs) {
      const snapshot = group()?.snapshots.find((s) => s.time === result.start)
      if (snapshot) {
        delete snapshot.inProgress
        snapshot.size = snapshotSize(type, guest.maxdisk)
      }
    } else {
      cluster.archives.push({
        storage: storage.storage,
        ...(storage.shared ? {} : { node: node.name }),
        vmid: guest.vmid,
        type: guest.type,
        time: result.start,
        writerTimeZone: node.timeZone,
        size: Math.floor(guest.maxdisk * 0.2),
      })
    }
    return task
  }

  const open = running(cluster, guest.vmid)
  if (open) {
    if (request.state === 'running') return open
    return finish(open, Math.max(request.at ?? model.now, open.starttime + 60))
  }
  const start = request.at ?? model.now
  const pid = 4_000_001 + cluster.tasks.length
  const task: PveTask = {
    upid: pveUpid({
      node: node.name,
      pid,
      pstart: node.pstart,
      starttime: start,
      type: 'vzdump',
      id: String(guest.vmid),
      user: 'root@pam',
    }),
    node: node.name,
    pid,
    pstart: node.pstart,
    starttime: start,
    id: String(guest.vmid),
    user: 'root@pam',
    command: jobCommand(job),
    guests: [
      {
        vmid: guest.vmid,
        type: guest.type,
        start,
        archive: storage.pbs
          ? `${type}/${guest.vmid}/${utcStamp(start)}`
          : dumpPath(cluster, storage.storage, guest, start, node.timeZone),
        pbs: storage.type === 'pbs',
      },
    ],
  }
  cluster.tasks.push(task)
  guest.lock = 'backup'
  if (storage.pbs) {
    const snapshot: PbsSnapshot = {
      time: start,
      diskSize: guest.maxdisk,
      inProgress: true,
      protected: false,
    }
    group()?.snapshots.push(snapshot)
  }
  return request.state === 'running' ? task : finish(task, start + 60)
}

/** The guest is destroyed: gone from its cluster; its backups stay (they become orphans). */
export function deleteLabGuest(model: LabModel, clusterName: string, vmid: number): void {
  const cluster = clusterOf(model, clusterName)
  const before = cluster.guests.length
  cluster.guests = cluster.guests.filter((g) => g.vmid !== vmid)
  if (cluster.guests.length === before) throw new Error(`no guest ${vmid} in ${cluster.name}`)
}

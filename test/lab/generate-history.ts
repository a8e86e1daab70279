// Runs every enabled backup job over the history window at its scheduled times: one vzdump task
// per node and run, per-guest archives or PBS snapshots, occasional per-guest failures. A run
// still going at `now` is a running task: its guest in progress is locked and has an unfinished
// PBS snapshot (a file target shows nothing until it is done), the guests after it not started.
import type { PbsWriter } from './generate-pbs.ts'
import { snapshotSize } from './generate-pbs.ts'
import type { Rng } from './prng.ts'
import { fromLocal, localParts, utcStamp, vzdumpStamp } from './time-zone.ts'
import type { BackupJob, Guest, PveCluster, PveNode, PveTask, TaskGuestResult } from './types.ts'
import { pveUpid } from './upid.ts'

const failureReasons = [
  'VM is locked (snapshot)',
  'backup write data failed: command error: write_data upload error: pipelined request failed: No space left on device',
  "unable to acquire lock on snapshot directory '/mnt/pbs-backup/dump'",
  'interrupted by signal',
]

/** As vzdump selects: a pool first, else the vmid list, else all minus exclude; on `node`. */
export function jobCovers(job: BackupJob, guest: Guest): boolean {
  if (job.node && job.node !== guest.node) return false
  if (job.pool) return guest.pool === job.pool
  if (job.vmid) return job.vmid.includes(guest.vmid)
  return job.all === 1 && !(job.exclude ?? []).includes(guest.vmid)
}

export function jobCommand(job: BackupJob): string {
  const sel = job.pool
    ? `--pool ${job.pool}`
    : job.vmid
      ? job.vmid.join(' ')
      : `--all 1${job.exclude?.length ? ` --exclude ${job.exclude.join(',')}` : ''}`
  const notes = job.notesTemplate ? ` --notes-template '${job.notesTemplate}'` : ''
  return `vzdump ${sel} --storage ${job.storage} --mode ${job.mode}${notes} --quiet 1`
}

export function dumpPath(
  cluster: PveCluster,
  storage: string,
  guest: Pick<Guest, 'type' | 'vmid'>,
  time: number,
  tz: string,
): string {
  const st = cluster.storages.find((s) => s.storage === storage)
  const dir = st?.config.path ?? '/var/lib/vz'
  const ext = guest.type === 'qemu' ? 'vma.zst' : 'tar.zst'
  return `${dir}/dump/vzdump-${guest.type}-${guest.vmid}-${vzdumpStamp(time, tz)}.${ext}`
}

/** Epoch of each scheduled run of the job on a node within the window, oldest first. */
export function runStarts(job: BackupJob, node: PveNode, now: number, days: number): number[] {
  const out: number[] = []
  for (let d = days + 1; d >= 0; d--) {
    const p = localParts(now - d * 86400, node.timeZone)
    if (job.days.length > 0 && !job.days.includes(p.weekday)) continue
    const t = fromLocal(
      { year: p.year, month: p.month, day: p.day, hour: job.hour, minute: job.minute, second: 0 },
      node.timeZone,
    )
    if (t < now - days * 86400 || t > now) continue
    out.push(t)
  }
  // The scheduler was down at the newest one.
  if (job.skipNewest) out.pop()
  return out
}

/** The job's scheduled runs on a node with a start in [from, to), oldest first, none skipped. */
export function runStartsBetween(
  job: BackupJob,
  node: PveNode,
  from: number,
  to: number,
): number[] {
  const span = Math.ceil((to - from) / 86400)
  return runStarts({ ...job, skipNewest: undefined }, node, to, span).filter(
    (t) => t >= from && t < to,
  )
}

/**
 * `window`: generate the runs that started in [from, to) instead of the last `days` before
 * `now` (the lab's past for a replay; all of them long finished by `now`).
 */
export function generateHistory(
  cluster: PveCluster,
  historyVmids: Set<number>,
  pbs: PbsWriter,
  rng: Rng,
  now: number,
  days: number,
  window?: { from: number; to: number },
): void {
  for (const job of cluster.jobs) {
    if (!job.enabled) continue
    const storage = cluster.storages.find((s) => s.storage === job.storage)
    if (!storage) continue
    for (const node of cluster.nodes) {
      const guests = cluster.guests
        .filter((g) => g.node === node.name && historyVmids.has(g.vmid) && jobCovers(job, g))
        .sort((a, b) => a.vmid - b.vmid)
      if (guests.length === 0) continue
      if (storage.nodes && !storage.nodes.includes(node.name)) continue
      const starts = window
        ? runStartsBetween(job, node, window.from, window.to)
        : runStarts(job, node, now, days)
      for (const start of starts) {
        let cursor = start + rng.int(1, 4)
        const results: TaskGuestResult[] = []
        let running = false
        for (const g of guests) {
          if (cursor > now) break
          const duration = rng.int(g.type === 'qemu' ? 60 : 20, g.type === 'qemu' ? 420 : 120)
          const failed = rng.chance(0.02)
          const result: TaskGuestResult = {
            vmid: g.vmid,
            type: g.type,
            start: cursor,
            end: cursor + duration,
            archive: storage.pbs
              ? `${g.type === 'qemu' ? 'vm' : 'ct'}/${g.vmid}/${utcStamp(cursor)}`
              : dumpPath(cluster, storage.storage, g, cursor, node.timeZone),
            pbs: storage.type === 'pbs',
          }
          if (cursor + duration > now) {
            // Still being backed up now.
            running = true
            delete result.end
            g.lock = 'backup'
            if (storage.pbs)
              pbs.add(
                storage.pbs.datastore,
                storage.pbs.namespace,
                g.type === 'qemu' ? 'vm' : 'ct',
                String(g.vmid),
                storage.pbs.username,
                { time: cursor, diskSize: g.maxdisk, inProgress: true, protected: false },
              )
            results.push(result)
            break
          }
          if (failed) result.error = rng.pick(failureReasons)
          else if (storage.pbs) {
            const type = g.type === 'qemu' ? 'vm' : 'ct'
            const age = now - cursor
            pbs.add(
              storage.pbs.datastore,
              storage.pbs.namespace,
              type,
              String(g.vmid),
              storage.pbs.username,
              {
                time: cursor,
                diskSize: g.maxdisk,
                size: snapshotSize(type, g.maxdisk),
                protected: rng.chance(0.03),
                ...(job.notesTemplate && g.name ? { comment: g.name } : {}),
                ...(age > 86400 && rng.chance(0.9)
                  ? {
                      verification: pbs.verification(
                        storage.pbs.datastore,
                        cursor,
                        rng.chance(0.03) ? 'failed' : 'ok',
                      ),
                    }
                  : {}),
              },
            )
          } else {
            cluster.archives.push({
              storage: storage.storage,
              ...(storage.shared ? {} : { node: node.name }),
              vmid: g.vmid,
              type: g.type,
              time: cursor,
              writerTimeZone: node.timeZone,
              size: Math.floor(g.maxdisk * (0.1 + rng.next() * 0.3)),
              ...(job.notesTemplate && g.name ? { notes: g.name } : {}),
            })
          }
          results.push(result)
          cursor += duration + 1
        }
        if (results.length === 0) continue
        const failedAny = results.some((r) => r.error)
        // vzdump names the task after the guest when it backs up exactly one (of this node).
        const id = guests.length === 1 ? String((guests[0] as Guest).vmid) : ''
        const pid = rng.int(1000, 4000000)
        const task: PveTask = {
          upid: pveUpid({
            node: node.name,
            pid,
            pstart: node.pstart,
            starttime: start,
            type: 'vzdump',
            id,
            user: 'root@pam',
          }),
          node: node.name,
          pid,
          pstart: node.pstart,
          starttime: start,
          ...(running ? {} : { endtime: cursor + 1, status: failedAny ? 'job errors' : 'OK' }),
          id,
          user: 'root@pam',
          command: jobCommand(job),
          guests: results,
        }
        cluster.tasks.push(task)
      }
    }
  }
}

// Subjects and times in words, for summaries a person reads in a push message.
import { formatAge } from '../../shared/age.ts'
import type { GuestSummary, Orphan } from '../../shared/schema/guest.ts'
import type { PbsJob, PveBackupJob } from '../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { BackupStorage, Datastore } from '../../shared/schema/storage.ts'

const typeWord = (type: 'qemu' | 'lxc' | null) =>
  type === 'lxc' ? 'CT' : type === 'qemu' ? 'VM' : 'guest'

/** `db01 (VM 101, cluster Homelab)`; `VM 101 (cluster pve-a)` while PVE has no name. */
export function guestName(guest: GuestSummary): string {
  const id = `${typeWord(guest.type)} ${guest.guestId}`
  const cluster = `cluster ${guest.clusterName ?? guest.cluster}`
  return guest.guestName ? `${guest.guestName} (${id}, ${cluster})` : `${id} (${cluster})`
}

export function jobName(job: PveBackupJob): string {
  const label = job.comment ? `"${job.comment}" (${job.id})` : job.id
  return `backup job ${label}, cluster ${job.cluster}`
}

export function pbsJobName(kind: string, id: string, source: string, store: string): string {
  const what = kind === 'gc' ? 'garbage collection' : `${kind} job ${id}`
  return `${what} on ${source}/${store}`
}

export function pbsJobNameOf(job: PbsJob): string {
  return pbsJobName(job.kind, job.id, job.source, job.store)
}

export function datastoreName(store: Datastore): string {
  return `datastore ${store.store} on PBS ${store.source}`
}

export function storageName(storage: BackupStorage): string {
  const node = storage.shared ? '' : ` on ${storage.nodes.join(', ')}`
  return `storage ${storage.storage}${node}, cluster ${storage.cluster}`
}

export function sourceName(source: SourceStatus): string {
  const product = source.kind === 'pbs' ? 'PBS' : 'PVE'
  return source.name && source.name !== source.id
    ? `${product} ${source.name} (${source.id})`
    : `${product} ${source.id}`
}

export function orphanName(orphan: Orphan): string {
  const what = `${typeWord(orphan.type)} ${orphan.guestId}`
  if (orphan.cluster !== null) return `backups of deleted ${what}, cluster ${orphan.cluster}`
  const group = orphan.pbsGroup
  if (group) {
    const ns = group.namespace ? ` namespace ${group.namespace}` : ''
    return `backups of ${what} (no guest) on ${group.source}/${group.datastore}${ns}`
  }
  return `backups of ${what} (no guest)`
}

/** `5h ago`. */
export function ago(time: number, now: number): string {
  return `${formatAge(Math.max(0, now - time))} ago`
}

/** `2025-06-08 07:00 UTC`: unambiguous for any reader's zone. */
export function utc(time: number): string {
  return `${new Date(time * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function hours(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}h`
}

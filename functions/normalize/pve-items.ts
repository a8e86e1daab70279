// Turns one cluster's PVE storage listings into backup items: a shared archive counts once
// however many nodes list it, and a PBS snapshot a PBS source already reported is dropped.

import type { BackupDetail, GuestType } from '../../shared/schema/guest.ts'
import type { PveBackupFact, PveFacts, PveStorageFact } from '../collect/facts.ts'
import { type PbsIndex, type PbsTarget, reportedDirectly } from './pbs-index.ts'
import { pbsLocation, pbsPath } from './pbs-names.ts'
import type { ListedBackup } from './types.ts'
import { cleanSize, isVmid, timeProblem } from './validate.ts'

/** `pbs-main:backup/vm/100/…` → qemu; used when PVE left out the subtype. */
function typeFromVolid(volid: string): GuestType | null {
  const match = /:backup\/(vm|ct)\//.exec(volid)
  if (!match) return null
  return match[1] === 'vm' ? 'qemu' : 'lxc'
}

function toDetail(
  fact: PveBackupFact,
  kind: BackupDetail['kind'],
  location: string,
  name: string,
): BackupDetail {
  const detail: BackupDetail = {
    kind,
    time: fact.ctime,
    location,
    protected: fact.protected === true,
    name,
    inProgress: fact.inProgress === true,
  }
  const size = cleanSize(fact.size)
  if (size !== undefined) detail.size = size
  if (fact.verification !== undefined) detail.verification = fact.verification
  if (fact.notes !== undefined && fact.notes.trim() !== '') detail.notes = fact.notes.trim()
  return detail
}

function archive(fact: PveBackupFact, shared: boolean): ListedBackup {
  const detail = toDetail(fact, 'pve', fact.storage, fact.volid)
  // Only a node-local archive lives on a node; a migrated guest's old ones stay there.
  if (!shared) detail.node = fact.node
  return { vmid: fact.vmid, type: fact.guestType, detail }
}

/** A PBS snapshot seen through a PVE `pbs` storage, or null when the PBS source has it. */
function listedPbs(
  fact: PveBackupFact,
  target: PbsTarget | undefined,
  pbs: PbsIndex,
): ListedBackup | null {
  const type = fact.guestType ?? typeFromVolid(fact.volid)
  if (target && type && reportedDirectly(pbs, target, type, fact.vmid, fact.ctime)) return null
  const location = target ? pbsLocation(target.datastore, target.namespace) : fact.storage
  const detail = toDetail(
    fact,
    'pbs',
    location,
    type ? pbsPath(type, fact.vmid, fact.ctime) : fact.volid,
  )
  return { vmid: fact.vmid, type, detail }
}

export function collectPveBackups(
  facts: PveFacts,
  pbs: PbsIndex,
  now: number,
  warnings: string[],
): ListedBackup[] {
  const storages = new Map<string, PveStorageFact>()
  for (const storage of facts.storages) storages.set(storage.storage, storage)
  const seen = new Set<string>()
  const listed: ListedBackup[] = []
  for (const fact of facts.backups) {
    const problem = isVmid(fact.vmid) ? timeProblem(fact.ctime, now) : 'invalid vmid'
    if (problem !== undefined) {
      warnings.push(`${facts.sourceId}: skipped backup ${fact.volid}: ${problem}`)
      continue
    }
    const storage = storages.get(fact.storage)
    // By plugin type, never by name: a `dir` storage called "pbs-backup" holds vzdump files.
    const isPbs = fact.storageType === 'pbs'
    const shared = isPbs || fact.shared || storage?.shared === true
    // A volid is unique per storage; a non-shared storage exists once per node.
    const dedupeKey = shared ? fact.volid : `${fact.node}\u0000${fact.volid}`
    if (seen.has(dedupeKey)) continue
    seen.add(dedupeKey)
    const item = isPbs ? listedPbs(fact, fact.pbs ?? storage?.pbs, pbs) : archive(fact, shared)
    if (item) listed.push(item)
  }
  return listed
}

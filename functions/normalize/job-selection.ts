// Which guests a vzdump job selects, resolved against the cluster's guests as vzdump itself does
// (pve-manager PVE::VZDump::get_included_guests): a `pool` first, else the `vmid` list, else
// `all` minus `exclude`; then only the guests currently on the job's `node`. No extra call:
// pool membership is the `pool` field of /cluster/resources, which the collector already has.
import type { PveJobSelection } from '../../shared/schema/jobs.ts'
import type { PveBackupJobFact, PveFacts } from '../collect/facts.ts'

export function jobSelection(job: PveBackupJobFact): PveJobSelection {
  const mode = job.pool !== undefined ? 'pool' : job.vmids.length > 0 || !job.all ? 'vmids' : 'all'
  return {
    mode,
    vmids: mode === 'vmids' ? [...job.vmids] : [],
    pool: mode === 'pool' ? (job.pool ?? null) : null,
    // vzdump applies `exclude` to `all` only.
    exclude: mode === 'all' ? [...job.exclude] : [],
    node: job.node ?? null,
  }
}

export interface Selected {
  /** VMIDs of existing guests the job selects, whether it is enabled or not. */
  vmids: Set<number>
  /** Why the selection could not be resolved (then `vmids` is empty). */
  unknown?: string
}

/**
 * What the job selects among the cluster's guests now. A pool whose entry /cluster/resources did
 * not list is one the token may not audit: PVE then also hides the guests' `pool`, so its
 * members cannot be told (an empty pool the token can see is listed and selects nothing).
 */
export function selectedGuests(
  job: PveBackupJobFact,
  facts: Pick<PveFacts, 'guests' | 'pools'>,
): Selected {
  const selection = jobSelection(job)
  const onNode = facts.guests.filter((g) => selection.node === null || g.node === selection.node)
  if (selection.mode === 'pool') {
    const pool = selection.pool ?? ''
    if (facts.pools !== undefined && !facts.pools.includes(pool)) {
      return {
        vmids: new Set(),
        unknown: `job ${job.id} selects pool "${pool}", which the token cannot see (Pool.Audit on /pool/${pool}): the guests it covers are unknown`,
      }
    }
    return { vmids: new Set(onNode.filter((g) => g.pool === pool).map((g) => g.vmid)) }
  }
  if (selection.mode === 'vmids') {
    const listed = new Set(selection.vmids)
    return { vmids: new Set(onNode.filter((g) => listed.has(g.vmid)).map((g) => g.vmid)) }
  }
  const excluded = new Set(selection.exclude)
  return { vmids: new Set(onNode.filter((g) => !excluded.has(g.vmid)).map((g) => g.vmid)) }
}

// What every PVE sub-collector receives: the client (which holds the pass's limiter), the clock,
// the previous run's facts (to keep on failure) and the cluster layout.
import type { ProxmoxClient } from '../proxmox/client.ts'
import type { PveFacts, PveStorageFact } from './facts.ts'

export interface PveCollectContext {
  client: ProxmoxClient
  now: number
  previous: PveFacts | undefined
  /** PBS server names read directly by a PBS source: their PVE listings are skipped. */
  directPbsServers: ReadonlySet<string>
  /**
   * A continuation of a refresh the subrequest budget cut short: no cluster-wide call is made,
   * only the units the previous run deferred are fetched (in the previous facts' layout), and
   * everything else is carried from the previous run's facts.
   */
  continuation?: boolean
  /**
   * The node a webhook said just finished a backup: its task list and job logs, and the
   * listings that can hold its new archives (its own storages and the shared ones), go first.
   */
  priorityNode?: string
  /** Read the token's permissions again even if the stored answer is recent (manual refresh). */
  rereadHourly?: boolean
}

export interface PveLayout {
  storages: PveStorageFact[]
  /** Every node of the cluster, online or not. */
  nodes: string[]
  /** Online nodes (from /cluster/status). */
  reachable: ReadonlySet<string>
  /** Node → storages active on it (status "available" in /cluster/resources). */
  activeByNode: ReadonlyMap<string, ReadonlySet<string>>
  /** Storage → the nodes its configuration limits it to (`nodes`); absent: every node. */
  restrictedTo: ReadonlyMap<string, ReadonlySet<string>>
}

/** `/nodes/<node>`: the name comes from upstream, so it is encoded as one path segment. */
export function nodePath(node: string): string {
  return `/nodes/${encodeURIComponent(node)}`
}

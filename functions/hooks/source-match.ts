// Which configured source a Proxmox notification came from: the `source` query parameter when
// the webhook URL has one, else `fields.hostname` (a PVE node the stored facts know, or a name
// of the PBS server), else `fields.datastore` (a PBS source that has it). Pure.
import type { SourceFacts } from '../collect/facts.ts'
import type { SourceConfig } from '../config.ts'
import { sourceKindOf, type TriggerType } from './proxmox-event.ts'

export interface SourceNames {
  id: string
  kind: 'pve' | 'pbs'
  /** Lower-case names a notification's `hostname` may use for this source. */
  hostnames: string[]
  datastores: string[]
  /** PVE only: the servers its `pbs` storages write to, as those storages name them. */
  pbsServers?: string[]
}

export type SourceMatch =
  | { ok: true; sourceIds: string[]; by: 'source parameter' | 'hostname' | 'datastore' }
  | { ok: false; message: string }

const IP_ADDRESS = /^[\d.]+$|:/

/** `pbs.example.com` → itself and `pbs`: Proxmox sends the node name without the domain. */
function hostAliases(host: string): string[] {
  const lower = host.toLowerCase()
  const short = lower.split('.')[0] ?? lower
  return IP_ADDRESS.test(lower) || short === lower ? [lower] : [lower, short]
}

export function sourceNames(source: SourceConfig, facts: SourceFacts | null): SourceNames {
  const own = hostAliases(new URL(source.url).hostname)
  if (source.kind === 'pve') {
    const nodes = facts?.kind === 'pve' ? facts.nodes.map((n) => n.name.toLowerCase()) : []
    const servers =
      facts?.kind === 'pve'
        ? facts.storages.flatMap((s) => (s.pbs ? hostAliases(s.pbs.server) : []))
        : []
    return {
      id: source.id,
      kind: 'pve',
      hostnames: [...new Set([...nodes, ...own])],
      datastores: [],
      ...(servers.length > 0 ? { pbsServers: [...new Set(servers)] } : {}),
    }
  }
  const servers = source.pveServerNames.flatMap(hostAliases)
  const datastores = facts?.kind === 'pbs' ? facts.datastores.map((d) => d.store) : []
  return { id: source.id, kind: 'pbs', hostnames: [...new Set([...own, ...servers])], datastores }
}

/** Echoed values come from the sender's own request; still, keep them short and plain. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)
}

/**
 * A backup job's run ends in a vzdump notification from PVE, but a backup to a `pbs` storage
 * is a new snapshot on that PBS: the PBS sources the matched clusters' storages write to are
 * refreshed with them, so what the notification announces is seen at once (and an alert about
 * the missing backup resolves on it, not at the next scheduled refresh).
 */
function withBackupTargets(
  sources: SourceNames[],
  match: SourceMatch,
  event: { type: TriggerType },
): SourceMatch {
  if (!match.ok || event.type !== 'vzdump') return match
  const servers = new Set(
    sources.filter((s) => match.sourceIds.includes(s.id)).flatMap((s) => s.pbsServers ?? []),
  )
  const targets = sources
    .filter((s) => s.kind === 'pbs' && s.hostnames.some((h) => servers.has(h)))
    .map((s) => s.id)
    .filter((id) => !match.sourceIds.includes(id))
  return targets.length === 0 ? match : { ...match, sourceIds: [...match.sourceIds, ...targets] }
}

export function matchSources(
  sources: SourceNames[],
  event: { type: TriggerType; hostname?: string; datastore?: string },
  requested: string | undefined,
): SourceMatch {
  return withBackupTargets(sources, matchSource(sources, event, requested), event)
}

function matchSource(
  sources: SourceNames[],
  event: { type: TriggerType; hostname?: string; datastore?: string },
  requested: string | undefined,
): SourceMatch {
  if (requested !== undefined) {
    return sources.some((s) => s.id === requested)
      ? { ok: true, sourceIds: [requested], by: 'source parameter' }
      : { ok: false, message: `No source ${quoted(requested)} is configured (source parameter)` }
  }
  const kind = sourceKindOf(event.type)
  const candidates = sources.filter((s) => s.kind === kind)
  const hostname = event.hostname?.toLowerCase()
  if (hostname) {
    const ids = candidates.filter((s) => s.hostnames.includes(hostname)).map((s) => s.id)
    if (ids.length > 0) return { ok: true, sourceIds: ids, by: 'hostname' }
  }
  const { datastore } = event
  if (datastore) {
    const ids = candidates.filter((s) => s.datastores.includes(datastore)).map((s) => s.id)
    if (ids.length > 0) return { ok: true, sourceIds: ids, by: 'datastore' }
  }
  const clues = [
    ...(event.hostname ? [`hostname ${quoted(event.hostname)}`] : []),
    ...(datastore ? [`datastore ${quoted(datastore)}`] : []),
  ]
  return {
    ok: false,
    message:
      `No configured ${kind.toUpperCase()} source matches this ${event.type} notification` +
      `${clues.length > 0 ? ` (${clues.join(', ')})` : ''}; add ?source=<id> to the webhook URL`,
  }
}

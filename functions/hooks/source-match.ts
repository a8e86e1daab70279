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
    return {
      id: source.id,
      kind: 'pve',
      hostnames: [...new Set([...nodes, ...own])],
      datastores: [],
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

export function matchSources(
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

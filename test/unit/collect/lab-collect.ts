// Runs the collectors straight against a running lab (no Worker, no KV): one source at a time,
// with its own request budget, as a queue message would.
import type { PbsFacts, PveFacts, SourceFacts } from '../../../functions/collect/facts.ts'
import { collectPbs } from '../../../functions/collect/pbs.ts'
import { collectPve } from '../../../functions/collect/pve.ts'
import type { SourceConfig } from '../../../functions/config.ts'
import { createRequestBudget } from '../../../functions/proxmox/budget.ts'
import { createProxmoxClient } from '../../../functions/proxmox/client.ts'
import { createLimiter } from '../../../functions/proxmox/limit.ts'
import { pveServerNames, workerSourceId } from '../../../scripts/lab-env.ts'
import type { RunningLab } from '../../lab/server.ts'

export function sourceConfigs(lab: RunningLab): SourceConfig[] {
  return lab.sources.map((s) => {
    const common = {
      id: workerSourceId(s.id),
      url: s.url,
      tokenId: s.tokenId,
      timeoutMs: 30_000,
      credentials: { tokenSecret: s.tokenSecret },
    }
    return s.kind === 'pve'
      ? { ...common, kind: 'pve' }
      : { ...common, kind: 'pbs', pveServerNames: pveServerNames(lab.model) }
  })
}

export interface CollectOptions {
  now: number
  previous?: SourceFacts
  continuation?: boolean
  budget?: number
}

export function collectSource(
  lab: RunningLab,
  source: SourceConfig,
  options: CollectOptions,
): Promise<SourceFacts> {
  const budget = createRequestBudget(options.budget ?? 1e9)
  const client = createProxmoxClient(source, { budget, limit: createLimiter() })
  const pbsNames = sourceConfigs(lab).flatMap((s) =>
    s.kind === 'pbs' ? [new URL(s.url).hostname, ...s.pveServerNames] : [],
  )
  if (source.kind === 'pve') {
    return collectPve({
      client,
      now: options.now,
      previous: options.previous as PveFacts | undefined,
      directPbsServers: new Set(pbsNames),
      continuation: options.continuation ?? false,
    })
  }
  const host = new URL(source.url).hostname
  return collectPbs({
    client,
    now: options.now,
    previous: options.previous as PbsFacts | undefined,
    host,
    serverNames: [host, ...source.pveServerNames],
    continuation: options.continuation ?? false,
  })
}

/** Every source, one after another; the lab's request count is per run of this. */
export async function collectAll(
  lab: RunningLab,
  options: { now: number; previous?: SourceFacts[] },
): Promise<SourceFacts[]> {
  const out: SourceFacts[] = []
  const sources = sourceConfigs(lab)
  for (const [i, source] of sources.entries()) {
    const previous = options.previous?.[i]
    out.push(
      await collectSource(lab, source, { now: options.now, ...(previous ? { previous } : {}) }),
    )
  }
  return out
}

/** The facts without the collection time, for comparing two collections. */
export function withoutTime(facts: SourceFacts): Omit<SourceFacts, 'collectedAt'> {
  const { collectedAt: _, ...rest } = facts
  return rest
}

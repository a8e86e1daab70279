// One source's collection within its time budget and its share of the subrequest budget. A
// failure of the source becomes a SourceError (its last good facts stay); nothing throws.
import type { SourceFacts } from '../collect/facts.ts'
import { collectPbs } from '../collect/pbs.ts'
import { collectPve } from '../collect/pve.ts'
import type { Config, PbsSourceConfig, SourceConfig } from '../config.ts'
import type { RequestBudget } from '../proxmox/budget.ts'
import { createProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError, ProxmoxError, type SourceError, toSourceError } from '../proxmox/errors.ts'
import type { Limiter } from '../proxmox/limit.ts'

/** A source that has not finished by then is reported as timed out; others go on. */
export const SOURCE_TIME_BUDGET_MS = 25_000

export type Outcome =
  | { ok: true; facts: SourceFacts }
  | { ok: false; error: SourceError }
  /** The budget ran out before a source with no stored facts could make its base calls. */
  | { ok: 'later' }

/** Every name a PBS server goes by: its URL host, then what PVE storages call it. */
function pbsServerNames(source: PbsSourceConfig): string[] {
  return [new URL(source.url).hostname, ...source.pveServerNames]
}

export function directPbsServers(config: Config): Set<string> {
  return new Set(config.sources.flatMap((s) => (s.kind === 'pbs' ? pbsServerNames(s) : [])))
}

function withTimeBudget<T>(work: Promise<T>, sourceId: string, budgetMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ProxmoxError('timeout', `${sourceId}: collection took longer than ${budgetMs} ms`),
        ),
      budgetMs,
    )
  })
  return Promise.race([work, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer)
  })
}

export interface CollectContext {
  now: number
  budget: RequestBudget
  limit: Limiter
  directPbsServers: ReadonlySet<string>
  timeBudgetMs: number
  fetch?: typeof fetch
  /** Fetch only the units the previous run deferred (see collect/trouble.ts). */
  continuation: boolean
  priorityNode?: string
  /**
   * Read again now what is otherwise re-read hourly: the token's permissions and (PBS) the
   * group comments. A manual refresh: someone who just fixed an ACL or a group's notes wants to
   * see it.
   */
  rereadHourly?: boolean
}

export async function collectSource(
  source: SourceConfig,
  previous: SourceFacts | null,
  ctx: CollectContext,
): Promise<Outcome> {
  const client = createProxmoxClient(source, {
    budget: ctx.budget,
    limit: ctx.limit,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  })
  try {
    const work =
      source.kind === 'pve'
        ? collectPve({
            client,
            now: ctx.now,
            previous: previous?.kind === 'pve' ? previous : undefined,
            directPbsServers: ctx.directPbsServers,
            continuation: ctx.continuation,
            ...(ctx.priorityNode ? { priorityNode: ctx.priorityNode } : {}),
            ...(ctx.rereadHourly ? { rereadHourly: true } : {}),
          })
        : collectPbs({
            client,
            now: ctx.now,
            previous: previous?.kind === 'pbs' ? previous : undefined,
            host: new URL(source.url).hostname,
            serverNames: pbsServerNames(source),
            continuation: ctx.continuation,
            ...(ctx.rereadHourly ? { rereadHourly: true } : {}),
          })
    return { ok: true, facts: await withTimeBudget<SourceFacts>(work, source.id, ctx.timeBudgetMs) }
  } catch (error) {
    // Not a failure: the next invocation starts it (with previous facts the collector defers
    // its base calls itself and keeps them).
    if (isProxmoxError(error) && error.kind === 'budget') return { ok: 'later' }
    return { ok: false, error: toSourceError(error, ctx.now) }
  }
}

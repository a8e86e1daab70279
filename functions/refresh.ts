// The only orchestrator: collect every source (bounded concurrency, a time budget per source,
// a subrequest budget per invocation) → normalize → store. A source that fails keeps its last
// good facts and is marked stale with the error, so a failed refresh never removes anything.
import type { SourceStatus, StoreError } from '../shared/schema/status.ts'
import type { PbsFacts, PveFacts, SourceFacts } from './collect/facts.ts'
import { collectPbs } from './collect/pbs.ts'
import { collectPve } from './collect/pve.ts'
import { type Config, type PbsSourceConfig, readConfig, type SourceConfig } from './config.ts'
import type { Env } from './env.ts'
import { normalizeGuests, toGuestSummary, warningsBySource } from './normalize/index.ts'
import { createRequestBudget, type RequestBudget } from './proxmox/budget.ts'
import { createProxmoxClient } from './proxmox/client.ts'
import { ProxmoxError, type SourceError, toSourceError } from './proxmox/errors.ts'
import { createLimiter, type Limiter } from './proxmox/limit.ts'
import {
  describeStoreFailure,
  readFacts,
  readIndex,
  readStatus,
  rememberStoreError,
  type StoredStatus,
  type WriteLog,
  writeFactsIfChanged,
  writeGuestsIfChanged,
  writeStatus,
} from './store/kv-store.ts'

/** A source that has not finished by then is reported as timed out; others go on. */
export const SOURCE_TIME_BUDGET_MS = 25_000

export interface RefreshOptions {
  now: number
  reason: string
  fetch?: typeof fetch
  /** Refresh only these sources; the others keep their stored facts. */
  sourceIds?: string[]
  subrequestBudget?: number
  /** Finish what the previous run deferred instead of starting over (queue continuations). */
  continuation?: boolean
  /**
   * A PVE node that just finished a backup (from a webhook): its per-node work is queued first,
   * so a tight subrequest budget defers other nodes' work instead of its own.
   */
  priorityNode?: string
  /** Per-source time budget; SOURCE_TIME_BUDGET_MS unless a test needs a short one. */
  sourceTimeBudgetMs?: number
}

export interface RefreshReport {
  sources: SourceStatus[]
  subrequests: number
  kvWrites: number
  kvDeletes: number
  guests: number
  /** Work units left for a continuation run. */
  deferred: number
  /** Why this refresh could not store all it collected in KV; the old data stays served. */
  storeError: string | null
}

type Outcome = { ok: true; facts: SourceFacts } | { ok: false; error: SourceError }

/** Every name a PBS server goes by: its URL host, then what PVE storages call it. */
function pbsServerNames(source: PbsSourceConfig): string[] {
  return [new URL(source.url).hostname, ...source.pveServerNames]
}

function directPbsServers(config: Config): Set<string> {
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

async function collectSource(
  source: SourceConfig,
  previous: SourceFacts | null,
  ctx: {
    now: number
    budget: RequestBudget
    limit: Limiter
    directPbsServers: ReadonlySet<string>
    timeBudgetMs: number
    fetch?: typeof fetch
    continuation?: boolean
    priorityNode?: string
  },
): Promise<Outcome> {
  const client = createProxmoxClient(source, {
    budget: ctx.budget,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
  })
  try {
    const work =
      source.kind === 'pve'
        ? collectPve({
            client,
            limit: ctx.limit,
            now: ctx.now,
            previous: previous?.kind === 'pve' ? previous : undefined,
            directPbsServers: ctx.directPbsServers,
            continuation: ctx.continuation ?? false,
            ...(ctx.priorityNode ? { priorityNode: ctx.priorityNode } : {}),
          })
        : collectPbs({
            client,
            limit: ctx.limit,
            now: ctx.now,
            previous: previous?.kind === 'pbs' ? previous : undefined,
            host: new URL(source.url).hostname,
            serverNames: pbsServerNames(source),
          })
    return { ok: true, facts: await withTimeBudget<SourceFacts>(work, source.id, ctx.timeBudgetMs) }
  } catch (error) {
    return { ok: false, error: toSourceError(error, ctx.now) }
  }
}

function countsOf(facts: SourceFacts | null) {
  if (!facts) return { guests: 0, backups: 0, snapshots: 0 }
  return facts.kind === 'pve'
    ? {
        guests: facts.guests.length,
        backups: facts.backups.length,
        snapshots: facts.snapshots.length,
      }
    : { guests: 0, backups: facts.snapshots.length, snapshots: 0 }
}

/** The status of a source no refresh has tried yet. */
export function neverRefreshed(source: SourceConfig): SourceStatus {
  return {
    id: source.id,
    kind: source.kind,
    ...(source.name ? { name: source.name } : {}),
    lastAttempt: null,
    lastSuccess: null,
    lastError: null,
    stale: false,
    warnings: [],
    deferred: 0,
    counts: { guests: 0, backups: 0, snapshots: 0 },
  }
}

function sourceStatus(
  source: SourceConfig,
  outcome: Outcome | undefined,
  facts: SourceFacts | null,
  previous: SourceStatus | undefined,
  now: number,
  /** What the normalizer skipped or could not place in this source's facts. */
  normalizeWarnings: readonly string[],
): SourceStatus {
  const base = {
    id: source.id,
    kind: source.kind,
    ...(source.name ? { name: source.name } : {}),
    counts: countsOf(facts),
  }
  if (!outcome) return previous ? { ...previous, ...base } : { ...neverRefreshed(source), ...base }
  if (outcome.ok) {
    return {
      ...base,
      lastAttempt: now,
      lastSuccess: now,
      lastError: null,
      stale: false,
      warnings: [...outcome.facts.warnings, ...normalizeWarnings],
      deferred: outcome.facts.deferred.length,
    }
  }
  return {
    ...base,
    lastAttempt: now,
    lastSuccess: previous?.lastSuccess ?? null,
    lastError: outcome.error,
    stale: true,
    // The facts still served are the last good ones: their warnings, not a guess.
    warnings: [...(facts?.warnings ?? []), ...normalizeWarnings],
    deferred: previous?.deferred ?? 0,
  }
}

export async function refresh(env: Env, options: RefreshOptions): Promise<RefreshReport> {
  const config = readConfig(env)
  const { now } = options
  const kv = env.PULSE_KV
  const [previousStatus, previousIndex, ...previousFacts] = await Promise.all([
    readStatus(kv),
    readIndex(kv),
    ...config.sources.map((s) => readFacts(kv, s.id)),
  ])
  const budget = createRequestBudget(options.subrequestBudget ?? config.refresh.subrequestBudget)
  const limit = createLimiter()
  const selected = new Set(options.sourceIds ?? config.sources.map((s) => s.id))
  const pbsServers = directPbsServers(config)

  const outcomes = await Promise.all(
    config.sources.map((source, i) =>
      selected.has(source.id)
        ? collectSource(source, previousFacts[i] ?? null, {
            directPbsServers: pbsServers,
            now,
            budget,
            limit,
            continuation: options.continuation ?? false,
            timeBudgetMs: options.sourceTimeBudgetMs ?? SOURCE_TIME_BUDGET_MS,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(options.priorityNode ? { priorityNode: options.priorityNode } : {}),
          })
        : Promise.resolve(undefined),
    ),
  )
  const facts = config.sources.map((_, i) => {
    const outcome = outcomes[i]
    return outcome?.ok ? outcome.facts : (previousFacts[i] ?? null)
  })
  // While PULSE_SOURCES has errors, a source missing from it may be a typo rather than a
  // removal: its last facts and status stay, so a bad config never blanks guests. A problem in
  // any other setting cannot drop a source, so it holds nothing.
  const configured = new Set(config.sources.map((s) => s.id))
  const held = config.sourcesIncomplete
    ? (previousStatus?.sources ?? []).filter((s) => !configured.has(s.id))
    : []
  const heldFacts = (await Promise.all(held.map((s) => readFacts(kv, s.id)))).filter(
    (f): f is SourceFacts => f !== null,
  )
  facts.push(...heldFacts)

  const clusterMaps = Object.fromEntries(
    config.sources.flatMap((s) => (s.kind === 'pbs' && s.clusterMap ? [[s.id, s.clusterMap]] : [])),
  )
  const normalized = normalizeGuests({
    pve: facts.filter((f): f is PveFacts => f?.kind === 'pve'),
    pbs: facts.filter((f): f is PbsFacts => f?.kind === 'pbs'),
    clusterMaps,
    now,
  })
  for (const warning of normalized.warnings) console.warn(`normalize: ${warning}`)

  const log: WriteLog = { writes: 0, deletes: 0 }
  const factsDigests: Record<string, string> = { ...(previousStatus?.factsDigests ?? {}) }
  // A KV write can fail (the Free plan's daily write limit, a rate limit): what is stored
  // stays as it was and keeps being served, and the failure is reported instead of thrown.
  let storeError: StoreError | null = null
  try {
    for (const outcome of outcomes) {
      if (!outcome?.ok) continue
      const id = outcome.facts.sourceId
      factsDigests[id] = await writeFactsIfChanged(kv, outcome.facts, factsDigests[id], log)
    }
    await writeGuestsIfChanged(
      kv,
      normalized.guests,
      {
        guests: normalized.guests.map(toGuestSummary),
        orphans: normalized.orphans,
        ambiguous: normalized.ambiguous,
      },
      previousIndex,
      log,
    )
  } catch (error) {
    storeError = { message: describeStoreFailure(error), at: now }
  }

  const previousById = new Map((previousStatus?.sources ?? []).map((s) => [s.id, s]))
  const normalizeWarnings = warningsBySource(normalized.warnings)
  const sources = [
    ...config.sources.map((source, i) =>
      sourceStatus(
        source,
        outcomes[i],
        facts[i] ?? null,
        previousById.get(source.id),
        now,
        normalizeWarnings.get(source.id) ?? [],
      ),
    ),
    ...held,
  ]
  for (const s of sources) {
    if (s.lastError && s.lastAttempt === now)
      console.warn(`refresh: ${s.id} failed: ${s.lastError.message}`)
  }
  const status: StoredStatus = {
    sources,
    factsDigests,
    lastRefresh: {
      startedAt: now,
      finishedAt: Math.floor(Date.now() / 1000),
      reason: options.reason,
      subrequests: budget.used,
      // The status write below is counted too.
      kvWrites: log.writes + 1,
    },
    storeError,
  }
  try {
    await writeStatus(kv, status, log)
    rememberStoreError(null)
  } catch (error) {
    storeError ??= { message: describeStoreFailure(error), at: now }
    rememberStoreError(storeError)
  }
  if (storeError) console.error(`refresh: ${storeError.message}; the previous data stays served`)
  return {
    sources,
    subrequests: budget.used,
    kvWrites: log.writes,
    kvDeletes: log.deletes,
    guests: normalized.guests.length,
    deferred: sources.reduce((sum, s) => sum + (s.lastAttempt === now ? s.deferred : 0), 0),
    storeError: storeError?.message ?? null,
  }
}

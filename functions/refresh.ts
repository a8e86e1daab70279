// One refresh pass, run by the coordinator (the only writer): collect the planned sources, each
// within its time budget and its share of this invocation's subrequest budget → store their
// facts → rebuild every guest from all sources' stored facts → publish what changed to the read
// cache → record status. A source that fails keeps its last good facts and is marked stale with
// the error, so a failed pass never removes anything; a cache write that fails is reported and
// the previous cache stays served.
import type { StoreError } from '../shared/schema/status.ts'
import type { PublishedData } from './alerts/run-views.ts'
import type { PbsFacts, PveFacts, SourceFacts } from './collect/facts.ts'
import { PBS_HEALTH_UNIT } from './collect/pbs-health.ts'
import { BASE_UNIT } from './collect/pve.ts'
import { readConfig } from './config.ts'
import type { StateStore, StoredStatus } from './coordinator/state.ts'
import type { Env } from './env.ts'
import { recordHistory } from './history/record.ts'
import { normalizeGuests, toGuestSummary, warningsBySource } from './normalize/index.ts'
import { createRequestBudget } from './proxmox/budget.ts'
import { createLimiter } from './proxmox/limit.ts'
import { budgetShares } from './refresh/budget-shares.ts'
import {
  collectSource,
  directPbsServers,
  type Outcome,
  SOURCE_TIME_BUDGET_MS,
} from './refresh/collect-source.ts'
import { tokenPermissions } from './refresh/missing-privileges.ts'
import { sourceStatus, withHeld } from './refresh/source-status.ts'
import { recordUsageSamples } from './refresh/usage-samples.ts'
import { describeStoreFailure, publishGuests, type WriteLog } from './store/read-cache.ts'

/** Free plan: 50 external subrequests per invocation; keep a margin for the unexpected. */
export const DEFAULT_SUBREQUEST_BUDGET = 45

export interface PassOptions {
  now: number
  reason: string
  /** Sources refreshed in full (deferred units first). */
  full: readonly string[]
  /** Sources that fetch only the units their previous pass deferred. */
  continuation?: readonly string[]
  subrequestBudget: number
  fetch?: typeof fetch
  /** A PVE node whose work goes first (it just finished a backup, says a webhook). */
  priorityNode?: string
  /** Per-source time budget; SOURCE_TIME_BUDGET_MS unless a test needs a short one. */
  sourceTimeBudgetMs?: number
  /** False: write no history (the benchmark's baseline); production always records it. */
  recordHistory?: boolean
  /**
   * False: leave the read cache as it is. Only the local replay of the lab's past (its passes
   * are superseded by the refresh that follows them at once); production always publishes.
   */
  publish?: boolean
  /** Benches: told as each phase of the pass ends (`PassPhase`), to time them. */
  onPhase?: (phase: PassPhase) => void
}

/** The phases of a pass, in order (the bench's breakdown of where its time goes). */
export type PassPhase =
  | 'read facts'
  | 'collect'
  | 'store'
  | 'normalize'
  | 'publish'
  | 'status'
  | 'history'

export interface RefreshReport {
  sources: StoredStatus['sources']
  /** Sources this pass refreshed. */
  refreshed: string[]
  subrequests: number
  kvWrites: number
  kvDeletes: number
  guests: number
  /** Work units left for a continuation pass. */
  deferred: number
  /** The same per source that answered (a failed source does not continue). */
  deferredBySource: Record<string, number>
  /** Why this pass could not store all it collected in the read cache; the old data stays. */
  storeError: string | null
  /** History rows this pass wrote (0 when it found nothing new): functions/history/. */
  historyRows: number
}

/** What a source is expected to need: its last known full cost, or its deferred units. */
function expectedNeed(
  id: string,
  continuation: boolean,
  previous: SourceFacts | null,
  status: StoredStatus,
): number | undefined {
  // A deferred unit may take several requests (a node's task list and its job logs), so a
  // continuation's need is not its unit count: it shares evenly with the others.
  if (continuation) return previous?.deferred.length === 0 ? 0 : undefined
  return status.needs?.[id]
}

/** PBS facts whose datastore usage this pass read (not deferred, not a continuation). */
function freshPbs(outcomes: ReadonlyMap<string, Outcome>, continuing: ReadonlySet<string>) {
  return [...outcomes].flatMap(([id, o]) =>
    o.ok === true &&
    o.facts.kind === 'pbs' &&
    !continuing.has(id) &&
    !o.facts.deferred.includes(BASE_UNIT) &&
    !o.facts.deferred.includes(PBS_HEALTH_UNIT)
      ? [o.facts]
      : [],
  )
}

/** PVE facts this pass collected in full: a continuation or a deferred base reads no usage. */
function freshPve(outcomes: ReadonlyMap<string, Outcome>, continuing: ReadonlySet<string>) {
  return [...outcomes].flatMap(([id, o]) =>
    o.ok === true &&
    o.facts.kind === 'pve' &&
    !continuing.has(id) &&
    !o.facts.deferred.includes(BASE_UNIT)
      ? [o.facts]
      : [],
  )
}

/** The report, and what the pass published for the alert engine to judge (not sent over RPC). */
export interface PassResult extends RefreshReport {
  published: PublishedData
}

export async function runRefreshPass(
  env: Env,
  state: StateStore,
  options: PassOptions,
): Promise<PassResult> {
  const config = readConfig(env)
  const { now } = options
  const previousStatus = state.readStatus()
  const configured = new Set(config.sources.map((s) => s.id))
  const continuing = new Set((options.continuation ?? []).filter((id) => configured.has(id)))
  const selected = new Set([...options.full.filter((id) => configured.has(id)), ...continuing])
  for (const id of options.full) continuing.delete(id)
  const sources = config.sources.filter((s) => selected.has(s.id))
  // Read once per pass (the store keeps them parsed between passes: the coordinator is the
  // only writer and holds the pass). Collectors get them as they are, not copies: they build
  // new facts and never change what they were given (test/unit/fuzz hands them frozen facts),
  // so what a failing collection touched never reaches what is served.
  const stored = new Map(state.allFacts().map(({ facts }) => [facts.sourceId, facts]))
  const previousFacts = new Map(sources.map((s) => [s.id, stored.get(s.id) ?? null]))

  options.onPhase?.('read facts')
  const shares = budgetShares(
    options.subrequestBudget,
    new Map(
      sources.map((s) => [
        s.id,
        expectedNeed(s.id, continuing.has(s.id), previousFacts.get(s.id) ?? null, previousStatus),
      ]),
    ),
  )
  const limit = createLimiter()
  const pbsServers = directPbsServers(config)
  // Someone who just fixed a token's ACL or a group's notes and asks for a refresh wants to see
  // it: what is otherwise re-read hourly is read again.
  const rereadHourly = options.reason.split(', ').includes('manual')
  const budgets = new Map(sources.map((s) => [s.id, createRequestBudget(shares.get(s.id) ?? 0)]))
  const seqs = new Map(sources.map((s) => [s.id, state.nextSeq()]))
  const outcomes = new Map<string, Outcome>(
    await Promise.all(
      sources.map(
        async (source) =>
          [
            source.id,
            await collectSource(source, previousFacts.get(source.id) ?? null, {
              now,
              budget: budgets.get(source.id) ?? createRequestBudget(0),
              limit,
              directPbsServers: pbsServers,
              timeBudgetMs: options.sourceTimeBudgetMs ?? SOURCE_TIME_BUDGET_MS,
              continuation: continuing.has(source.id),
              ...(rereadHourly ? { rereadHourly } : {}),
              ...(options.fetch ? { fetch: options.fetch } : {}),
              ...(options.priorityNode ? { priorityNode: options.priorityNode } : {}),
            }),
          ] as const,
      ),
    ),
  )

  options.onPhase?.('collect')
  // While the sources' configuration has errors, a source missing from it may be a typo rather
  // than a removal: its last facts and status stay, so a bad config never blanks guests. Once it
  // is valid, a source that is gone takes its facts with it.
  const holdMissing = config.sourcesIncomplete
  const held = holdMissing ? previousStatus.sources.filter((s) => !configured.has(s.id)) : []
  let usageSamples: ReturnType<typeof recordUsageSamples> = []
  const served = state.transaction(() => {
    for (const [id, outcome] of outcomes) {
      if (outcome.ok !== true) continue
      if (state.writeFacts(outcome.facts, seqs.get(id) ?? 0)) stored.set(id, outcome.facts)
      else {
        // Facts of a newer collection are stored: they are what is served.
        const newer = state.readFacts(id)?.facts
        if (newer) stored.set(id, newer)
      }
    }
    const all = [...stored.values()]
    if (!holdMissing) {
      for (const facts of all)
        if (!configured.has(facts.sourceId)) state.deleteFacts(facts.sourceId)
    }
    const keep = new Set([...configured, ...held.map((s) => s.id)])
    const kept = all.filter((facts) => keep.has(facts.sourceId))
    usageSamples = recordUsageSamples(
      state,
      freshPve(outcomes, continuing),
      kept.filter((f): f is PveFacts => f.kind === 'pve'),
      now,
      { freshPbs: freshPbs(outcomes, continuing), retentionDays: config.history.retentionDays },
    )
    return kept
  })
  options.onPhase?.('store')
  const factsById = new Map(served.map((f) => [f.sourceId, f]))

  const clusterMaps = Object.fromEntries(
    config.sources.flatMap((s) => (s.kind === 'pbs' && s.clusterMap ? [[s.id, s.clusterMap]] : [])),
  )
  const normalized = normalizeGuests({
    pve: served.filter((f): f is PveFacts => f.kind === 'pve'),
    pbs: served.filter((f): f is PbsFacts => f.kind === 'pbs'),
    clusterMaps,
    now,
    usageSamples,
    ...(config.missedGraceSeconds !== undefined
      ? { missedGraceSeconds: config.missedGraceSeconds }
      : {}),
  })
  options.onPhase?.('normalize')
  for (const warning of normalized.warnings) console.warn(`normalize: ${warning}`)

  const log: WriteLog = { writes: 0, deletes: 0 }
  let storeError: StoreError | null = null
  const summaries = normalized.guests.map(toGuestSummary)
  try {
    if (options.publish !== false)
      await publishGuests(
        env,
        {
          records: normalized.guests,
          index: {
            guests: summaries,
            orphans: normalized.orphans,
            ambiguous: normalized.ambiguous,
          },
          orphans: normalized.orphanRecords,
          jobs: normalized.jobs,
          storage: normalized.storage,
        },
        {
          digests: state.cacheDigests(),
          record: (key, digest) => state.setCacheDigest(key, digest),
        },
        log,
      )
  } catch (error) {
    storeError = { message: describeStoreFailure(error), at: now }
    console.error(`refresh: ${storeError.message}; the previous data stays served`)
  }

  options.onPhase?.('publish')
  const previousById = new Map(previousStatus.sources.map((s) => [s.id, s]))
  const normalizeWarnings = warningsBySource(normalized.warnings)
  const statuses = [
    ...config.sources.map((source) =>
      withHeld(
        sourceStatus(
          source,
          outcomes.get(source.id),
          factsById.get(source.id) ?? null,
          previousById.get(source.id),
          now,
          normalizeWarnings.get(source.id) ?? [],
          tokenPermissions(factsById.get(source.id) ?? null, source.tokenId, pbsServers),
        ),
        factsById.get(source.id) ?? null,
      ),
    ),
    ...held,
  ]
  for (const s of statuses) {
    if (s.lastError && s.lastAttempt === now)
      console.warn(`refresh: ${s.id} failed: ${s.lastError.message}`)
  }
  options.onPhase?.('status')
  const historyRows =
    options.recordHistory === false
      ? 0
      : recordHistory(state, {
          now,
          previousPass: previousStatus.lastRefresh?.startedAt ?? null,
          retentionDays: config.history.retentionDays,
          normalized,
          served,
          statuses,
        })
  options.onPhase?.('history')
  const subrequests = [...budgets.values()].reduce((sum, b) => sum + b.used, 0)
  const needs = { ...previousStatus.needs }
  for (const [id, outcome] of outcomes) {
    // A full pass that finished tells what the source costs; a continuation says nothing new.
    if (outcome.ok === true && !continuing.has(id)) {
      needs[id] = (budgets.get(id)?.used ?? 0) + outcome.facts.deferred.length
    }
  }
  const left = statuses.reduce((sum, s) => sum + s.deferred, 0)
  const round = previousStatus.progress
  const status: StoredStatus = {
    sources: statuses,
    lastRefresh: {
      startedAt: now,
      finishedAt: Math.floor(Date.now() / 1000),
      reason: options.reason,
      subrequests,
      kvWrites: log.writes,
    },
    storeError,
    progress:
      left === 0
        ? null
        : {
            since: round?.since ?? now,
            passes: (round?.passes ?? 0) + 1,
            done: (round?.done ?? 0) + subrequests,
            left,
          },
    needs,
  }
  state.writeStatus(status)
  // Only a source that answered can continue: a failing one waits for the next trigger.
  const deferredBySource = Object.fromEntries(
    [...outcomes].flatMap(([id, o]) =>
      o.ok === true ? [[id, o.facts.deferred.length]] : o.ok === 'later' ? [[id, 1]] : [],
    ),
  )
  return {
    sources: statuses,
    refreshed: sources.map((s) => s.id),
    subrequests,
    kvWrites: log.writes,
    kvDeletes: log.deletes,
    guests: normalized.guests.length,
    deferred: Object.values(deferredBySource).reduce((sum, n) => sum + n, 0),
    deferredBySource,
    storeError: storeError?.message ?? null,
    published: {
      guests: summaries,
      orphans: normalized.orphans,
      jobs: normalized.jobs,
      storage: normalized.storage,
      sources: statuses,
    },
    historyRows,
  }
}

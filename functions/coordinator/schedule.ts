// Which refreshes run when: a pure state machine the coordinator keeps in its storage. Per source:
//   - idle → a trigger queues a refresh ("started");
//   - a refresh is queued → every further trigger joins it ("coalesced");
//   - a refresh is running → the first trigger queues exactly one follow-up ("follow-up"),
//     because the running one may already have read past what the trigger announces; later
//     triggers join that follow-up;
//   - a webhook trigger within the minimum interval after the last webhook-started refresh of an
//     idle source is "coalesced" into nothing: the next trigger after the interval, or the
//     schedule, picks the change up.
// A pass takes every queued source (full refresh, deferred units first) and every source with
// deferred work left (a continuation that fetches only those units); at most one pass runs at a
// time, so no source is ever refreshed twice at once.
import * as z from 'zod'

const SourceScheduleSchema = z.object({
  /** A full refresh is queued. */
  pending: z.boolean(),
  /** A webhook with a minimum interval asked for the pending refresh (it opens an interval). */
  pendingByHook: z.boolean(),
  running: z.boolean(),
  /** Work units the budget deferred are left: the next pass continues with them. */
  continuation: z.boolean(),
  /** Why the pending refresh was asked for, oldest first, each once. */
  reasons: z.array(z.string()),
  /** A PVE node whose work goes first in the pending refresh (a webhook named it). */
  priorityNode: z.string().optional(),
  /** When the last webhook-started refresh of this source began (epoch seconds). */
  hookWindowStart: z.int().nullable(),
})

export const ScheduleSchema = z.object({
  sources: z.record(z.string(), SourceScheduleSchema),
})
export type Schedule = z.infer<typeof ScheduleSchema>
type SourceSchedule = z.infer<typeof SourceScheduleSchema>

export const EMPTY_SCHEDULE: Schedule = { sources: {} }

export type TriggerOutcome = 'started' | 'follow-up' | 'coalesced'

export interface Decision {
  outcome: TriggerOutcome
  reason: string
}

export interface TriggerRequest {
  reason: string
  now: number
  /** Webhooks only: least seconds between webhook-started refreshes of one source. */
  minIntervalSeconds?: number
  priorityNode?: string
}

const idle = (): SourceSchedule => ({
  pending: false,
  pendingByHook: false,
  running: false,
  continuation: false,
  reasons: [],
  hookWindowStart: null,
})

function queue(state: SourceSchedule, request: TriggerRequest): SourceSchedule {
  return {
    ...state,
    pending: true,
    pendingByHook: state.pendingByHook || (request.minIntervalSeconds ?? 0) > 0,
    reasons: state.reasons.includes(request.reason)
      ? state.reasons
      : [...state.reasons, request.reason],
    ...(request.priorityNode ? { priorityNode: request.priorityNode } : {}),
  }
}

/** Records a trigger for `sourceIds`; returns the new schedule and what happens per source. */
export function requestRefresh(
  schedule: Schedule,
  sourceIds: readonly string[],
  request: TriggerRequest,
): { schedule: Schedule; decisions: Record<string, Decision> } {
  const sources = { ...schedule.sources }
  const decisions: Record<string, Decision> = {}
  for (const id of new Set(sourceIds)) {
    const state = sources[id] ?? idle()
    if (state.pending) {
      sources[id] = queue(state, request)
      decisions[id] = {
        outcome: 'coalesced',
        reason: state.running
          ? 'joined the follow-up refresh already queued'
          : 'joined the refresh already queued',
      }
    } else if (state.running) {
      sources[id] = queue(state, request)
      decisions[id] = {
        outcome: 'follow-up',
        reason: 'a refresh is running; one more follows when it ends',
      }
    } else {
      const interval = request.minIntervalSeconds ?? 0
      const since =
        state.hookWindowStart === null
          ? Number.POSITIVE_INFINITY
          : request.now - state.hookWindowStart
      const wait = Math.ceil(interval - since)
      if (request.minIntervalSeconds !== undefined && wait > 0) {
        decisions[id] = {
          outcome: 'coalesced',
          reason: `a refresh started less than ${interval} s ago; the next trigger after ${wait} s or the schedule picks this up`,
        }
      } else {
        sources[id] = queue(state, request)
        decisions[id] = { outcome: 'started', reason: 'refresh started' }
      }
    }
  }
  return { schedule: { sources }, decisions }
}

export interface PassPlan {
  /** Sources refreshed in full (their deferred units first). */
  full: string[]
  /** Sources that only continue their deferred units. */
  continuation: string[]
  reason: string
  priorityNode?: string
}

/** Starts a pass over every queued source and every source with deferred work. */
export function beginPass(
  schedule: Schedule,
  now: number,
): { schedule: Schedule; plan: PassPlan | null } {
  const sources = { ...schedule.sources }
  const full: string[] = []
  const continuation: string[] = []
  const reasons: string[] = []
  let priorityNode: string | undefined
  for (const [id, state] of Object.entries(schedule.sources)) {
    if (state.running) continue
    if (state.pending) {
      full.push(id)
      for (const r of state.reasons) if (!reasons.includes(r)) reasons.push(r)
      priorityNode = state.priorityNode ?? priorityNode
      sources[id] = {
        ...state,
        pending: false,
        pendingByHook: false,
        running: true,
        reasons: [],
        hookWindowStart: state.pendingByHook ? now : state.hookWindowStart,
      }
      delete sources[id].priorityNode
    } else if (state.continuation) {
      continuation.push(id)
      sources[id] = { ...state, running: true }
    }
  }
  if (full.length === 0 && continuation.length === 0) return { schedule, plan: null }
  if (continuation.length > 0) reasons.push('continuation')
  return {
    schedule: { sources },
    plan: {
      full,
      continuation,
      reason: reasons.join(', '),
      ...(priorityNode ? { priorityNode } : {}),
    },
  }
}

/** Ends the pass: `deferred` holds each refreshed source's work units left. */
export function endPass(
  schedule: Schedule,
  plan: PassPlan,
  deferred: Readonly<Record<string, number>>,
): Schedule {
  const sources = { ...schedule.sources }
  for (const id of [...plan.full, ...plan.continuation]) {
    const state = sources[id]
    if (!state) continue
    sources[id] = { ...state, running: false, continuation: (deferred[id] ?? 0) > 0 }
  }
  return { sources }
}

/** True when a pass has something to do. */
export function hasWork(schedule: Schedule): boolean {
  return Object.values(schedule.sources).some((s) => !s.running && (s.pending || s.continuation))
}

/**
 * After a restart nothing is running: a pass the restart interrupted is queued again, and
 * sources no longer configured are forgotten.
 */
export function recoverSchedule(schedule: Schedule, configured: readonly string[]): Schedule {
  const keep = new Set(configured)
  const sources: Schedule['sources'] = {}
  for (const [id, state] of Object.entries(schedule.sources)) {
    if (!keep.has(id)) continue
    sources[id] = state.running ? { ...state, running: false, pending: true } : state
  }
  return { sources }
}

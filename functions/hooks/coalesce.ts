// Turns bursts of refresh triggers into few refreshes, per key (source id), inside one isolate:
//   - idle, and the last run started at least `minIntervalSeconds` ago → a run starts;
//   - idle but inside the interval → coalesced: nothing runs (the next trigger after the
//     interval, or the cron, picks the change up);
//   - a run is going → one follow-up run is queued for when it ends, because the running one may
//     already have read past what the new trigger announces; every further trigger joins it;
//   - a follow-up is running inside the interval → coalesced into it.
// So a key sees at most one run plus one follow-up per interval, however many triggers arrive.
//
// One trigger's keys run together in one run, and runs execute one at a time: a run is one
// refresh(), which reads and rewrites the whole status, so two at once would lose one's update,
// and one invocation must not spend the subrequest budget twice.
//
// Across isolates the caller passes when another isolate last started a run (a KV record);
// KV is eventually consistent, so that part is best-effort: two locations hit within about a
// minute may each run once.

export type TriggerOutcome = 'started' | 'follow-up' | 'coalesced'

export interface KeyDecision {
  outcome: TriggerOutcome
  reason: string
}

export interface TriggerResult {
  decisions: Record<string, KeyDecision>
  /** Settles when every run this trigger started or joined has finished (for waitUntil). */
  done: Promise<void>
}

export interface RunRequest<T> {
  keys: string[]
  /** The payloads of every trigger folded into this run, by key, oldest first. */
  payloads: Map<string, T[]>
  /** Keys this run follows up inside their interval (for logs and the refresh reason). */
  followUps: string[]
}

export interface TriggerOptions {
  minIntervalSeconds: number
  /** When another isolate last started a run of each key (epoch seconds), if known. */
  lastRunElsewhere?: Record<string, number | null>
}

export interface Coalescer<T> {
  trigger(keys: string[], payload: T, options: TriggerOptions): TriggerResult
  /** Runs started per key since the isolate started (or the last reset). */
  runsStarted(): Record<string, number>
  /** Forgets all state; for tests, between cases, when nothing runs. */
  reset(): void
}

interface Run<T> {
  keys: string[]
  payloads: Map<string, T[]>
  /** Keys that were running when this run was queued. */
  after: Set<string>
  done: Promise<void>
}

interface KeyState<T> {
  current: Run<T> | null
  currentIsFollowUp: boolean
  /** Queued, not begun: later triggers join it instead of queueing another. */
  queued: Run<T> | null
  windowStart: number
  minInterval: number
}

const noop = () => {}

export function createCoalescer<T>(
  execute: (request: RunRequest<T>) => Promise<void>,
  clock: () => number = () => Date.now() / 1000,
): Coalescer<T> {
  let states = new Map<string, KeyState<T>>()
  let started: Record<string, number> = {}
  let tail: Promise<void> = Promise.resolve()

  const stateOf = (key: string): KeyState<T> => {
    let state = states.get(key)
    if (!state) {
      state = {
        current: null,
        currentIsFollowUp: false,
        queued: null,
        windowStart: Number.NEGATIVE_INFINITY,
        minInterval: 0,
      }
      states.set(key, state)
    }
    return state
  }

  const exclusive = (work: () => Promise<void>): Promise<void> => {
    const run = tail.then(work).then(noop, noop)
    tail = run
    return run
  }

  const begin = (run: Run<T>): Promise<void> => {
    const now = clock()
    const followUps: string[] = []
    for (const key of run.keys) {
      const state = stateOf(key)
      if (state.queued === run) state.queued = null
      const followUp = run.after.has(key) && now - state.windowStart < state.minInterval
      // A follow-up that starts after the interval is an ordinary run: it opens a new one.
      if (followUp) followUps.push(key)
      else state.windowStart = now
      state.current = run
      state.currentIsFollowUp = followUp
      started[key] = (started[key] ?? 0) + 1
    }
    return exclusive(() => execute({ keys: run.keys, payloads: run.payloads, followUps })).then(
      () => {
        for (const key of run.keys) {
          const state = stateOf(key)
          if (state.current === run) state.current = null
        }
      },
    )
  }

  return {
    trigger(keys, payload, options) {
      const now = clock()
      const decisions: Record<string, KeyDecision> = {}
      const joined: Promise<void>[] = []
      const fresh: string[] = []
      const after = new Set<string>()
      const waitFor: Promise<void>[] = []
      for (const key of new Set(keys)) {
        const state = stateOf(key)
        state.minInterval = options.minIntervalSeconds
        if (state.queued) {
          state.queued.payloads.get(key)?.push(payload)
          joined.push(state.queued.done)
          decisions[key] = { outcome: 'coalesced', reason: 'joined the refresh already queued' }
        } else if (state.current) {
          if (state.currentIsFollowUp && now - state.windowStart < state.minInterval) {
            joined.push(state.current.done)
            decisions[key] = {
              outcome: 'coalesced',
              reason: 'a follow-up refresh is running and the minimum interval has not passed',
            }
          } else {
            fresh.push(key)
            after.add(key)
            waitFor.push(state.current.done)
            decisions[key] = {
              outcome: 'follow-up',
              reason: 'a refresh is running; one more follows when it ends',
            }
          }
        } else {
          const last = Math.max(state.windowStart, options.lastRunElsewhere?.[key] ?? -Infinity)
          const wait = Math.ceil(state.minInterval - (now - last))
          if (wait > 0) {
            decisions[key] = {
              outcome: 'coalesced',
              reason: `a refresh started less than ${state.minInterval} s ago; the next trigger after ${wait} s or the schedule picks this up`,
            }
          } else {
            fresh.push(key)
            decisions[key] = { outcome: 'started', reason: 'refresh started' }
          }
        }
      }
      if (fresh.length > 0) {
        const run: Run<T> = {
          keys: fresh,
          payloads: new Map(fresh.map((key) => [key, [payload]])),
          after,
          done: Promise.resolve(),
        }
        for (const key of fresh) stateOf(key).queued = run
        run.done = Promise.all(waitFor).then(() => begin(run))
        joined.push(run.done)
      }
      return { decisions, done: Promise.all(joined).then(noop) }
    },
    runsStarted: () => ({ ...started }),
    reset() {
      states = new Map()
      started = {}
      tail = Promise.resolve()
    },
  }
}

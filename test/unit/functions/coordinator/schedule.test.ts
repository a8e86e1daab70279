// The coordinator's schedule over random interleavings of triggers and pass starts and ends:
// no source is ever refreshed twice at once, every trigger it accepted is followed by a refresh
// of that source that starts after it, and each refresh answers exactly one "started" or
// "follow-up" (so a burst during a refresh adds exactly one follow-up).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  beginPass,
  EMPTY_SCHEDULE,
  endPass,
  hasWork,
  type PassPlan,
  recoverSchedule,
  requestRefresh,
  type Schedule,
} from '../../../../functions/coordinator/schedule.ts'

const SOURCES = ['homelab', 'office', 'pbs'] as const

type Step =
  | { kind: 'trigger'; sources: string[]; hookInterval: number | null }
  | { kind: 'begin' }
  | { kind: 'end'; deferred: number[] }
  | { kind: 'tick'; seconds: number }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('trigger' as const),
    sources: fc.subarray([...SOURCES], { minLength: 1 }),
    hookInterval: fc.option(fc.constantFrom(0, 60), { nil: null }),
  }),
  fc.constant({ kind: 'begin' as const }),
  fc.record({
    kind: fc.constant('end' as const),
    deferred: fc.array(fc.constantFrom(0, 0, 3), { minLength: 3, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 1, max: 120 }) }),
)

interface Run {
  schedule: Schedule
  now: number
  passes: PassPlan[]
  running: PassPlan | null
  /** Per source: event numbers of accepted triggers not yet followed by a full refresh. */
  owed: Map<string, number[]>
  answered: Map<string, number>
  fullPasses: Map<string, number>
}

function apply(run: Run, s: Step, at: number): void {
  if (s.kind === 'tick') {
    run.now += s.seconds
    return
  }
  if (s.kind === 'trigger') {
    const { schedule, decisions } = requestRefresh(run.schedule, s.sources, {
      reason: 'test',
      now: run.now,
      ...(s.hookInterval !== null ? { minIntervalSeconds: s.hookInterval } : {}),
    })
    run.schedule = schedule
    for (const id of s.sources) {
      const decision = decisions[id]
      expect(decision).toBeDefined()
      if (decision?.outcome === 'started' || decision?.outcome === 'follow-up') {
        run.answered.set(id, (run.answered.get(id) ?? 0) + 1)
      }
      // "coalesced" into a queued refresh is owed too; coalesced by the interval is not.
      if (decision && !decision.reason.startsWith('a refresh started less than')) {
        run.owed.set(id, [...(run.owed.get(id) ?? []), at])
      }
    }
    return
  }
  if (s.kind === 'begin') {
    // One pass at a time: the coordinator waits for the running one.
    if (run.running) return
    const before = run.schedule
    const { schedule, plan } = beginPass(run.schedule, run.now)
    run.schedule = schedule
    if (!plan) return
    for (const id of [...plan.full, ...plan.continuation]) {
      // Never a source that is already being refreshed.
      expect(before.sources[id]?.running).toBe(false)
      expect(schedule.sources[id]?.running).toBe(true)
    }
    for (const id of plan.full) {
      run.fullPasses.set(id, (run.fullPasses.get(id) ?? 0) + 1)
      run.owed.set(id, [])
    }
    run.running = plan
    run.passes.push(plan)
    return
  }
  if (!run.running) return
  const deferred = Object.fromEntries(SOURCES.map((id, i) => [id, s.deferred[i] ?? 0]))
  run.schedule = endPass(run.schedule, run.running, deferred)
  run.running = null
}

function drain(run: Run): void {
  if (run.running) apply(run, { kind: 'end', deferred: [0, 0, 0] }, -1)
  for (let i = 0; i < 100 && hasWork(run.schedule); i++) {
    apply(run, { kind: 'begin' }, -1)
    apply(run, { kind: 'end', deferred: [0, 0, 0] }, -1)
  }
  expect(hasWork(run.schedule)).toBe(false)
}

describe('the coordinator schedule', () => {
  it('over random interleavings: one refresh per source at a time, every trigger served, one follow-up per burst', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const run: Run = {
          schedule: EMPTY_SCHEDULE,
          now: 1_000_000,
          passes: [],
          running: null,
          owed: new Map(),
          answered: new Map(),
          fullPasses: new Map(),
        }
        steps.forEach((s, i) => {
          apply(run, s, i)
        })
        drain(run)
        for (const id of SOURCES) {
          // Every accepted trigger was followed by a full refresh that began after it.
          expect(run.owed.get(id) ?? []).toEqual([])
          // Each full refresh is the answer to exactly one started / follow-up decision.
          expect(run.fullPasses.get(id) ?? 0).toBe(run.answered.get(id) ?? 0)
        }
      }),
      { numRuns: 500, seed: 20261201 },
    )
  })

  it('answers a burst during a refresh with one follow-up and joins the rest to it', () => {
    let schedule = requestRefresh(EMPTY_SCHEDULE, ['homelab'], { reason: 'a', now: 1 }).schedule
    schedule = beginPass(schedule, 1).schedule
    const outcomes: string[] = []
    for (let i = 0; i < 20; i++) {
      const result = requestRefresh(schedule, ['homelab'], { reason: 'hook', now: 2 })
      schedule = result.schedule
      outcomes.push(result.decisions.homelab?.outcome ?? '')
    }
    expect(outcomes).toEqual(['follow-up', ...Array(19).fill('coalesced')])
  })

  it('folds a webhook inside the minimum interval away, but never a cron or manual trigger', () => {
    let schedule = requestRefresh(EMPTY_SCHEDULE, ['pbs'], {
      reason: 'hook',
      now: 100,
      minIntervalSeconds: 60,
    }).schedule
    const { schedule: begun, plan } = beginPass(schedule, 100)
    schedule = endPass(begun, plan as PassPlan, {})
    const hook = requestRefresh(schedule, ['pbs'], {
      reason: 'hook',
      now: 130,
      minIntervalSeconds: 60,
    })
    expect(hook.decisions.pbs?.outcome).toBe('coalesced')
    expect(hasWork(hook.schedule)).toBe(false)
    const cron = requestRefresh(schedule, ['pbs'], { reason: 'schedule', now: 130 })
    expect(cron.decisions.pbs?.outcome).toBe('started')
    const later = requestRefresh(schedule, ['pbs'], {
      reason: 'hook',
      now: 161,
      minIntervalSeconds: 60,
    })
    expect(later.decisions.pbs?.outcome).toBe('started')
  })

  it('continues deferred work, and queues again a pass a restart interrupted', () => {
    let schedule = requestRefresh(EMPTY_SCHEDULE, ['homelab', 'office'], {
      reason: 'x',
      now: 1,
    }).schedule
    const first = beginPass(schedule, 1)
    schedule = endPass(first.schedule, first.plan as PassPlan, { homelab: 12, office: 0 })
    const next = beginPass(schedule, 2)
    expect(next.plan).toMatchObject({ full: [], continuation: ['homelab'] })
    // The object stopped during that pass; the new instance redoes it in full.
    const recovered = recoverSchedule(next.schedule, ['homelab', 'office'])
    expect(beginPass(recovered, 3).plan).toMatchObject({ full: ['homelab'], continuation: [] })
    // A source no longer configured is forgotten.
    expect(Object.keys(recoverSchedule(next.schedule, ['office']).sources)).toEqual(['office'])
  })
})

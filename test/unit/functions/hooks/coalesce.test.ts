// The coalescer with a hand-driven clock and runs that finish when the test says so: bursts,
// follow-ups, the minimum interval, other isolates' runs, and one run at a time.
import { describe, expect, it } from 'vitest'
import { createCoalescer, type RunRequest } from '../../../../functions/hooks/coalesce.ts'

function harness() {
  let now = 1_000
  const runs: { request: RunRequest<string>; finish: () => void }[] = []
  let active = 0
  let peak = 0
  const coalescer = createCoalescer<string>(
    (request) =>
      new Promise<void>((resolve) => {
        active += 1
        peak = Math.max(peak, active)
        runs.push({
          request,
          finish: () => {
            active -= 1
            resolve()
          },
        })
      }),
    () => now,
  )
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
  return {
    coalescer,
    runs,
    peak: () => peak,
    advance: (seconds: number) => {
      now += seconds
    },
    settle,
    /** Finishes the newest run and lets the next one begin. */
    async finishRun(index: number) {
      runs[index]?.finish()
      await settle()
    },
  }
}

const interval = { minIntervalSeconds: 60 }

describe('createCoalescer', () => {
  it('turns 20 triggers during a run into one run and one follow-up', async () => {
    const h = harness()
    const first = h.coalescer.trigger(['homelab'], 'pve1', interval)
    await h.settle()
    const burst = Array.from({ length: 19 }, (_, i) =>
      h.coalescer.trigger(['homelab'], `pve${i}`, interval),
    )
    const outcomes = [first, ...burst].map((r) => r.decisions.homelab?.outcome)
    expect(outcomes.filter((o) => o === 'started')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'follow-up')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(18)
    await h.finishRun(0)
    expect(h.runs).toHaveLength(2)
    // The follow-up carries every payload folded into it, oldest first.
    expect(h.runs[1]?.request.payloads.get('homelab')).toHaveLength(19)
    expect(h.runs[1]?.request.followUps).toEqual(['homelab'])
    await h.finishRun(1)
    await Promise.all([first, ...burst].map((r) => r.done))
    expect(h.coalescer.runsStarted()).toEqual({ homelab: 2 })
  })

  it('coalesces a trigger during a follow-up inside the interval, and one after it starts a run', async () => {
    const h = harness()
    h.coalescer.trigger(['homelab'], 'a', interval)
    await h.settle()
    h.coalescer.trigger(['homelab'], 'b', interval)
    await h.finishRun(0)
    h.advance(10)
    expect(h.coalescer.trigger(['homelab'], 'c', interval).decisions.homelab?.outcome).toBe(
      'coalesced',
    )
    await h.finishRun(1)
    expect(h.coalescer.trigger(['homelab'], 'd', interval).decisions.homelab).toMatchObject({
      outcome: 'coalesced',
      reason: expect.stringContaining('50 s'),
    })
    h.advance(50)
    expect(h.coalescer.trigger(['homelab'], 'e', interval).decisions.homelab?.outcome).toBe(
      'started',
    )
    await h.settle()
    expect(h.runs).toHaveLength(3)
  })

  it('respects a run another isolate started recently', async () => {
    const h = harness()
    const result = h.coalescer.trigger(['homelab'], 'a', {
      minIntervalSeconds: 60,
      lastRunElsewhere: { homelab: 1_000 - 59 },
    })
    expect(result.decisions.homelab?.outcome).toBe('coalesced')
    const later = h.coalescer.trigger(['homelab'], 'a', {
      minIntervalSeconds: 60,
      lastRunElsewhere: { homelab: 1_000 - 60 },
    })
    expect(later.decisions.homelab?.outcome).toBe('started')
  })

  it('runs one trigger’s sources together, and runs one at a time across sources', async () => {
    const h = harness()
    h.coalescer.trigger(['homelab'], 'a', interval)
    await h.settle()
    const both = h.coalescer.trigger(['homelab', 'pbs'], 'b', interval)
    expect(both.decisions.homelab?.outcome).toBe('follow-up')
    expect(both.decisions.pbs?.outcome).toBe('started')
    // pbs is queued behind homelab's run; a pbs trigger now joins that queued run.
    expect(h.coalescer.trigger(['pbs'], 'c', interval).decisions.pbs?.outcome).toBe('coalesced')
    await h.finishRun(0)
    expect(h.runs.map((r) => r.request.keys)).toEqual([['homelab'], ['homelab', 'pbs']])
    const office = h.coalescer.trigger(['office'], 'd', interval)
    await h.settle()
    // office waits for the homelab+pbs run to finish before it begins.
    expect(h.runs).toHaveLength(2)
    await h.finishRun(1)
    expect(h.runs).toHaveLength(3)
    await h.finishRun(2)
    await Promise.all([both.done, office.done])
    expect(h.peak()).toBe(1)
  })

  it('with no minimum interval, runs again once the previous run is over', async () => {
    const h = harness()
    const none = { minIntervalSeconds: 0 }
    h.coalescer.trigger(['homelab'], 'a', none)
    await h.settle()
    await h.finishRun(0)
    expect(h.coalescer.trigger(['homelab'], 'b', none).decisions.homelab?.outcome).toBe('started')
  })

  it('keeps going after a run fails', async () => {
    let calls = 0
    const coalescer = createCoalescer<string>(async () => {
      calls += 1
      throw new Error('boom')
    })
    await coalescer.trigger(['homelab'], 'a', { minIntervalSeconds: 0 }).done
    await coalescer.trigger(['homelab'], 'b', { minIntervalSeconds: 0 }).done
    expect(calls).toBe(2)
  })
})

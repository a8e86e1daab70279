// Convergence through the coordinator itself: the `large` lab at the Free plan's budget of 45
// requests per invocation reaches "nothing left" within ⌈minimum ÷ 45⌉ × 1.2 invocations (each
// pass one invocation, the budget shared between the sources that still have work), what is
// left never grows, and the guests then equal those of one unbudgeted refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { benchCoordinator } from '../../../bench/coordinator.ts'
import { createMemoryKv } from '../../../bench/memory-kv.ts'
import { minimumRequests } from '../../../bench/minimum.ts'
import type { Env } from '../../../functions/env.ts'
import { labWorkerVars } from '../../../scripts/lab-env.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'

let lab: RunningLab

beforeAll(async () => {
  lab = await startLab({ preset: 'large', seed: 3 })
})
afterAll(async () => {
  await lab.close()
})

function envWith(budget: number) {
  const kv = createMemoryKv()
  const env = {
    ...labWorkerVars(lab.model, lab.sources, { PULSE_SUBREQUEST_BUDGET: String(budget) }),
    PULSE_KV: kv.namespace,
  } as unknown as Env
  return { env, kv }
}

describe('the coordinator at budget 45', () => {
  it('converges within 1.2 × ⌈minimum ÷ 45⌉ invocations to the guests of one unbudgeted refresh', async () => {
    const now = lab.model.now
    const whole = envWith(1_000_000)
    await benchCoordinator(whole.env).refresh({ now })

    const tight = envWith(45)
    const coordinator = benchCoordinator(tight.env)
    const lefts: number[] = []
    const first = await coordinator.refresh({ now })
    lefts.push(first.deferred)
    let invocations = 1
    while (invocations < 200) {
      const progress = coordinator.state.readStatus().progress
      if (!progress) break
      const passes = await coordinator.converge(1, { now })
      if (passes === 0) break
      invocations += 1
      lefts.push(coordinator.state.readStatus().progress?.left ?? 0)
    }
    const fewest = Math.ceil(minimumRequests(lab.model, false) / 45)
    expect(coordinator.state.readStatus().progress).toBeNull()
    expect(invocations).toBeLessThanOrEqual(Math.ceil(fewest * 1.2))
    // After the first invocation (which learns what exists), what is left only shrinks.
    for (let i = 2; i < lefts.length; i++) expect(lefts[i]).toBeLessThanOrEqual(lefts[i - 1] ?? 0)
    expect([...tight.kv.data.keys()].sort()).toEqual([...whole.kv.data.keys()].sort())
    for (const [key, value] of whole.kv.data) expect(tight.kv.data.get(key), key).toBe(value)
  }, 180_000)
})

// The coordinator's core over memory, for benches in Node: the same passes, schedule and budget
// sharing as the Durable Object, with the alarm replaced by an explicit loop.
import { CoordinatorCore, type PassOverrides } from '../functions/coordinator/core.ts'
import { createMemoryState } from '../functions/coordinator/memory-state.ts'
import { hasWork } from '../functions/coordinator/schedule.ts'
import type { Env } from '../functions/env.ts'
import type { RefreshReport } from '../functions/refresh.ts'

export function benchCoordinator(env: Env) {
  const state = createMemoryState()
  const core = new CoordinatorCore(state, () => {})
  return {
    state,
    core,
    /** One invocation: queue a refresh of every source and run one pass. */
    async refresh(overrides: PassOverrides = {}): Promise<RefreshReport> {
      const report = await core.refreshNow(env, { reason: 'bench' }, overrides)
      if (!report) throw new Error('nothing to refresh')
      return report
    },
    /** Further invocations (alarms) until nothing is left; how many it took. */
    async converge(limit: number, overrides: PassOverrides = {}): Promise<number> {
      let passes = 0
      while (hasWork(state.readSchedule()) && passes < limit) {
        await core.runPass(env, overrides)
        passes += 1
      }
      return passes
    },
  }
}

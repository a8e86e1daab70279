// Convergence under the Free plan's subrequest budget: each source of the `large` preset is
// collected with a fresh budget of 45 per invocation (one source per invocation, as with a
// queue message per source): first a normal run, then continuations. A continuation makes no
// cluster-wide call, fetches only what was deferred, and leaves a subset of it deferred; the
// last one leaves nothing, within ⌈calls the data needs ÷ 45⌉ + 2 invocations (the slack: a
// continuation that lists a node's tasks and is cut short in its job logs lists them again
// next time, and a running job's log is read again), and the facts are those of one
// unbudgeted run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { minimumRequests } from '../../../bench/minimum.ts'
import type { SourceFacts } from '../../../functions/collect/facts.ts'
import { isProxmoxError } from '../../../functions/proxmox/errors.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { collectSource, sourceConfigs, withoutTime } from './lab-collect.ts'

const BUDGET = 45
const SLACK = 2

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'large', seed: 1, now: NOW })
})
afterAll(() => lab.close())

/** What one unbudgeted cold collection of the source costs (its share of the minimum). */
async function coldCost(index: number): Promise<{ facts: SourceFacts; calls: number }> {
  const source = sourceConfigs(lab)[index]
  if (!source) throw new Error('no source')
  lab.resetCounts()
  const facts = await collectSource(lab, source, { now: NOW })
  return { facts, calls: lab.requestCounts().total }
}

describe('collection under a budget of 45 per invocation, preset large', () => {
  it('the per-source costs add up to the minimum (plus its named extra)', async () => {
    let total = 0
    for (const i of sourceConfigs(lab).keys()) total += (await coldCost(i)).calls
    expect(total).toBe(minimumRequests(lab.model, false) + 1)
    // Three cold collections of the large preset: more than the default 5 s on a busy machine.
  }, 60_000)

  for (const [index, labSource] of ['pve/homelab', 'pve/office', 'pbs/pbs'].entries()) {
    it(`converges for ${labSource}: deferred shrinks to [] and the facts match an unbudgeted run`, async () => {
      const source = sourceConfigs(lab)[index]
      if (!source) throw new Error('no source')
      const { facts: unbudgeted, calls } = await coldCost(index)
      const limit = Math.ceil(calls / BUDGET) + SLACK
      let facts = await collectSource(lab, source, { now: NOW, budget: BUDGET })
      let invocations = 1
      const trail = [facts.deferred.length]
      while (facts.deferred.length > 0 && invocations < limit + 5) {
        const before = facts.deferred
        lab.resetCounts()
        facts = await collectSource(lab, source, {
          now: NOW,
          previous: facts,
          continuation: true,
          budget: BUDGET,
        })
        invocations += 1
        trail.push(facts.deferred.length)
        const counts = Object.keys(lab.requestCounts().byEndpoint)
        // No base call: nothing cluster-wide, no datastore or namespace list. (The job
        // schedules' runs are a unit of their own, `schedules`, asked under /cluster/jobs.)
        expect(
          counts.filter((k) =>
            /GET \/(cluster(?!\/jobs\/schedule-analyze$)|storage$|admin\/datastore(\/\{store\}\/namespace)?$)/.test(
              k.split(' ').slice(1).join(' '),
            ),
          ),
        ).toEqual([])
        expect(lab.requestCounts().total).toBeLessThanOrEqual(BUDGET)
        // Monotonic: what is left is a subset of what was left.
        expect(facts.deferred.filter((u) => !before.includes(u))).toEqual([])
        expect(facts.deferred.length).toBeLessThanOrEqual(before.length)
      }
      console.log(
        `${labSource}: ${calls} calls unbudgeted, ${invocations} invocations at ${BUDGET} (limit ${limit}); deferred ${trail.join(' → ')}`,
      )
      expect(facts.deferred).toEqual([])
      expect(invocations).toBeLessThanOrEqual(limit)
      expect(withoutTime(facts)).toEqual(withoutTime(unbudgeted))
    }, 60_000)
  }

  it('defers the base, keeping the previous facts, when the budget ends before it', async () => {
    const [pve, , pbs] = sourceConfigs(lab)
    if (!pve || !pbs) throw new Error('no source')
    for (const source of [pve, pbs]) {
      const previous = await collectSource(lab, source, { now: NOW })
      const cut = await collectSource(lab, source, { now: NOW + 60, previous, budget: 2 })
      expect(cut.deferred).toEqual(['base'])
      expect({ ...cut, deferred: [] }).toEqual(previous)
      // A continuation of a deferred base is a normal run.
      const next = await collectSource(lab, source, {
        now: NOW + 120,
        previous: cut,
        continuation: true,
      })
      expect(withoutTime(next)).toEqual(withoutTime(previous))
      // Without previous facts there is nothing to keep: the budget error is the answer.
      const error = await collectSource(lab, source, { now: NOW, budget: 2 }).catch((e) => e)
      expect(isProxmoxError(error) && error.kind === 'budget').toBe(true)
    }
  }, 60_000)
})

// One unbudgeted collection of the lab costs what the data needs: bench/minimum.ts derives
// that from the lab model (plus the extras it names), cold (nothing known) and steady.
import { afterAll, describe, expect, it } from 'vitest'
import { collectionExtras, expectedRequests, minimumRequests } from '../../../bench/minimum.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { collectAll } from './lab-collect.ts'

const labs: RunningLab[] = []
afterAll(() => Promise.all(labs.map((lab) => lab.close())))

describe.each(['demo', 'large'] as const)('requests of one collection, preset %s', (preset) => {
  it('cold and steady equal the minimum plus the named extras', async () => {
    const lab = await startLab({ preset, seed: 1, now: NOW })
    labs.push(lab)
    lab.resetCounts()
    const cold = await collectAll(lab, { now: NOW })
    const coldCount = lab.requestCounts()
    for (const facts of cold) expect(facts.deferred).toEqual([])
    lab.resetCounts()
    const steady = await collectAll(lab, { now: NOW + 60, previous: cold })
    const steadyCount = lab.requestCounts()
    const report = {
      cold: coldCount.total,
      coldMinimum: minimumRequests(lab.model, false),
      coldExtras: collectionExtras(lab.model, false),
      steady: steadyCount.total,
      steadyMinimum: minimumRequests(lab.model, true),
      steadyExtras: collectionExtras(lab.model, true),
    }
    console.log(`${preset}: ${JSON.stringify(report)}`)
    if (process.env.SHOW_COUNTS) console.log(coldCount.byEndpoint, steadyCount.byEndpoint)
    expect(coldCount.total, JSON.stringify(coldCount.byEndpoint, null, 1)).toBe(
      expectedRequests(lab.model, false),
    )
    expect(steadyCount.total, JSON.stringify(steadyCount.byEndpoint, null, 1)).toBe(
      expectedRequests(lab.model, true),
    )
    // Nothing changed upstream: the steady facts are the cold ones.
    expect(steady.map(({ collectedAt: _, ...f }) => f)).toEqual(
      cold.map(({ collectedAt: _, ...f }) => f),
    )
  }, 60_000)
})

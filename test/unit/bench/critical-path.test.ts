// The bench's critical path (bench/critical-path.ts) is the bound the refresh's wall time is
// judged by, so it must be right: the fewest rounds a request graph needs through a fixed number
// of connections, never fewer than its longest chain or ⌈requests ÷ connections⌉.
import { describe, expect, it } from 'vitest'
import { criticalPath } from '../../../bench/critical-path.ts'
import { expectedRequests, type GraphRequest, requestGraph } from '../../../bench/minimum.ts'
import { generateLab } from '../../lab/generate.ts'
import { NOW } from '../../lab/test-helpers.ts'

function graphOf(edges: number[][]): GraphRequest[] {
  return edges.map((after, id) => ({ id, what: `r${id}`, after }))
}

/** A chain of `length` requests, each after the one before. */
const chain = (start: number, length: number) =>
  Array.from({ length }, (_, i) => (i === 0 ? [] : [start + i - 1]))

describe('criticalPath', () => {
  it('is the throughput bound when the chains are short', () => {
    // 15 independent requests, 2 connections: 8 rounds.
    const path = criticalPath(graphOf(Array.from({ length: 15 }, () => [])), 2)
    expect(path).toMatchObject({ rounds: 8, chain: 1, throughput: 8, optimal: true })
  })

  it('is the longest chain when it is longer than the throughput bound', () => {
    // A chain of 6 beside 3 independent requests, 3 connections: the chain decides.
    const path = criticalPath(graphOf([...chain(0, 6), [], [], []]), 3)
    expect(path).toMatchObject({ rounds: 6, chain: 6, throughput: 3, optimal: true })
  })

  it('starts the long chain first, so it does not run alone at the end', () => {
    // A chain of 4 queued after 6 independent requests, 2 connections: 5 rounds, not 3 + 4.
    const path = criticalPath(graphOf([[], [], [], [], [], [], ...chain(6, 4)]), 2)
    expect(path.rounds).toBe(5)
    expect(path.optimal).toBe(true)
  })

  it('follows dependencies: nothing starts before what it needs', () => {
    // Two roots, then 4 requests each needing both: 1 + 2 rounds through 2 connections.
    const path = criticalPath(graphOf([[], [], [0, 1], [0, 1], [0, 1], [0, 1]]), 2)
    expect(path.rounds).toBe(3)
  })

  it('covers exactly the requests one collection of the lab makes', () => {
    for (const preset of ['demo', 'large'] as const) {
      const model = generateLab({ preset, seed: 1, now: NOW })
      for (const steady of [false, true]) {
        const graph = requestGraph(model, steady)
        expect(graph).toHaveLength(expectedRequests(model, steady))
        for (const r of graph) for (const d of r.after) expect(d).toBeLessThan(r.id)
        const path = criticalPath(graph, 6)
        expect(path.rounds).toBeGreaterThanOrEqual(Math.max(path.chain, path.throughput))
      }
    }
  })

  it('of some sources (a webhook refresh) holds their requests and no other source’s', () => {
    const model = generateLab({ preset: 'large', seed: 1, now: NOW })
    const whole = requestGraph(model, true)
    const hook = requestGraph(model, true, new Set(['homelab', 'pbs']))
    const rest = requestGraph(model, true, new Set(['office']))
    expect(hook.length + rest.length).toBe(whole.length)
    expect(hook.some((r) => r.what.startsWith('pve/homelab '))).toBe(true)
    expect(hook.some((r) => r.what.startsWith('pbs/pbs '))).toBe(true)
    expect(hook.filter((r) => r.what.startsWith('pve/office '))).toEqual([])
    for (const r of hook) for (const d of r.after) expect(d).toBeLessThan(r.id)
  })
})

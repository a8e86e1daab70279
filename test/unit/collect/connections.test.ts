// One refresh of every source keeps to the 6 connections a Worker invocation may have open
// (the cluster-wide base calls included: they used to go around the limiter, 16 at once), and
// its dependent chains do not wait at the back of the queue: a node's job logs are read one
// after another, so queued behind 800 snapshot lists they ran alone at the end with the other
// connections idle. Order, not time, is asserted: which requests started before which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { benchCoordinator } from '../../../bench/coordinator.ts'
import { createMemoryKv } from '../../../bench/memory-kv.ts'
import type { Env } from '../../../functions/env.ts'
import { MAX_CONCURRENT_REQUESTS } from '../../../functions/proxmox/limit.ts'
import { labWorkerVars } from '../../../scripts/lab-env.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'

let lab: RunningLab

beforeAll(async () => {
  // A little latency, so requests overlap as they do upstream.
  lab = await startLab({ preset: 'large', seed: 1, latencyMs: 2 })
})
afterAll(async () => {
  await lab.close()
})

describe('one refresh of the large lab', () => {
  it('never has more than 6 requests open, and reads the job logs and PBS listings early', async () => {
    const env = {
      ...labWorkerVars(lab.model, lab.sources, { PULSE_SUBREQUEST_BUDGET: '1000000' }),
      PULSE_KV: createMemoryKv().namespace,
    } as unknown as Env
    let open = 0
    let peak = 0
    const started: string[] = []
    const counting: typeof fetch = async (input, init) => {
      open += 1
      peak = Math.max(peak, open)
      started.push(new URL(String(input)).pathname)
      try {
        const response = await fetch(input, init)
        return new Response(await response.arrayBuffer(), {
          status: response.status,
          headers: response.headers,
        })
      } finally {
        open -= 1
      }
    }
    const report = await benchCoordinator(env).refresh({ now: lab.model.now, fetch: counting })
    expect(report.deferred).toBe(0)
    expect(peak).toBeLessThanOrEqual(MAX_CONCURRENT_REQUESTS)
    expect(peak).toBe(MAX_CONCURRENT_REQUESTS)

    const snapshotLists = started.flatMap((path, i) =>
      /\/nodes\/[^/]+\/(qemu|lxc)\/\d+\/snapshot$/.test(path) ? [i] : [],
    )
    const logs = started.flatMap((path, i) => (/\/tasks\/[^/]+\/log$/.test(path) ? [i] : []))
    const pbsListings = started.flatMap((path, i) =>
      /\/admin\/datastore\/[^/]+\/snapshots$/.test(path) ? [i] : [],
    )
    expect(snapshotLists.length).toBeGreaterThan(700)
    expect(logs.length).toBeGreaterThan(100)
    expect(pbsListings.length).toBeGreaterThan(0)
    // Every chain of logs is done while most snapshot lists still wait; the PBS listings (the
    // longest answers) start before them too. FIFO put both after all 800.
    const half = snapshotLists[Math.floor(snapshotLists.length / 2)] ?? 0
    expect(Math.max(...logs)).toBeLessThan(half)
    expect(Math.max(...pbsListings)).toBeLessThan(half)
  }, 60_000)
})

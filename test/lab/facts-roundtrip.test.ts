// The SQLite store keeps the facts it writes as the parse of its row (sqlite-state.ts), so
// what a pass collects must be exactly what reading the row back would give: the same value
// after JSON and the facts schema, with no key the schema drops and no undefined field. On
// every preset's collection, cold and steady (a pass that starts from stored facts).
import { describe, expect, it } from 'vitest'
import { benchCoordinator } from '../../bench/coordinator.ts'
import { createMemoryKv } from '../../bench/memory-kv.ts'
import { parseStoredFacts } from '../../functions/coordinator/facts-codec.ts'
import type { Env } from '../../functions/env.ts'
import { labWorkerVars } from '../../scripts/lab-env.ts'
import { startLab } from './server.ts'

describe('collected facts read back from storage unchanged', () => {
  it.each(['demo', 'tiny'] as const)('%s preset, cold and steady', async (preset) => {
    const lab = await startLab({ preset, seed: 3 })
    try {
      const env = {
        ...labWorkerVars(lab.model, lab.sources, { PULSE_SUBREQUEST_BUDGET: '1000000' }),
        PULSE_KV: createMemoryKv().namespace,
      } as unknown as Env
      const coordinator = benchCoordinator(env)
      for (const now of [lab.model.now, lab.model.now + 60]) {
        await coordinator.refresh({ now })
        const stored = coordinator.state.allFacts()
        expect(stored.map((s) => s.facts.sourceId).sort()).toEqual(
          lab.sources.map((s) => s.id.split('/').at(-1)).sort(),
        )
        for (const { facts } of stored) {
          expect(parseStoredFacts(JSON.stringify(facts), facts.sourceId)).toStrictEqual(facts)
        }
      }
    } finally {
      await lab.close()
    }
  })
})

// The memory store keeps alert state as the SQLite one does (the same contract runs against
// the Durable Object's SQLite in test/coordinator/alerts.test.ts).
import { describe, it } from 'vitest'
import { createMemoryState } from '../../../../functions/coordinator/memory-state.ts'
import { checkAlertStore } from './alert-store-contract.ts'

describe('memory state store', () => {
  it('keeps alert records, outboxes, deliveries, the capped log and counters; all or nothing', () => {
    checkAlertStore(createMemoryState())
  })
})

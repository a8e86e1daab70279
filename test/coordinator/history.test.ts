// History in the real coordinator Durable Object over SQLite, refreshed from the lab: the pass
// records what it sees, and a steady refresh writes no history row — the count is the sum of
// the cursors' rowsWritten of every history statement the pass ran.
import { runInDurableObject } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Coordinator } from '../../functions/coordinator/durable-object.ts'
import { createSqliteState } from '../../functions/coordinator/sqlite-state.ts'
import type { RefreshReport } from '../../functions/refresh.ts'
import { GuestHistoryResponseSchema } from '../../shared/schema/history.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { clearFaults, coordinatorStub, json } from './helpers.ts'

async function refreshInObject(): Promise<RefreshReport> {
  const report = await runInDurableObject(coordinatorStub(), (instance: Coordinator) =>
    instance.refreshNow({ reason: 'test' }),
  )
  if (!report) throw new Error('nothing refreshed')
  return report
}

const size = () =>
  runInDurableObject(coordinatorStub(), (_instance, state) =>
    createSqliteState(state.storage).historySize(),
  )

let first: RefreshReport

beforeAll(async () => {
  await clearFaults()
  first = await refreshInObject()
})

describe('history in the coordinator', () => {
  it('records the backups, runs and samples of the first refresh', async () => {
    expect(first.historyRows).toBeGreaterThan(0)
    const held = await size()
    expect(held.backups).toBeGreaterThan(0)
    expect(held.runs).toBeGreaterThan(0)
    expect(held.usageSamples).toBeGreaterThan(0)
    const index = GuestIndexSchema.parse(await json('/api/guests'))
    const guest = index.guests.find((g) => g.latestTimes.pve !== null && g.latestTimes.pbs !== null)
    expect(guest).toBeDefined()
    const history = GuestHistoryResponseSchema.parse(
      await json(`/api/history/guests/${guest?.cluster}/${guest?.guestId}`),
    )
    expect(history.backups.some((b) => b.kind === 'pve' && b.time === guest?.latestTimes.pve)).toBe(
      true,
    )
    expect(history.backups.some((b) => b.kind === 'pbs' && b.time === guest?.latestTimes.pbs)).toBe(
      true,
    )
  })

  it('writes no history row on a steady refresh (rowsWritten of every statement: 0)', async () => {
    // The first refreshes may still read older job logs (new finished runs); then it settles.
    const reports: number[] = []
    for (let i = 0; i < 6; i++) {
      const report = await refreshInObject()
      reports.push(report.historyRows)
      if (report.historyRows === 0 && reports.length >= 2) break
    }
    expect(reports.at(-1)).toBe(0)
    const before = await size()
    const again = await refreshInObject()
    expect(again.historyRows).toBe(0)
    expect(await size()).toEqual(before)
  })
})

// Partial faults inside a source and configuration errors (missing permissions:
// storage-permissions.test.ts). Whole-source
// faults (offline, 401, 500, timeouts, bad JSON, KV write failure) are the fault matrix:
// fault-matrix.test.ts, printed as a table by `npm run faults`.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { StorageIndexSchema } from '../../shared/schema/storage.ts'
import { call, clearFaults, labEnv, labModel, setFaults } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const { now, facts } = labModel()
const g = facts.designGuest
const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })

let tick = now

async function snapshot() {
  const index = GuestIndexSchema.parse(await (await call(testEnv, '/api/guests')).json())
  const status = StatusSchema.parse(await (await call(testEnv, '/api/status')).json())
  const design = index.guests.find((x) => x.key === `${g.cluster}/${g.vmid}`)
  return { index, status, design }
}

async function refreshOnce() {
  tick += 60
  return refresh(testEnv, { now: tick, reason: 'test', subrequestBudget: 1000 })
}

beforeAll(async () => {
  await clearFaults()
  await refreshOnce()
  expect((await snapshot()).index.guests.length).toBeGreaterThan(30)
})

afterEach(clearFaults)

describe('partial faults inside a source', () => {
  it('keeps the archives of an offline node and says the node is offline', async () => {
    const m = facts.migratedGuest
    const before = GuestRecordSchema.parse(
      await (await call(testEnv, `/api/guests/${m.cluster}/${m.vmid}`)).json(),
    )
    await setFaults([{ kind: 'node-offline', source: `pve/${m.cluster}`, node: m.previousNode }])
    await refreshOnce()
    const after = GuestRecordSchema.parse(
      await (await call(testEnv, `/api/guests/${m.cluster}/${m.vmid}`)).json(),
    )
    expect(after.latestTimes).toEqual(before.latestTimes)
    expect(after.counts).toEqual(before.counts)
    const status = (await snapshot()).status.sources.find((s) => s.id === m.cluster)
    expect(status?.warnings).toContain(`node ${m.previousNode} is offline`)
    expect(status?.stale).toBe(false)
  })

  it('keeps PBS data of a datastore in offline maintenance, held with why and since when', async () => {
    await setFaults([
      {
        kind: 'datastore-unavailable',
        source: 'pbs/pbs',
        datastore: g.pbsDatastore,
        message: 'disk swap',
      },
    ])
    const since = tick + 60
    await refreshOnce()
    await refreshOnce()
    const during = await snapshot()
    expect(during.design?.latestTimes.pbs).toBe(g.pbsBackupTime)
    const pbs = during.status.sources.find((s) => s.id === 'pbs')
    // Was: a warning from the failing listing. Now nothing is asked of the store (PBS said
    // "offline"), and the status says it is held, since its first pass in that mode.
    expect(pbs?.held).toContainEqual({
      unit: `datastore:${g.pbsDatastore}`,
      reason: 'offline maintenance: disk swap',
      since,
    })
    const storage = StorageIndexSchema.parse(await (await call(testEnv, '/api/storage')).json())
    expect(storage.datastores.find((d) => d.store === g.pbsDatastore)).toMatchObject({
      maintenance: { type: 'offline', message: 'disk swap', since },
      held: { reason: 'offline maintenance: disk swap', since },
    })
    await clearFaults()
    await refreshOnce()
    const after = (await snapshot()).status.sources.find((s) => s.id === 'pbs')
    expect(after?.held?.map((h) => h.unit)).not.toContain(`datastore:${g.pbsDatastore}`)
  })
})

describe('configuration errors', () => {
  it('names the bad field in /api/status without echoing any value', async () => {
    const secret = 'do-not-print-me-0000'
    const badEnv = labEnv({
      PULSE_SOURCES: JSON.stringify([
        { id: 'Bad Id', kind: 'pve', url: 'https://pve.example.com', tokenId: 'a@pve!t' },
        { id: 'ok', kind: 'pve', url: `not a url ${secret}`, tokenId: 'a@pve!t' },
        { id: 'nosecret', kind: 'pbs', url: 'https://pbs.example.com', tokenId: 'a@pbs!t' },
      ]),
    })
    const response = await call(badEnv, '/api/status')
    const text = await response.text()
    const status = StatusSchema.parse(JSON.parse(text))
    expect(status.configIssues.map((i) => i.field)).toEqual([
      'PULSE_SOURCES[0].id',
      'PULSE_SOURCES[1].url',
      'PULSE_TOKEN_NOSECRET',
    ])
    expect(text).not.toContain(secret)
  })

  it('says PULSE_SOURCES is not valid JSON without quoting it', async () => {
    const response = await call(
      labEnv({ PULSE_SOURCES: '[{"id": "x", token: "hunter2"' }),
      '/api/status',
    )
    const text = await response.text()
    expect(StatusSchema.parse(JSON.parse(text)).configIssues).toEqual([
      { field: 'PULSE_SOURCES', message: 'is not valid JSON' },
    ])
    expect(text).not.toContain('hunter2')
  })
})

// A broken configuration must not blank the dashboard: a source that drops out of PULSE_SOURCES
// because its entry became invalid keeps its guests until the configuration is valid again.
import { describe, expect, it } from 'vitest'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const { now, facts } = labModel()
const good = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const sources = JSON.parse(good.PULSE_SOURCES ?? '[]') as {
  id: string
  url: string
  clusterMap?: { namespaces?: Record<string, string> }
}[]

async function guestKeys(env = good) {
  return GuestIndexSchema.parse(await (await call(env, '/api/guests')).json()).guests.map(
    (g) => g.key,
  )
}

describe('a configuration error', () => {
  it('keeps the guests of a source whose entry became invalid, and drops them once it is removed', async () => {
    await refresh(good, { now, reason: 'test', subrequestBudget: 1000 })
    const before = await guestKeys()
    const office = before.filter((k) => k.startsWith('office/'))
    expect(office.length).toBeGreaterThan(5)

    // A typo in the office entry: that source is left out of the configuration.
    const typo = labEnv({
      PULSE_SUBREQUEST_BUDGET: '1000',
      PULSE_SOURCES: JSON.stringify(
        sources.map((s) => (s.id === 'office' ? { ...s, url: 'htps:/office' } : s)),
      ),
    })
    await refresh(typo, { now: now + 60, reason: 'test', subrequestBudget: 1000 })
    expect(await guestKeys(typo)).toEqual(before)
    const status = StatusSchema.parse(await (await call(typo, '/api/status')).json())
    expect(status.configIssues.map((i) => i.field)).toContain('PULSE_SOURCES[1].url')
    const g = facts.designGuest
    expect(await guestKeys(typo)).toContain(`${g.cluster}/${g.vmid}`)

    // A valid configuration without office means office was removed on purpose.
    const removed = labEnv({
      PULSE_SUBREQUEST_BUDGET: '1000',
      PULSE_SOURCES: JSON.stringify(
        sources
          .filter((s) => s.id !== 'office')
          .map((s) => {
            const namespaces = Object.entries(s.clusterMap?.namespaces ?? {}).filter(
              ([, cluster]) => cluster !== 'office',
            )
            return s.clusterMap
              ? {
                  ...s,
                  clusterMap: { ...s.clusterMap, namespaces: Object.fromEntries(namespaces) },
                }
              : s
          }),
      ),
    })
    const removedStatus = StatusSchema.parse(await (await call(removed, '/api/status')).json())
    expect(removedStatus.configIssues).toEqual([])
    await refresh(removed, { now: now + 120, reason: 'test', subrequestBudget: 1000 })
    const after = await guestKeys(removed)
    expect(after.filter((k) => k.startsWith('office/'))).toEqual([])
    expect(after.filter((k) => k.startsWith('homelab/')).length).toBeGreaterThan(5)
  })
})

describe('a configuration issue outside PULSE_SOURCES', () => {
  it('does not keep a removed source: a badge typo holds no guests', async () => {
    const pve = sources.filter((s) => s.id === 'homelab' || s.id === 'office')
    const two = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', PULSE_SOURCES: JSON.stringify(pve) })
    await refresh(two, { now: now + 600, reason: 'test', subrequestBudget: 1000 })
    const before = await guestKeys(two)
    expect(before.filter((k) => k.startsWith('office/')).length).toBeGreaterThan(5)
    expect(before.filter((k) => k.startsWith('homelab/')).length).toBeGreaterThan(5)

    // office removed on purpose, and an unrelated typo in a badge setting.
    const removed = labEnv({
      PULSE_SUBREQUEST_BUDGET: '1000',
      PULSE_SOURCES: JSON.stringify(pve.filter((s) => s.id !== 'office')),
      PULSE_BADGE_SHOW_NAMES: 'yes',
    })
    const status = StatusSchema.parse(await (await call(removed, '/api/status')).json())
    expect(status.configIssues.map((i) => i.field)).toEqual(['PULSE_BADGE_SHOW_NAMES'])
    await refresh(removed, { now: now + 660, reason: 'test', subrequestBudget: 1000 })
    const after = await guestKeys(removed)
    expect(after.filter((k) => k.startsWith('office/'))).toEqual([])
    expect(after.filter((k) => k.startsWith('homelab/')).length).toBeGreaterThan(5)
    const refreshed = StatusSchema.parse(await (await call(removed, '/api/status')).json())
    expect(refreshed.sources.map((s) => s.id)).toEqual(['homelab'])
  })
})

// What the evaluation says is not watched, and why: every excluded subject with the reason the
// rules excluded it by, in one stable order (the Alerts view lists it as "Not watched").
import { describe, expect, it } from 'vitest'
import { evaluate } from '../../../../functions/alerts/evaluate.ts'
import { DEFAULT_ALERT_RULES } from '../../../../functions/config/alert-rules.ts'
import {
  agedGuest,
  datastore,
  input,
  NOW,
  orphan,
  pbsJob,
  pveJob,
  rules,
  storage,
} from './builders.ts'

const old = (guestId: number, overrides: Parameters<typeof agedGuest>[1] = {}) =>
  agedGuest(100, { guestId, guestName: `vm${guestId}`, ...overrides })

describe('the excluded subjects of an evaluation', () => {
  it('lists each excluded guest and disabled job with its reason, and no watched one', () => {
    const guests = [
      old(101, { tags: ['prod', 'Pulse-Ignore'] }),
      old(102, { template: true }),
      old(103, { status: 'stopped' }),
      old(104, { pbsGroupComments: ['parked: No-Monitor until spring'] }),
      old(105),
    ]
    const jobs = {
      pve: [pveJob({ key: 'pve-a/weekly-off', id: 'weekly-off', enabled: false }), pveJob()],
      pbs: [],
    }
    const { excluded, subjects } = evaluate(input({ guests, jobs }), DEFAULT_ALERT_RULES, NOW)
    expect(excluded).toEqual([
      {
        kind: 'guest',
        key: 'pve-a/101',
        name: 'vm101 (VM 101, cluster pve-a)',
        reason: 'tag pulse-ignore',
      },
      {
        kind: 'guest',
        key: 'pve-a/102',
        name: 'vm102 (VM 102, cluster pve-a)',
        reason: 'template',
      },
      { kind: 'guest', key: 'pve-a/103', name: 'vm103 (VM 103, cluster pve-a)', reason: 'stopped' },
      {
        kind: 'guest',
        key: 'pve-a/104',
        name: 'vm104 (VM 104, cluster pve-a)',
        reason: 'PBS group comment "no-monitor"',
      },
      {
        kind: 'job',
        key: 'pve-a/weekly-off',
        name: 'backup job weekly-off, cluster pve-a',
        reason: 'job disabled',
      },
    ])
    // The watched ones are subjects too, but not excluded.
    expect(subjects['guest:pve-a/105']).toBe('watched')
    expect(subjects['job:pve-a/backup-nightly']).toBe('watched')
  })

  it('names the guest, cluster, pool and store an exclusion lists, and orphans by theirs', () => {
    const config = rules({
      exclude: {
        guests: ['pve-a/101'],
        pools: ['lab'],
        clusters: ['pve-b'],
        stores: ['pbs-main/store1'],
      },
      rules: { 'orphan-new': { enabled: true } },
    })
    const data = input({
      guests: [
        old(101),
        old(102, { pool: 'lab' }),
        old(103, { key: 'pve-b/103', cluster: 'pve-b' }),
      ],
      orphans: [
        orphan({ key: 'pve-b/201', cluster: 'pve-b', guestId: 201 }),
        orphan({ key: 'pve-a/202', guestId: 202, pbsGroupComments: ['no-monitor'] }),
        orphan({ key: 'pve-a/203', guestId: 203 }),
      ],
      jobs: { pve: [], pbs: [pbsJob()] },
      storage: { storages: [storage()], datastores: [datastore()] },
    })
    const reasons = evaluate(data, config, NOW).excluded.map(
      (s) => `${s.kind}:${s.key} ${s.reason}`,
    )
    expect(reasons).toEqual([
      'datastore:pbs-main/store1 excluded store pbs-main/store1',
      'guest:pve-a/101 excluded guest',
      'guest:pve-a/102 excluded pool lab',
      'guest:pve-b/103 excluded cluster pve-b',
      'orphan:pve-a/202 PBS group comment "no-monitor"',
      'orphan:pve-b/201 excluded cluster pve-b',
      'pbs-job:pbs-main/verify/v-1 excluded store pbs-main/store1',
    ])
  })

  it('is the same list in the same order whatever order the data came in', () => {
    const guests = [old(103, { template: true }), old(101, { template: true }), old(102)]
    const once = evaluate(input({ guests }), DEFAULT_ALERT_RULES, NOW).excluded
    const reversed = evaluate(input({ guests: [...guests].reverse() }), DEFAULT_ALERT_RULES, NOW)
    expect(once.map((s) => s.key)).toEqual(['pve-a/101', 'pve-a/103'])
    expect(reversed.excluded).toEqual(once)
  })
})

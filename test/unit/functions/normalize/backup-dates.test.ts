import { describe, expect, it } from 'vitest'
import { backupDates } from '../../../../functions/normalize/backup-dates.ts'
import {
  guestOf,
  makeArchive,
  makePbsFacts,
  makePbsSnapshot,
  makePveFacts,
  makeSnapshot,
  normalize,
} from './builders.ts'

const at = (text: string) => Date.parse(text) / 1000

describe('backup dates', () => {
  const result = normalize({
    pve: [
      makePveFacts({
        backups: [
          makeArchive({ ctime: at('2025-06-07T20:00:02Z') }),
          makeArchive({ ctime: at('2025-06-06T20:00:03Z') }),
          makeArchive({ ctime: at('2025-06-07T23:59:59Z'), inProgress: true }),
        ],
        snapshots: [
          makeSnapshot({ name: 'b', snaptime: at('2025-06-07T08:00:00Z') }),
          makeSnapshot({ name: 'unknown', snaptime: 0 }),
        ],
      }),
    ],
    pbs: [
      makePbsFacts({
        snapshots: [
          makePbsSnapshot({ backupTime: at('2025-06-08T00:00:00Z') }),
          makePbsSnapshot({ backupTime: at('2025-06-07T18:00:02Z') }),
        ],
      }),
    ],
  })
  const dates = guestOf(result, 'cluster-a/100').backupDates

  it('groups finished backups by UTC day, oldest day first, with their exact times', () => {
    expect(dates).toEqual([
      {
        date: '2025-06-06',
        types: ['pveBackups'],
        count: 1,
        timestamps: { pveBackups: [at('2025-06-06T20:00:03Z')], pbsSnapshots: [], vmSnapshots: [] },
      },
      {
        date: '2025-06-07',
        types: ['pveBackups', 'pbsSnapshots', 'vmSnapshots'],
        count: 3,
        timestamps: {
          pveBackups: [at('2025-06-07T20:00:02Z')],
          pbsSnapshots: [at('2025-06-07T18:00:02Z')],
          vmSnapshots: [at('2025-06-07T08:00:00Z')],
        },
      },
      {
        date: '2025-06-08',
        types: ['pbsSnapshots'],
        count: 1,
        timestamps: { pveBackups: [], pbsSnapshots: [at('2025-06-08T00:00:00Z')], vmSnapshots: [] },
      },
    ])
  })

  it('lists every backup in the details, newest first, running ones included', () => {
    const names = guestOf(result, 'cluster-a/100').backups.map((b) => [b.kind, b.inProgress])
    expect(names).toEqual([
      ['pbs', false],
      ['pve', true],
      ['pve', false],
      ['pbs', false],
      ['snapshot', false],
      ['pve', false],
      ['snapshot', false],
    ])
  })

  it('counts finished items per kind', () => {
    expect(guestOf(result, 'cluster-a/100').counts).toEqual({ pve: 2, pbs: 2, snapshots: 2 })
  })
})

describe('backup dates of items in any order', () => {
  it('are the same whether the items come newest first (a record) or not (an orphan)', () => {
    const kinds = ['pve', 'pbs', 'snapshot'] as const
    // Several items a day, some at the same second, one in progress, one snapshot of time 0.
    const items = Array.from({ length: 60 }, (_, i) => ({
      kind: kinds[i % 3] as (typeof kinds)[number],
      time: i === 7 ? 0 : 1_749_000_000 + Math.floor(i / 4) * 43_200 + (i % 4) * 600,
      location: 'store1',
      name: `item ${i}`,
      protected: false,
      inProgress: i === 11,
    }))
    const newestFirst = [...items].sort((a, b) => b.time - a.time)
    const shuffled = [...items].sort(
      (a, b) => ((a.name.length * 7919 + a.time) % 13) - ((b.name.length * 7919 + b.time) % 13),
    )
    const expected = backupDates(shuffled)
    expect(expected.length).toBeGreaterThan(5)
    expect(backupDates(newestFirst)).toEqual(expected)
    expect(backupDates([...newestFirst].reverse())).toEqual(expected)
  })
})

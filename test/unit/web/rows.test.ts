import { describe, expect, it } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../../../shared/age.ts'
import { selectRows } from '../../../web/src/rows.ts'
import { DEFAULT_VIEW, type ViewState } from '../../../web/src/view-state.ts'
import { HOUR, NOW, never, summary } from './summaries.ts'

const view = (patch: Partial<ViewState> = {}): ViewState => ({ ...DEFAULT_VIEW, ...patch })
const ids = (guests: { key: string }[]) => guests.map((g) => g.key)

const fleet = [
  summary({ guestId: 100, guestName: 'web', node: 'pve1' }),
  summary({
    guestId: 101,
    guestName: 'db',
    type: 'lxc',
    node: 'pve2',
    latestBackupTime: NOW - 30 * HOUR,
    latestTimes: { pve: NOW - 30 * HOUR, pbs: NOW - 40 * HOUR, snapshots: null },
  }),
  summary({
    cluster: 'office',
    guestId: 100,
    guestName: 'files',
    node: 'office-pve1',
    latestBackupTime: NOW - 100 * HOUR,
    latestTimes: { pve: null, pbs: NOW - 100 * HOUR, snapshots: NOW - HOUR },
  }),
  never({ guestId: 150, guestName: 'scratch', covered: false, node: 'pve2' }),
  never({ guestId: 130, guestName: null, status: 'unknown', node: '' }),
  never({ guestId: 9000, guestName: 'tpl', template: true }),
]

describe('selectRows', () => {
  it('leads with the guests that need a look: never, then overdue, stale, fresh, oldest first', () => {
    const { rows } = selectRows(fleet, view(), NOW, DEFAULT_THRESHOLDS)
    expect(ids(rows)).toEqual([
      'homelab/130',
      'homelab/150',
      'office/100',
      'homelab/101',
      'homelab/100',
    ])
  })

  it('hides templates unless asked for', () => {
    expect(ids(selectRows(fleet, view(), NOW, DEFAULT_THRESHOLDS).rows)).not.toContain(
      'homelab/9000',
    )
    expect(
      ids(selectRows(fleet, view({ templates: true }), NOW, DEFAULT_THRESHOLDS).rows),
    ).toContain('homelab/9000')
  })

  it('searches name, VMID, node and cluster; every word must match', () => {
    const search = (q: string) =>
      ids(selectRows(fleet, view({ search: q }), NOW, DEFAULT_THRESHOLDS).rows)
    expect(search('FILES')).toEqual(['office/100'])
    expect(search('101')).toEqual(['homelab/101'])
    expect(search('pve2')).toEqual(['homelab/150', 'homelab/101'])
    expect(search('office')).toEqual(['office/100'])
    expect(search('100 office')).toEqual(['office/100'])
  })

  it('counts statuses for the active backup filter before the status filter narrows the rows', () => {
    const all = selectRows(fleet, view(), NOW, DEFAULT_THRESHOLDS)
    expect(all.counts).toEqual({ fresh: 1, stale: 1, overdue: 1, never: 2 })
    const snapshots = selectRows(fleet, view({ filter: 'snapshots' }), NOW, DEFAULT_THRESHOLDS)
    expect(snapshots.counts).toEqual({ fresh: 1, stale: 0, overdue: 0, never: 4 })
    const overdue = selectRows(fleet, view({ status: 'overdue' }), NOW, DEFAULT_THRESHOLDS)
    expect(ids(overdue.rows)).toEqual(['office/100'])
    expect(overdue.counts).toEqual(all.counts)
  })

  it('filters by guest type and offers the no-backup and not-covered views', () => {
    expect(ids(selectRows(fleet, view({ kind: 'lxc' }), NOW, DEFAULT_THRESHOLDS).rows)).toEqual([
      'homelab/101',
    ])
    const noBackup = selectRows(fleet, view({ only: 'no-backup' }), NOW, DEFAULT_THRESHOLDS)
    expect(ids(noBackup.rows)).toEqual(['homelab/130', 'homelab/150'])
    expect(noBackup.noBackup).toBe(2)
    expect(noBackup.uncovered).toBe(1)
    expect(
      ids(selectRows(fleet, view({ only: 'uncovered' }), NOW, DEFAULT_THRESHOLDS).rows),
    ).toEqual(['homelab/150'])
  })

  it('sorts every column with empty values last in both directions', () => {
    const byName = (descending: boolean) =>
      selectRows(fleet, view({ sort: 'name', descending }), NOW, DEFAULT_THRESHOLDS).rows.map(
        (g) => g.guestName,
      )
    expect(byName(false)).toEqual(['db', 'files', 'scratch', 'web', null])
    expect(byName(true)).toEqual(['web', 'scratch', 'files', 'db', null])
    const byNode = selectRows(
      fleet,
      view({ sort: 'node', descending: true }),
      NOW,
      DEFAULT_THRESHOLDS,
    )
    expect(byNode.rows.at(-1)?.node).toBe('')
    const byVmid = selectRows(fleet, view({ sort: 'vmid' }), NOW, DEFAULT_THRESHOLDS)
    expect(byVmid.rows.map((g) => g.guestId)).toEqual([100, 100, 101, 130, 150])
  })

  it('treats "never" as the oldest age, not as a missing one', () => {
    const oldestFirst = selectRows(
      fleet,
      view({ sort: 'pbs', descending: true }),
      NOW,
      DEFAULT_THRESHOLDS,
    )
    expect(oldestFirst.rows.slice(0, 3).every((g) => g.latestTimes.pbs === null)).toBe(true)
    const newestFirst = selectRows(fleet, view({ sort: 'pbs' }), NOW, DEFAULT_THRESHOLDS)
    expect(ids(newestFirst.rows).slice(0, 2)).toEqual(['homelab/101', 'office/100'])
  })
})

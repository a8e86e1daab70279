import { describe, expect, it } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../../../shared/age.ts'
import { selectRows } from '../../../web/src/rows.ts'
import { DEFAULT_VIEW, type ViewState } from '../../../web/src/view-state.ts'
import { schedules, verificationFailed } from './issue11-fixtures.ts'
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

describe('selectRows: schedules, verification, tags and pools', () => {
  const s = schedules(NOW, 'homelab')
  const scheduled = [
    summary({ guestId: 200, guestName: 'weekly', schedule: s.weeklyOk }),
    summary({ guestId: 201, guestName: 'skipped', schedule: s.missed }),
    summary({ guestId: 202, guestName: 'no-job', schedule: null, covered: false }),
    summary({ guestId: 203, guestName: 'running', schedule: s.due, pool: 'prod' }),
    summary({ guestId: 204, guestName: 'long-missed', schedule: s.missedLonger, tags: ['db'] }),
    summary({ guestId: 205, guestName: 'bad-verify', verification: verificationFailed(NOW) }),
  ]

  it('sorts by schedule: longest missed first, then due, then ok; no job last', () => {
    const { rows } = selectRows(scheduled, view({ sort: 'schedule' }), NOW, DEFAULT_THRESHOLDS)
    expect(rows.map((g) => g.guestName)).toEqual([
      'long-missed',
      'skipped',
      'running',
      'weekly',
      'no-job',
      'bad-verify',
    ])
    const reversed = selectRows(
      scheduled,
      view({ sort: 'schedule', descending: true }),
      NOW,
      DEFAULT_THRESHOLDS,
    )
    expect(reversed.rows.map((g) => g.guestName).slice(0, 4)).toEqual([
      'weekly',
      'running',
      'skipped',
      'long-missed',
    ])
  })

  it('shows only the guests that missed a run, counting them in any view', () => {
    const all = selectRows(scheduled, view(), NOW, DEFAULT_THRESHOLDS)
    expect(all.missed).toBe(2)
    const missed = selectRows(scheduled, view({ only: 'missed' }), NOW, DEFAULT_THRESHOLDS)
    expect(missed.rows.map((g) => g.guestName).sort()).toEqual(['long-missed', 'skipped'])
    // A due guest whose deadline passes while the page is open joins them.
    const later = selectRows(
      scheduled,
      view({ only: 'missed' }),
      NOW + 2 * HOUR,
      DEFAULT_THRESHOLDS,
    )
    expect(later.rows.map((g) => g.guestName).sort()).toEqual(['long-missed', 'running', 'skipped'])
  })

  it('shows only the guests whose newest PBS snapshot failed verification', () => {
    const r = selectRows(scheduled, view({ only: 'verify-failed' }), NOW, DEFAULT_THRESHOLDS)
    expect(r.verifyFailed).toBe(1)
    expect(ids(r.rows)).toEqual(['homelab/205'])
  })

  it('finds guests by pool and by tag', () => {
    expect(
      ids(selectRows(scheduled, view({ search: 'prod' }), NOW, DEFAULT_THRESHOLDS).rows),
    ).toEqual(['homelab/203'])
    expect(
      ids(selectRows(scheduled, view({ search: 'db' }), NOW, DEFAULT_THRESHOLDS).rows),
    ).toEqual(['homelab/204'])
  })
})

// @vitest-environment happy-dom
// The drill-down names a guest's PBS group comments: where the owner sees why a guest with a
// `no-monitor` note never alerts.
import { describe, expect, it } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../../../shared/age.ts'
import type { GuestRecord } from '../../../shared/schema/guest.ts'
import { detailView } from '../../../web/src/detail.ts'
import { all, mount, text } from './render.ts'
import { NOW, summary } from './summaries.ts'

function show(patch: Partial<GuestRecord>) {
  const record: GuestRecord = {
    ...summary({ guestId: 101 }),
    backupDates: [],
    backups: [],
    ...patch,
  }
  const content = { kind: 'guest' as const, record, jobs: null }
  return mount(
    detailView({ content, now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' }, () => {}),
  )
}

describe('the drill-down of a guest with PBS group comments', () => {
  it('shows them, and nothing without any', () => {
    const root = show({ pbsGroupComments: ['before the upgrade', 'no-monitor: <b>test</b>'] })
    const line = all(root, '.meta')
      .map(text)
      .find((t) => t.startsWith('PBS group'))
    expect(line).toBe('PBS group comments: before the upgrade · no-monitor: <b>test</b>')
    // Text, never markup.
    expect(root.querySelector('.meta b')).toBeNull()
    expect(
      all(show({}), '.meta')
        .map(text)
        .filter((t) => t.startsWith('PBS group')),
    ).toEqual([])
  })
})

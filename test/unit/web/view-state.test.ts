import { describe, expect, it } from 'vitest'
import {
  DEFAULT_VIEW,
  formatViewState,
  parseViewState,
  type ViewState,
} from '../../../web/src/view-state.ts'

describe('view state in the URL', () => {
  it('keeps the plain URL plain for the default view', () => {
    expect(formatViewState(DEFAULT_VIEW)).toBe('')
    expect(parseViewState('')).toEqual(DEFAULT_VIEW)
  })

  it('round-trips every setting so a bookmarked view comes back exactly', () => {
    const view: ViewState = {
      filter: 'pbs',
      search: 'web pve2',
      sort: 'node',
      descending: true,
      kind: 'lxc',
      status: 'overdue',
      templates: true,
      only: 'uncovered',
      guest: 'office/101',
      orphan: null,
      page: 'jobs',
    }
    const query = formatViewState(view)
    expect(query).toBe(
      '?view=jobs&filter=pbs&q=web+pve2&sort=node&dir=desc&type=lxc&status=overdue&templates=1&only=uncovered&guest=office%2F101',
    )
    expect(parseViewState(query)).toEqual(view)
  })

  it('keeps the schedule sort, the new one-click views and an orphan drill-down', () => {
    const view: ViewState = {
      ...DEFAULT_VIEW,
      page: 'storage',
      sort: 'schedule',
      only: 'missed',
      orphan: 'pbs/pbs/archive/lost-ns/vm/777',
    }
    expect(parseViewState(formatViewState(view))).toEqual(view)
    expect(parseViewState('?only=verify-failed').only).toBe('verify-failed')
  })

  it('opens one drill-down at a time: a guest wins over an orphan', () => {
    expect(parseViewState('?guest=office/101&orphan=office/555')).toMatchObject({
      guest: 'office/101',
      orphan: null,
    })
    expect(formatViewState({ ...DEFAULT_VIEW, guest: 'a/1', orphan: 'b/2' })).toBe('?guest=a%2F1')
  })

  it('falls back to defaults for values it does not know instead of failing', () => {
    const view = parseViewState(
      '?filter=zfs&sort=__proto__&type=vm&status=green&only=x&guest=../../etc&dir=up&view=admin&orphan=%3Cscript%3E',
    )
    expect(view).toEqual(DEFAULT_VIEW)
  })
})

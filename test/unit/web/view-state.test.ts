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
    }
    const query = formatViewState(view)
    expect(query).toBe(
      '?filter=pbs&q=web+pve2&sort=node&dir=desc&type=lxc&status=overdue&templates=1&only=uncovered&guest=office%2F101',
    )
    expect(parseViewState(query)).toEqual(view)
  })

  it('falls back to defaults for values it does not know instead of failing', () => {
    const view = parseViewState(
      '?filter=zfs&sort=__proto__&type=vm&status=green&only=x&guest=../../etc&dir=up',
    )
    expect(view).toEqual(DEFAULT_VIEW)
  })
})

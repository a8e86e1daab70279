// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { createControls } from '../../../web/src/controls.ts'
import type { Selection } from '../../../web/src/rows.ts'
import { DEFAULT_VIEW } from '../../../web/src/view-state.ts'
import { all, text } from './render.ts'

const selection = (patch: Partial<Selection> = {}): Selection => ({
  rows: [],
  counts: { fresh: 1, stale: 0, overdue: 0, never: 0 },
  noBackup: 0,
  uncovered: 0,
  missed: 0,
  verifyFailed: 0,
  ...patch,
})

const visible = (root: HTMLElement) =>
  all(root, 'button.quick')
    .filter((b) => !(b as HTMLButtonElement).hidden)
    .map(text)

describe('the one-click views', () => {
  it('offers "missed" and "failed verification" only when they would show someone', () => {
    const controls = createControls(() => {})
    controls.sync(DEFAULT_VIEW, selection())
    expect(visible(controls.element)).toEqual(['No backup at all (0)', 'Not in any backup job (0)'])
    controls.sync(DEFAULT_VIEW, selection({ missed: 3, verifyFailed: 1 }))
    expect(visible(controls.element)).toEqual([
      'No backup at all (0)',
      'Not in any backup job (0)',
      'Missed a scheduled run (3)',
      'Failed verification (1)',
    ])
    // While on, it stays, so it can be switched off again.
    controls.sync({ ...DEFAULT_VIEW, only: 'missed' }, selection())
    expect(visible(controls.element)).toContain('Missed a scheduled run (0)')
  })

  it('switches a view on, and off again with a second click', () => {
    const change = vi.fn()
    const controls = createControls(change)
    controls.sync(DEFAULT_VIEW, selection({ missed: 2 }))
    const missed = all(controls.element, 'button[data-only="missed"]')[0] as HTMLButtonElement
    missed.click()
    expect(change).toHaveBeenLastCalledWith({ only: 'missed' })
    controls.sync({ ...DEFAULT_VIEW, only: 'missed' }, selection({ missed: 2 }))
    expect(missed.getAttribute('aria-pressed')).toBe('true')
    missed.click()
    expect(change).toHaveBeenLastCalledWith({ only: 'any' })
  })
})

import { describe, expect, it } from 'vitest'
import { TONE_COLORS, textColorsOn } from '../../../../functions/badge/colors.ts'

describe('badge colours', () => {
  it('gives fresh, stale, overdue, never and unknown five different colours', () => {
    const { fresh, stale, overdue, never, unknown } = TONE_COLORS
    expect(new Set([fresh, stale, overdue, never, unknown]).size).toBe(5)
  })

  it("uses shields' named colours for fresh, stale, overdue and unknown", () => {
    expect([
      TONE_COLORS.fresh,
      TONE_COLORS.stale,
      TONE_COLORS.overdue,
      TONE_COLORS.unknown,
    ]).toEqual(['4c1', 'dfb317', 'e05d44', '9f9f9f'])
  })

  it('puts white text on every badge colour, as shields does on its own', () => {
    for (const color of Object.values(TONE_COLORS)) expect(textColorsOn(color).text).toBe('#fff')
  })

  it('switches to dark text on a light background', () => {
    expect(textColorsOn('fff')).toEqual({ text: '#333', shadow: '#ccc' })
    expect(textColorsOn('ffffff')).toEqual({ text: '#333', shadow: '#ccc' })
  })
})

import { describe, expect, it } from 'vitest'
import { preferredWidth, textWidth } from '../../../../functions/badge/text-width.ts'

describe('textWidth (11px Verdana)', () => {
  // anafanafo's reference values, measured in Chrome (metabolize/anafanafo packages/anafanafo/test.js).
  it.each([
    ['m', 10.7],
    ['v1.2.511', 49.48],
  ])('measures %j as %f px, as shields.io does', (text, width) => {
    expect(textWidth(text)).toBeCloseTo(width, 1)
  })

  it('measures each character by its own advance, so "WWW" is wider than "iii"', () => {
    expect(textWidth('WWW')).toBeGreaterThan(3 * textWidth('iii'))
  })

  it("gives every digit one width (Verdana's figures are tabular), so ages keep their size", () => {
    expect(textWidth('17h')).toBe(textWidth('11h'))
    expect(new Set([...'0123456789'].map(textWidth)).size).toBe(1)
  })

  it('adds up widths: the text is the sum of its characters', () => {
    expect(textWidth('backup')).toBeCloseTo(
      [...'backup'].reduce((sum, c) => sum + textWidth(c), 0),
      9,
    )
  })

  it('measures an accented letter as its base letter', () => {
    expect(textWidth('é')).toBe(textWidth('e'))
    expect(textWidth('Ä')).toBe(textWidth('A'))
  })

  it('gives a character Verdana lacks one em, never nothing', () => {
    expect(textWidth('備')).toBe(11)
    expect(textWidth('😀')).toBe(11)
  })

  it('draws no width for control characters', () => {
    expect(textWidth('\u0001\u0002')).toBe(0)
  })
})

describe('preferredWidth', () => {
  it.each([
    ['build', 27],
    ['passing', 41],
  ])("matches badge-maker's box for %j (%i px, odd for the pixel grid)", (text, width) => {
    expect(preferredWidth(text)).toBe(width)
  })

  it('is always odd', () => {
    for (const text of ['', 'a', 'backup', '17h', 'never', 'WWW']) {
      expect(preferredWidth(text) % 2).toBe(1)
    }
  })
})

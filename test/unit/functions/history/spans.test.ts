// The span an instant falls in, as the activity chart puts a backup in its day: the start of a
// span is in it, its end is the next one's, and outside the bounds is no day at all.
import { describe, expect, it } from 'vitest'
import { spanOf } from '../../../../functions/history/spans.ts'

describe('spanOf', () => {
  const bounds = [100, 200, 290, 400]
  it('puts each instant in the span that holds it', () => {
    expect(spanOf(bounds, 100)).toBe(0)
    expect(spanOf(bounds, 199)).toBe(0)
    expect(spanOf(bounds, 200)).toBe(1)
    expect(spanOf(bounds, 289)).toBe(1)
    expect(spanOf(bounds, 290)).toBe(2)
    expect(spanOf(bounds, 399)).toBe(2)
  })
  it('knows no span before the first bound, from the last on, or without two bounds', () => {
    expect(spanOf(bounds, 99)).toBe(-1)
    expect(spanOf(bounds, 400)).toBe(-1)
    expect(spanOf([100], 100)).toBe(-1)
    expect(spanOf([], 0)).toBe(-1)
  })
})

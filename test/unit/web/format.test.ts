import { describe, expect, it } from 'vitest'
import { progressText } from '../../../web/src/format.ts'

describe('progressText', () => {
  it('says since when, what is done and what is left of a round split by the budget', () => {
    const since = 1_796_000_000
    const text = progressText({ since, passes: 9, done: 412, left: 380 }, since + 185)
    expect(text).toMatch(
      /^catching up since .+ \(3 min\): 412 request\(s\) done, 380 item\(s\) left after 9 step\(s\)$/,
    )
  })
})

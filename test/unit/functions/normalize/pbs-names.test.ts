import { describe, expect, it } from 'vitest'
import { isoSeconds, normalizeHost } from '../../../../functions/normalize/pbs-names.ts'

describe('PBS snapshot time text', () => {
  it.each([
    0, 951_782_400, 951_868_799, 1_709_164_800, 1_749_319_202, 4_107_542_400, 253_402_300_799,
  ])('matches Date.toISOString for %i', (time) => {
    expect(isoSeconds(time)).toBe(new Date(time * 1000).toISOString().replace('.000Z', 'Z'))
  })

  it('matches Date.toISOString for every day of ten years', () => {
    const start = 1_577_836_800
    for (let day = 0; day < 3_660; day += 1) {
      const time = start + day * 86_400 + ((day * 7_919) % 86_400)
      expect(isoSeconds(time)).toBe(new Date(time * 1000).toISOString().replace('.000Z', 'Z'))
    }
  })
})

describe('PBS host names', () => {
  it.each([
    { given: 'PBS.lan:8007', expected: 'pbs.lan' },
    { given: '[fe80::1]:8007', expected: 'fe80::1' },
    { given: 'fe80::1', expected: 'fe80::1' },
    { given: '192.0.2.10', expected: '192.0.2.10' },
  ])('reads $given as $expected', ({ given, expected }) => {
    expect(normalizeHost(given)).toBe(expected)
  })
})

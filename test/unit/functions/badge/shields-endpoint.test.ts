import { describe, expect, it } from 'vitest'
import type { BadgeTone } from '../../../../functions/badge/colors.ts'
import {
  SHIELDS_CACHE_SECONDS,
  toShieldsEndpoint,
} from '../../../../functions/badge/shields-endpoint.ts'
import {
  SHIELDS_HEX_COLOR,
  ShieldsEndpointSchema,
} from '../../../worker/shields-endpoint-schema.ts'

const TONES: BadgeTone[] = ['fresh', 'stale', 'overdue', 'never', 'unknown', 'error']

describe('toShieldsEndpoint', () => {
  it.each(TONES)('meets the shields endpoint schema for a %s badge', (tone) => {
    const json = toShieldsEndpoint({ label: 'backup', message: '17h', tone })
    expect(ShieldsEndpointSchema.safeParse(json).success).toBe(true)
    expect(json.color).toMatch(SHIELDS_HEX_COLOR)
  })

  it('says the same as the SVG: label, message and colour', () => {
    expect(toShieldsEndpoint({ label: 'backup', message: '17h', tone: 'fresh' })).toEqual({
      schemaVersion: 1,
      label: 'backup',
      message: '17h',
      color: '4c1',
      cacheSeconds: SHIELDS_CACHE_SECONDS,
    })
  })

  it('marks unknown and error badges isError, so an embedding URL cannot recolour them', () => {
    expect(
      toShieldsEndpoint({ label: 'backup', message: 'unknown', tone: 'unknown' }).isError,
    ).toBe(true)
    expect(toShieldsEndpoint({ label: 'backup', message: '1h', tone: 'fresh' })).not.toHaveProperty(
      'isError',
    )
  })

  it("asks for shields' minimum cache time; lower values would be ignored", () => {
    expect(SHIELDS_CACHE_SECONDS).toBe(300)
  })

  it('never sends an empty message, which shields rejects', () => {
    const json = toShieldsEndpoint({ label: 'x', message: '\u0000', tone: 'unknown' })
    expect(ShieldsEndpointSchema.safeParse(json).success).toBe(true)
  })
})

describe('the shields endpoint schema itself', () => {
  const valid = { schemaVersion: 1, label: '', message: 'ok' }

  it('accepts the documented example', () => {
    const example = { schemaVersion: 1, label: 'hello', message: 'sweet world', color: 'orange' }
    expect(ShieldsEndpointSchema.safeParse(example).success).toBe(true)
  })

  it.each([
    ['an unknown key', { ...valid, link: 'https://example.com' }],
    ['another schema version', { ...valid, schemaVersion: 2 }],
    ['an empty message', { ...valid, message: '' }],
    ['a missing label', { schemaVersion: 1, message: 'ok' }],
    ['both logo kinds', { ...valid, namedLogo: 'proxmox', logoSvg: '<svg/>' }],
    ['a logo colour without a named logo', { ...valid, logoColor: 'white' }],
    ['a logo width without a logo', { ...valid, logoWidth: 14 }],
    ['a negative cacheSeconds', { ...valid, cacheSeconds: -1 }],
    ['a fractional cacheSeconds', { ...valid, cacheSeconds: 1.5 }],
  ])('rejects %s', (_, json) => {
    expect(ShieldsEndpointSchema.safeParse(json).success).toBe(false)
  })
})

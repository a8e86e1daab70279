import { afterEach, describe, expect, it, vi } from 'vitest'
import { readBadgeSettings } from '../../../../functions/badge/settings.ts'
import { parseConfig } from '../../../../functions/config.ts'
import type { Env } from '../../../../functions/env.ts'

const env = (vars: Record<string, string>) => vars as unknown as Env

afterEach(() => {
  vi.restoreAllMocks()
})

describe('readBadgeSettings', () => {
  it('defaults to badges on, without names, served by cluster/vmid', () => {
    const settings = readBadgeSettings(env({}))
    expect(settings).toMatchObject({ enabled: true, showNames: false, idsOnly: false, issues: [] })
    expect(settings.ids.size).toBe(0)
  })

  it('reads the switches', () => {
    const settings = readBadgeSettings(
      env({ PULSE_BADGES: 'off', PULSE_BADGE_SHOW_NAMES: 'true', PULSE_BADGE_IDS_ONLY: 'on' }),
    )
    expect(settings).toMatchObject({ enabled: false, showNames: true, idsOnly: true })
  })

  it('reads an unrecognised switch as the more private choice and says so', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const settings = readBadgeSettings(
      env({ PULSE_BADGES: 'yes', PULSE_BADGE_SHOW_NAMES: '1', PULSE_BADGE_IDS_ONLY: 'maybe' }),
    )
    expect(settings).toMatchObject({ enabled: false, showNames: false, idsOnly: true })
    expect(settings.issues.map((i) => i.field)).toEqual([
      'PULSE_BADGES',
      'PULSE_BADGE_SHOW_NAMES',
      'PULSE_BADGE_IDS_ONLY',
    ])
  })

  it('maps opaque ids to guests', () => {
    const settings = readBadgeSettings(
      env({ PULSE_BADGE_IDS: '{"Xq3-vR8_t2Lp":"homelab/111","k2mzw0a9f1e7":"office/2001"}' }),
    )
    expect(Object.fromEntries(settings.ids)).toEqual({
      'Xq3-vR8_t2Lp': { cluster: 'homelab', vmid: '111' },
      k2mzw0a9f1e7: { cluster: 'office', vmid: '2001' },
    })
  })

  it('leaves out bad entries, names them by position, and never echoes an id or a target', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const raw = JSON.stringify({
      shortid: 'homelab/111',
      'good-id-0001': 'homelab/111',
      'secret-id-0002': 'Homelab/abc',
      'secret-id-0003': 42,
    })
    const settings = readBadgeSettings(env({ PULSE_BADGE_IDS: raw }))
    expect([...settings.ids.keys()]).toEqual(['good-id-0001'])
    expect(settings.issues.map((i) => i.field)).toEqual([
      'PULSE_BADGE_IDS entry 1',
      'PULSE_BADGE_IDS entry 3',
      'PULSE_BADGE_IDS entry 4',
    ])
    const logged = JSON.stringify([settings.issues, warn.mock.calls])
    for (const secret of ['shortid', 'secret-id', 'Homelab', 'abc']) {
      expect(logged).not.toContain(secret)
    }
  })

  it('reports JSON that does not parse or is not an object, without quoting it', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const raw of ['{"abcdefgh1234": "homelab/1"', '["abcdefgh1234"]', 'null']) {
      const settings = readBadgeSettings(env({ PULSE_BADGE_IDS: raw }))
      expect(settings.ids.size).toBe(0)
      expect(settings.issues).toHaveLength(1)
      expect(settings.issues[0]?.field).toBe('PULSE_BADGE_IDS')
      expect(JSON.stringify(settings.issues)).not.toContain('abcdefgh1234')
    }
  })

  it('logs a configuration problem once, not on every badge', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = env({ PULSE_BADGE_IDS: '{oops', PULSE_BADGES: 'on' })
    for (let i = 0; i < 5; i++) readBadgeSettings(bad)
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('adds its issues to the configuration issues /api/status lists', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const fields = parseConfig(env({ PULSE_BADGE_IDS: 'nope' })).issues.map((i) => i.field)
    expect(fields).toContain('PULSE_BADGE_IDS')
  })
})

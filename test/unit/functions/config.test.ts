import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_SUBREQUEST_BUDGET, readConfig } from '../../../functions/config.ts'
import type { Env } from '../../../functions/env.ts'

const env = (vars: Record<string, string>) => vars as unknown as Env
const badges = (vars: Record<string, string>) => readConfig(env(vars)).badges

const SOURCES = JSON.stringify([
  { id: 'homelab', kind: 'pve', url: 'https://pve.example.com', tokenId: 'a@pve!t' },
  { id: 'pbs', kind: 'pbs', url: 'https://pbs.example.com', tokenId: 'a@pbs!t' },
])
const TOKENS = { PULSE_TOKEN_HOMELAB: 'secret-homelab-1', PULSE_TOKEN_PBS: 'secret-pbs-2' }

afterEach(() => {
  vi.restoreAllMocks()
})

describe('readConfig', () => {
  it('reads an empty environment as the documented defaults, without issues', () => {
    const config = readConfig(env({}))
    expect(config).toMatchObject({
      sources: [],
      sourcesIncomplete: false,
      thresholds: { freshHours: 24, staleHours: 72 },
      // Unset: each job's own default grace (normalize/guest-schedule.ts).
      missedGraceSeconds: undefined,
      refresh: {
        subrequestBudget: DEFAULT_SUBREQUEST_BUDGET,
        apiToken: undefined,
        anonymousRefreshAllowed: false,
      },
      hooks: { minIntervalSeconds: 60, proxmoxSecret: undefined, signingKeys: undefined },
      badges: { enabled: true, showNames: false, idsOnly: false },
      issues: [],
    })
  })

  it('parses once per environment object', () => {
    const vars = env({ PULSE_SOURCES: SOURCES, ...TOKENS })
    expect(readConfig(vars)).toBe(readConfig(vars))
    expect(readConfig(vars)).not.toBe(readConfig(env({ PULSE_SOURCES: SOURCES, ...TOKENS })))
  })

  it('reads every setting', () => {
    const config = readConfig(
      env({
        PULSE_SOURCES: SOURCES,
        ...TOKENS,
        PULSE_FRESH_HOURS: ' 12 ',
        PULSE_STALE_HOURS: '48',
        PULSE_SUBREQUEST_BUDGET: '900',
        PULSE_API_TOKEN: 'tok-123',
        PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
        PULSE_WEBHOOK_SECRET: 'hook',
        PULSE_WEBHOOK_SIGNING_SECRET: `whsec_${btoa('0123456789abcdef')}`,
        PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
        PULSE_MISSED_GRACE_MINUTES: '720',
      }),
    )
    expect(config.issues).toEqual([])
    expect(config.missedGraceSeconds).toBe(720 * 60)
    expect(config.sources.map((s) => [s.id, s.credentials.tokenSecret])).toEqual([
      ['homelab', 'secret-homelab-1'],
      ['pbs', 'secret-pbs-2'],
    ])
    expect(config.thresholds).toEqual({ freshHours: 12, staleHours: 48 })
    expect(config.refresh).toEqual({
      subrequestBudget: 900,
      apiToken: 'tok-123',
      anonymousRefreshAllowed: true,
    })
    expect(config.hooks.minIntervalSeconds).toBe(0)
    expect(config.hooks.proxmoxSecret).toBe('hook')
    expect(config.hooks.signingKeys).toHaveLength(1)
  })

  it('falls back per setting, names the field and never the value', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = 'hunter2-value'
    const config = readConfig(
      env({
        PULSE_SOURCES: SOURCES,
        ...TOKENS,
        PULSE_FRESH_HOURS: `-${bad}`,
        PULSE_SUBREQUEST_BUDGET: `1.5${bad}`,
        PULSE_API_TOKEN: `${bad} with spaces`,
        PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
        PULSE_WEBHOOK_SIGNING_SECRET: `whsec_%%${bad}`,
        PULSE_HOOK_MIN_INTERVAL_SECONDS: `${bad}`,
        PULSE_MISSED_GRACE_MINUTES: `0${bad}`,
      }),
    )
    expect(config.issues.map((i) => i.field)).toEqual([
      'PULSE_FRESH_HOURS',
      'PULSE_MISSED_GRACE_MINUTES',
      'PULSE_SUBREQUEST_BUDGET',
      'PULSE_API_TOKEN',
      'PULSE_WEBHOOK_SIGNING_SECRET',
      'PULSE_HOOK_MIN_INTERVAL_SECONDS',
    ])
    expect(config.thresholds.freshHours).toBe(24)
    expect(config.refresh.subrequestBudget).toBe(DEFAULT_SUBREQUEST_BUDGET)
    // An unreadable token is not "no token": the anonymous dev opt-out does not open the route.
    expect(config.refresh).toMatchObject({ apiToken: undefined, anonymousRefreshAllowed: false })
    expect(config.hooks).toMatchObject({ signingKeys: undefined, minIntervalSeconds: 60 })
    // A problem outside PULSE_SOURCES drops no source, so it holds none either.
    expect(config.sources).toHaveLength(2)
    expect(config.sourcesIncomplete).toBe(false)
    expect(JSON.stringify(config.issues)).not.toContain(bad)
    expect(config.issues.find((i) => i.field === 'PULSE_HOOK_MIN_INTERVAL_SECONDS')?.message).toBe(
      'must be whole seconds from 0 to 86400; the default 60 is used until fixed',
    )
    // Read as unset: the per-job default grace, not a grace of 0 that would miss everyone.
    expect(config.missedGraceSeconds).toBeUndefined()
    expect(config.issues.find((i) => i.field === 'PULSE_MISSED_GRACE_MINUTES')?.message).toBe(
      'must be whole minutes from 1 to 10080; treated as unset until fixed',
    )
  })

  it('reads the history retention and the replay switch, falling back to their defaults', () => {
    expect(readConfig(env({})).history).toEqual({ retentionDays: 400, replayAllowed: false })
    expect(readConfig(env({ PULSE_HISTORY_DAYS: ' 90 ', PULSE_DEV_REPLAY: 'on' })).history).toEqual(
      { retentionDays: 90, replayAllowed: true },
    )
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const bad of ['29', '3651', '12.5', 'forever']) {
      const config = readConfig(env({ PULSE_HISTORY_DAYS: bad, PULSE_DEV_REPLAY: 'sure' }))
      expect(config.history).toEqual({ retentionDays: 400, replayAllowed: false })
      expect(config.issues).toEqual([
        {
          field: 'PULSE_HISTORY_DAYS',
          message: 'must be whole days from 30 to 3650; the default 400 is used until fixed',
        },
        {
          field: 'PULSE_DEV_REPLAY',
          message: 'must be "true"/"on" or "false"/"off"; read as "false" until fixed',
        },
      ])
    }
  })

  it('uses the default thresholds when stale is less than fresh', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const config = readConfig(env({ PULSE_FRESH_HOURS: '48', PULSE_STALE_HOURS: '12' }))
    expect(config.thresholds).toEqual({ freshHours: 24, staleHours: 72 })
    expect(config.issues.map((i) => i.field)).toEqual(['PULSE_STALE_HOURS'])
  })

  it('flags sources as incomplete only when PULSE_SOURCES or a source secret has a problem', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const noToken = readConfig(env({ PULSE_SOURCES: SOURCES, PULSE_TOKEN_HOMELAB: 'x' }))
    expect(noToken.sources.map((s) => s.id)).toEqual(['homelab'])
    expect(noToken.issues.map((i) => i.field)).toEqual(['PULSE_TOKEN_PBS'])
    expect(noToken.sourcesIncomplete).toBe(true)

    const notJson = readConfig(env({ PULSE_SOURCES: '[{"id": "x", token: "hunter2"' }))
    expect(notJson.issues).toEqual([{ field: 'PULSE_SOURCES', message: 'is not valid JSON' }])
    expect(notJson.sourcesIncomplete).toBe(true)

    const badgeTypo = readConfig(
      env({ PULSE_SOURCES: SOURCES, ...TOKENS, PULSE_BADGE_SHOW_NAMES: 'yes' }),
    )
    expect(badgeTypo.issues.map((i) => i.field)).toEqual(['PULSE_BADGE_SHOW_NAMES'])
    expect(badgeTypo.sourcesIncomplete).toBe(false)
  })
})

describe('badge settings', () => {
  it('reads the switches', () => {
    expect(
      badges({ PULSE_BADGES: 'off', PULSE_BADGE_SHOW_NAMES: 'true', PULSE_BADGE_IDS_ONLY: 'on' }),
    ).toMatchObject({ enabled: false, showNames: true, idsOnly: true })
  })

  it('reads an unrecognised switch as the more private choice and says so', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const config = readConfig(
      env({ PULSE_BADGES: 'yes', PULSE_BADGE_SHOW_NAMES: '1', PULSE_BADGE_IDS_ONLY: 'maybe' }),
    )
    expect(config.badges).toMatchObject({ enabled: false, showNames: false, idsOnly: true })
    expect(config.issues).toEqual([
      { field: 'PULSE_BADGES', message: expect.stringContaining('read as "off" until fixed') },
      {
        field: 'PULSE_BADGE_SHOW_NAMES',
        message: expect.stringContaining('read as "false" until fixed'),
      },
      {
        field: 'PULSE_BADGE_IDS_ONLY',
        message: expect.stringContaining('read as "true" until fixed'),
      },
    ])
  })

  it('maps opaque ids to guests', () => {
    const { ids } = badges({
      PULSE_BADGE_IDS: '{"Xq3-vR8_t2Lp":"homelab/111","k2mzw0a9f1e7":"office/2001"}',
    })
    expect(Object.fromEntries(ids)).toEqual({
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
    const config = readConfig(env({ PULSE_BADGE_IDS: raw }))
    expect([...config.badges.ids.keys()]).toEqual(['good-id-0001'])
    expect(config.issues.map((i) => i.field)).toEqual([
      'PULSE_BADGE_IDS entry 1',
      'PULSE_BADGE_IDS entry 3',
      'PULSE_BADGE_IDS entry 4',
    ])
    const logged = JSON.stringify([config.issues, warn.mock.calls])
    for (const secret of ['shortid', 'secret-id', 'Homelab', 'abc']) {
      expect(logged).not.toContain(secret)
    }
  })

  it('reports JSON that does not parse or is not an object, without quoting it', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const raw of ['{"abcdefgh1234": "homelab/1"', '["abcdefgh1234"]', 'null']) {
      const config = readConfig(env({ PULSE_BADGE_IDS: raw }))
      expect(config.badges.ids.size).toBe(0)
      expect(config.issues).toHaveLength(1)
      expect(config.issues[0]?.field).toBe('PULSE_BADGE_IDS')
      expect(JSON.stringify(config.issues)).not.toContain('abcdefgh1234')
    }
  })

  it('logs a configuration problem once, not on every request', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = { PULSE_BADGE_IDS: '{oops', PULSE_BADGES: 'on' }
    const same = env(bad)
    for (let i = 0; i < 5; i++) readConfig(same)
    // A new environment object with the same problem (another request) is not logged again.
    readConfig(env(bad))
    expect(warn).toHaveBeenCalledTimes(1)
  })
})

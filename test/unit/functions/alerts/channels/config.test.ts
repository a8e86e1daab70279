// PULSE_ALERT_CHANNELS and the PULSE_CHANNEL_<ID>_* secrets: every type with its defaults, a
// bad channel left out and named by field while the others work, a secret put in the variable
// refused with where it belongs, and no issue ever showing a value.
import { describe, expect, it } from 'vitest'
import { readConfig } from '../../../../../functions/config.ts'
import type { Env } from '../../../../../functions/env.ts'

const read = (vars: Record<string, unknown>) => readConfig(vars as unknown as Env)
const channels = (list: unknown[], secrets: Record<string, unknown> = {}) =>
  read({ PULSE_ALERT_CHANNELS: JSON.stringify(list), ...secrets })

const WHSEC = `whsec_${btoa('0123456789abcdef0123456789abcdef')}`
const TELEGRAM = '123456:AAbcdefghijklmnopqrstuvwxyz012'

describe('PULSE_ALERT_CHANNELS', () => {
  it('is empty and complete when unset', () => {
    const config = read({})
    expect(config.channels).toEqual([])
    expect(config.channelsIncomplete).toBe(false)
    expect(config.issues).toEqual([])
  })

  it('reads every channel type with its documented defaults and the engine policy', () => {
    const config = channels(
      [
        { id: 'phone', type: 'ntfy' },
        { id: 'ops', type: 'discord', quietHours: '22:00-07:00 Europe/Berlin', maxPerHour: 2 },
        { id: 'team', type: 'slack', minSeverity: 'critical', rules: ['age-all', 'missed'] },
        { id: 'office', type: 'teams' },
        { id: 'tg', type: 'telegram', chatId: -1001234567890 },
        { id: 'got', type: 'gotify', url: 'https://gotify.example.com/' },
        { id: 'po', type: 'pushover' },
        { id: 'hook', type: 'webhook', name: 'My receiver' },
        { id: 'mail', type: 'email', from: 'pulse@example.com', to: 'me@example.org' },
        { id: 'apprise', type: 'apprise', url: 'http://apprise.lan:8000', key: 'pulse' },
      ],
      {
        PULSE_CHANNEL_PHONE_URL: 'https://ntfy.sh/pulse-abc123',
        PULSE_CHANNEL_OPS_URL: 'https://discord.com/api/webhooks/1/tok',
        PULSE_CHANNEL_TEAM_URL: 'https://hooks.slack.com/services/T/B/X',
        PULSE_CHANNEL_OFFICE_URL: 'https://prod.westeurope.logic.azure.com/workflows/x?sig=y',
        PULSE_CHANNEL_TG_TOKEN: TELEGRAM,
        PULSE_CHANNEL_GOT_TOKEN: 'Agotifytoken',
        PULSE_CHANNEL_PO_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
        PULSE_CHANNEL_PO_USER: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
        PULSE_CHANNEL_HOOK_URL: 'https://example.com/hook',
        PULSE_CHANNEL_HOOK_SECRET: WHSEC,
        PULSE_EMAIL: { send: () => undefined },
      },
    )
    expect(config.issues).toEqual([])
    expect(config.channelsIncomplete).toBe(false)
    const byId = new Map(config.channels.map((c) => [c.id, c]))
    expect(byId.get('phone')).toMatchObject({
      type: 'ntfy',
      label: 'phone',
      priority: { warning: 3, critical: 5, resolved: 2 },
      tags: [],
      secrets: { url: 'https://ntfy.sh/pulse-abc123' },
      policy: {
        id: 'phone',
        minSeverity: 'warning',
        rules: null,
        maxPerHour: 6,
        quietHours: null,
        quietCriticalBypass: true,
      },
    })
    expect(byId.get('ops')).toMatchObject({
      username: 'Pulse Edge',
      policy: {
        maxPerHour: 2,
        quietHours: { start: 22 * 60, end: 7 * 60, timeZone: 'Europe/Berlin' },
      },
    })
    expect(byId.get('team')?.policy).toMatchObject({
      minSeverity: 'critical',
      rules: ['age-all', 'missed'],
    })
    expect(byId.get('tg')).toMatchObject({
      chatId: -1001234567890,
      apiUrl: 'https://api.telegram.org',
      secrets: { token: TELEGRAM },
    })
    expect(byId.get('got')).toMatchObject({
      url: 'https://gotify.example.com',
      priority: { warning: 5, critical: 8, resolved: 2 },
    })
    expect(byId.get('po')).toMatchObject({
      priority: { warning: 0, critical: 1, resolved: -1 },
      apiUrl: 'https://api.pushover.net',
    })
    expect(byId.get('hook')).toMatchObject({ label: 'My receiver', secrets: { secret: WHSEC } })
    expect(byId.get('mail')).toMatchObject({
      binding: 'PULSE_EMAIL',
      fromName: 'Pulse Edge',
      secrets: {},
    })
    expect(byId.get('apprise')).toMatchObject({ key: 'pulse', tags: [] })
  })

  it('leaves a bad channel out, names it by field, and keeps the good ones', () => {
    const config = channels(
      [
        { id: 'good', type: 'slack' },
        { id: 'Bad Id', type: 'slack' },
        { id: 'prio', type: 'ntfy', priority: { critical: 9 } },
        { id: 'typo', type: 'discord', usrname: 'x' },
        { id: 'chat', type: 'telegram', chatId: 'general' },
        { id: 'nosecret', type: 'gotify', url: 'https://g.example.com' },
        { id: 'good', type: 'teams' },
        { id: 'which', type: 'carrier-pigeon' },
        { id: 'quiet', type: 'slack', quietHours: '22-7' },
      ],
      {
        PULSE_CHANNEL_GOOD_URL: 'https://hooks.slack.com/services/T/B/X',
        PULSE_CHANNEL_PRIO_URL: 'https://ntfy.sh/t',
        PULSE_CHANNEL_CHAT_TOKEN: TELEGRAM,
        PULSE_CHANNEL_QUIET_URL: 'https://hooks.slack.com/services/T/B/Y',
      },
    )
    expect(config.channels.map((c) => c.id)).toEqual(['good'])
    expect(config.channelsIncomplete).toBe(true)
    expect(config.issues.map((i) => i.field)).toEqual([
      'PULSE_ALERT_CHANNELS[1].id',
      'PULSE_ALERT_CHANNELS[2].priority.critical',
      'PULSE_ALERT_CHANNELS[3].usrname',
      'PULSE_ALERT_CHANNELS[4].chatId',
      'PULSE_CHANNEL_NOSECRET_TOKEN',
      'PULSE_ALERT_CHANNELS[6].id',
      'PULSE_ALERT_CHANNELS[7].type',
      'PULSE_ALERT_CHANNELS[8].quietHours',
    ])
    expect(config.issues[4]?.message).toContain('wrangler secret put PULSE_CHANNEL_NOSECRET_TOKEN')
  })

  it('refuses a secret written into the variable and says which secret it belongs in', () => {
    const leaked = 'https://discord.com/api/webhooks/123/leaked-token-value'
    const config = channels([{ id: 'ops', type: 'discord', url: leaked }], {
      PULSE_CHANNEL_OPS_URL: leaked,
    })
    expect(config.channels).toEqual([])
    expect(config.issues).toEqual([
      {
        field: 'PULSE_ALERT_CHANNELS[0].url',
        message:
          'is a secret: set PULSE_CHANNEL_OPS_URL instead (wrangler secret put); channel "ops" is left out',
      },
    ])
  })

  it('checks secret values and never shows them', () => {
    const values = {
      PULSE_CHANNEL_TG_TOKEN: 'not-a-bot-token-value',
      PULSE_CHANNEL_HOOK_URL: 'https://example.com/hook',
      PULSE_CHANNEL_HOOK_SECRET: `whsec_${btoa('too-short-key')}`,
      PULSE_CHANNEL_PO_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
      PULSE_CHANNEL_PO_USER: 'short-user-key-value',
      PULSE_CHANNEL_NT_URL: 'https://ntfy.sh/not a topic!',
      PULSE_CHANNEL_SL_URL: 'hooks.slack.com/services/no-scheme-value',
    }
    const config = channels(
      [
        { id: 'tg', type: 'telegram', chatId: 1 },
        { id: 'hook', type: 'webhook' },
        { id: 'po', type: 'pushover' },
        { id: 'nt', type: 'ntfy' },
        { id: 'sl', type: 'slack' },
        { id: 'site', type: 'apprise', url: 'https://user:hunter2-password@apprise.example.com' },
      ],
      values,
    )
    expect(config.channels).toEqual([])
    expect(config.issues.map((i) => i.field)).toEqual([
      'PULSE_CHANNEL_TG_TOKEN',
      'PULSE_CHANNEL_HOOK_SECRET',
      'PULSE_CHANNEL_PO_USER',
      'PULSE_CHANNEL_NT_URL',
      'PULSE_CHANNEL_SL_URL',
      'PULSE_ALERT_CHANNELS[5].url',
    ])
    const text = JSON.stringify(config.issues)
    for (const value of [
      ...Object.values(values).filter(
        (v) => v !== values.PULSE_CHANNEL_HOOK_URL && v !== values.PULSE_CHANNEL_PO_TOKEN,
      ),
      'hunter2-password',
    ]) {
      expect(text).not.toContain(value)
    }
  })

  it('leaves out an e-mail channel whose send_email binding is not there', () => {
    const config = channels([
      {
        id: 'mail',
        type: 'email',
        from: 'a@example.com',
        to: 'b@example.com',
        binding: 'PULSE_MAIL',
      },
    ])
    expect(config.channels).toEqual([])
    expect(config.issues).toEqual([
      {
        field: 'PULSE_ALERT_CHANNELS[0].binding',
        message: expect.stringContaining('names no send_email binding'),
      },
    ])
  })

  it('reports a variable that is not a JSON array, without its text, and uses no channel', () => {
    const config = read({ PULSE_ALERT_CHANNELS: '{"id": "secret-looking-text"' })
    expect(config.channels).toEqual([])
    expect(config.channelsIncomplete).toBe(true)
    expect(config.issues).toEqual([{ field: 'PULSE_ALERT_CHANNELS', message: expect.any(String) }])
    expect(JSON.stringify(config.issues)).not.toContain('secret-looking-text')
  })
})

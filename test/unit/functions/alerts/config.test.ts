import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { ChannelPolicyShape, channelPolicy } from '../../../../functions/config/alert-policy.ts'
import { DEFAULT_ALERT_RULES, parseAlertRules } from '../../../../functions/config/alert-rules.ts'
import type { ConfigIssue } from '../../../../functions/config/issue.ts'
import { readConfig } from '../../../../functions/config.ts'
import type { Env } from '../../../../functions/env.ts'
import { ALERT_RULES } from '../../../../shared/schema/alerts.ts'

function parse(raw: unknown) {
  const issues: ConfigIssue[] = []
  return { rules: parseAlertRules(raw, issues), issues }
}

describe('PULSE_ALERT_RULES', () => {
  it('unset is the documented homelab defaults', () => {
    const { rules, issues } = parse(undefined)
    expect(issues).toEqual([])
    expect(rules.rules['age-all']).toEqual({ enabled: true, warningHours: 36, criticalHours: 72 })
    expect(rules.rules['age-pve'].enabled).toBe(false)
    expect(rules.rules['age-pbs'].enabled).toBe(false)
    expect(rules.rules['age-snapshots']).toEqual({
      enabled: false,
      warningHours: 168,
      criticalHours: 336,
    })
    expect(rules.rules.missed).toEqual({ enabled: true, criticalAfterHours: 24 })
    expect(rules.rules['pbs-job']).toMatchObject({ warnings: true, failedSeverity: 'critical' })
    expect(rules.rules['no-job'].enabled).toBe(false)
    expect(rules.rules['orphan-new']).toEqual({
      enabled: false,
      severity: 'warning',
      repeatHours: 0,
    })
    expect(rules.exclude).toEqual({
      guests: [],
      clusters: [],
      pools: [],
      tags: ['pulse-ignore'],
      pbsComment: 'no-monitor',
      stores: [],
    })
    expect(rules).toMatchObject({ stoppedGuests: false, repeatHours: 24, flapMinutes: 30 })
    expect(parse({}).rules).toEqual(rules)
  })

  it('keeps what is set and fills the rest', () => {
    const { rules, issues } = parse({
      rules: { 'age-pbs': { enabled: true, warningHours: 30 }, 'no-job': { enabled: true } },
      exclude: { tags: ['archive'] },
      sources: { 'pbs-main': { reachable: '22:00-06:00 Europe/Berlin', afterMinutes: 90 } },
      repeatHours: 0,
    })
    expect(issues).toEqual([])
    expect(rules.rules['age-pbs']).toEqual({ enabled: true, warningHours: 30, criticalHours: 72 })
    expect(rules.rules['no-job'].enabled).toBe(true)
    expect(rules.exclude.tags).toEqual(['archive'])
    expect(rules.sources['pbs-main']).toEqual({
      reachable: { start: 22 * 60, end: 6 * 60, timeZone: 'Europe/Berlin' },
      afterMinutes: 90,
    })
    expect(rules.repeatHours).toBe(0)
  })

  it('replaces each bad field by its default, names it by path and never echoes the value', () => {
    const secretish = 'hunter2-not-a-number'
    const { rules, issues } = parse({
      rules: {
        'age-all': { warningHours: secretish },
        'age-pbs': { enabled: true, warningHours: 100, criticalHours: 50 },
        'source-down': { afterMinute: 5 },
      },
      exclude: { tags: ['keep', 7, 'also'] },
      sources: { 'pbs-main': { reachable: '25:00-06:00 Mars/Olympus' } },
      flapMinutes: -1,
      typo: true,
    })
    const fields = issues.map((i) => i.field).sort()
    expect(fields).toEqual(
      [
        'PULSE_ALERT_RULES.exclude.tags[1]',
        'PULSE_ALERT_RULES.flapMinutes',
        'PULSE_ALERT_RULES.rules.age-all.warningHours',
        'PULSE_ALERT_RULES.rules.age-pbs',
        'PULSE_ALERT_RULES.rules.source-down.afterMinute',
        'PULSE_ALERT_RULES.sources.pbs-main.reachable',
        'PULSE_ALERT_RULES.typo',
      ].sort(),
    )
    expect(JSON.stringify(issues)).not.toContain(secretish)
    expect(JSON.stringify(issues)).not.toContain('Olympus')
    // Everything else stays as set.
    expect(rules.rules['age-all'].warningHours).toBe(36)
    expect(rules.rules['age-pbs']).toEqual(DEFAULT_ALERT_RULES.rules['age-pbs'])
    expect(rules.exclude.tags).toEqual(['keep', 'also'])
    expect(rules.sources['pbs-main']).toEqual({})
    expect(rules.flapMinutes).toBe(30)
    expect(issues.find((i) => i.field.endsWith('age-pbs'))?.message).toMatch(
      /warningHours must not exceed criticalHours/,
    )
  })

  it('reads a value that is not an object as the defaults, with one issue', () => {
    const { rules, issues } = parse(['not', 'an', 'object'])
    expect(rules).toEqual(DEFAULT_ALERT_RULES)
    expect(issues).toEqual([
      { field: 'PULSE_ALERT_RULES', message: expect.stringMatching(/JSON object/) },
    ])
  })

  it('is read by the one configuration, with bad JSON and unknown sources reported by field', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const bad = readConfig({ PULSE_ALERT_RULES: '{not json' } as unknown as Env)
    expect(bad.alertRules).toEqual(DEFAULT_ALERT_RULES)
    expect(bad.issues.map((i) => i.field)).toEqual(['PULSE_ALERT_RULES'])
    const env = {
      PULSE_ALERT_RULES: JSON.stringify({
        rules: { 'age-pbs': { enabled: true } },
        sources: { nowhere: { afterMinutes: 5 } },
      }),
    } as unknown as Env
    const config = readConfig(env)
    expect(config.alertRules.rules['age-pbs'].enabled).toBe(true)
    expect(config.issues.map((i) => i.field)).toEqual(['PULSE_ALERT_RULES.sources.nowhere'])
    warn.mockRestore()
  })
})

describe('channel policy settings', () => {
  const schema = z.object(ChannelPolicyShape)

  it('defaults to every warning and critical event, six digests an hour, no quiet hours', () => {
    expect(channelPolicy('ntfy', schema.parse({}))).toEqual({
      id: 'ntfy',
      minSeverity: 'warning',
      rules: null,
      maxPerHour: 6,
      quietHours: null,
      quietCriticalBypass: true,
    })
  })

  it('reads quiet hours in a zone and refuses a bad window or rule name', () => {
    const policy = channelPolicy(
      'mail',
      schema.parse({ quietHours: '22:00-07:00 Europe/Berlin', rules: ['missed'] }),
    )
    expect(policy.quietHours).toEqual({ start: 1_320, end: 420, timeZone: 'Europe/Berlin' })
    expect(policy.rules).toEqual(['missed'])
    expect(schema.safeParse({ quietHours: '22-07' }).success).toBe(false)
    expect(schema.safeParse({ rules: ['age'] }).success).toBe(false)
  })
})

describe('README "Alerts"', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## Alerts'), readme.indexOf('## API'))

  it('has an example that reads without a single issue', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(section)?.[1]
    const { rules, issues } = parse(JSON.parse(example ?? 'null'))
    expect(issues).toEqual([])
    expect(rules.rules['age-pbs'].warningHours).toBe(30)
  })

  it('lists every rule, with the defaults the schema has', () => {
    for (const rule of ALERT_RULES) expect(section).toContain(`\`${rule}\``)
    const d = DEFAULT_ALERT_RULES.rules
    expect(section).toContain(
      `on, ${d['age-all'].warningHours} h / ${d['age-all'].criticalHours} h`,
    )
    expect(section).toContain(
      `on, ${d['store-usage'].warningPercent} % / ${d['store-usage'].criticalPercent} %`,
    )
    expect(section).toContain(`default ${DEFAULT_ALERT_RULES.flapMinutes}`)
  })
})

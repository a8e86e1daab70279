// PULSE_ALERT_RULES: which alert rules are on, their thresholds, scope, exclusions, overrides
// and sources' expected reachability (README "Alerts"). Every field has a homelab default, so
// `{}` (or unset) is a working configuration. A bad field falls back to its default and is
// reported by its path (`PULSE_ALERT_RULES.rules.age-pbs.warningHours`), never by value; the
// other fields keep what was set.
import * as z from 'zod'
import { type DailyWindow, parseDailyWindow } from '../alerts/daily-window.ts'
import type { ConfigIssue } from './issue.ts'

const FIELD = 'PULSE_ALERT_RULES'
const SOURCE_ID = /^[a-z0-9][a-z0-9-]{0,31}$/
const GUEST_KEY = /^[a-z0-9][a-z0-9-]{0,31}\/\d{1,9}$/

const positive = (unit: string) =>
  z.number({ error: `must be a number of ${unit} above 0` }).positive({
    error: `must be a number of ${unit} above 0`,
  })
const atLeastZero = (unit: string) =>
  z.number({ error: `must be a number of ${unit}, 0 or more` }).min(0, {
    error: `must be a number of ${unit}, 0 or more`,
  })
const onOff = z.boolean({ error: 'must be true or false' })
const severity = z.enum(['warning', 'critical'], { error: 'must be "warning" or "critical"' })
const percent = z
  .number({ error: 'must be a percentage above 0, at most 100' })
  .gt(0, { error: 'must be a percentage above 0, at most 100' })
  .max(100, { error: 'must be a percentage above 0, at most 100' })
/** Per-rule reminder interval; unset = the top-level `repeatHours`. 0 = never repeat. */
const repeatHours = atLeastZero('hours').optional()

const dailyWindow = z
  .string({ error: 'must be "HH:MM-HH:MM" with an optional time zone' })
  .transform((text, ctx): DailyWindow => {
    const parsed = parseDailyWindow(text)
    if (parsed) return parsed
    ctx.issues.push({
      code: 'custom',
      message:
        'must be "HH:MM-HH:MM" with an optional IANA time zone, e.g. "22:00-06:00 Europe/Berlin"',
      input: undefined,
    })
    return z.NEVER
  })

function ordered<T extends z.ZodType>(schema: T, low: string, high: string) {
  return schema.refine(
    (value) => {
      const v = value as Record<string, number>
      return (v[low] ?? 0) <= (v[high] ?? 0)
    },
    { error: `${low} must not exceed ${high}` },
  )
}

const ageRule = (enabled: boolean, warningHours: number, criticalHours: number) =>
  ordered(
    z.strictObject({
      enabled: onOff.default(enabled),
      warningHours: positive('hours').default(warningHours),
      criticalHours: positive('hours').default(criticalHours),
      repeatHours,
    }),
    'warningHours',
    'criticalHours',
  ).prefault({})

const simpleRule = (enabled: boolean, level: 'warning' | 'critical' = 'warning', repeat?: number) =>
  z
    .strictObject({
      enabled: onOff.default(enabled),
      severity: severity.default(level),
      repeatHours: repeat === undefined ? repeatHours : atLeastZero('hours').default(repeat),
    })
    .prefault({})

export const RulesSchema = z
  .strictObject({
    'age-all': ageRule(true, 36, 72),
    'age-pve': ageRule(false, 36, 72),
    'age-pbs': ageRule(false, 36, 72),
    'age-snapshots': ageRule(false, 168, 336),
    missed: z
      .strictObject({
        enabled: onOff.default(true),
        /** Missed for this long (from the passed deadline): critical. */
        criticalAfterHours: positive('hours').default(24),
        repeatHours,
      })
      .prefault({}),
    'job-failed': simpleRule(true),
    'guest-failed': simpleRule(true),
    'verify-failed': simpleRule(true),
    'pbs-job': z
      .strictObject({
        enabled: onOff.default(true),
        /** Alert on `WARNINGS: n` too (as a warning). */
        warnings: onOff.default(true),
        failedSeverity: severity.default('critical'),
        repeatHours,
      })
      .prefault({}),
    'store-full': ordered(
      z.strictObject({
        enabled: onOff.default(true),
        /** Estimated full within this many days: critical / warning. */
        criticalDays: positive('days').default(3),
        warningDays: positive('days').default(14),
        repeatHours,
      }),
      'criticalDays',
      'warningDays',
    ).prefault({}),
    'store-usage': ordered(
      z.strictObject({
        enabled: onOff.default(true),
        warningPercent: percent.default(85),
        criticalPercent: percent.default(95),
        repeatHours,
      }),
      'warningPercent',
      'criticalPercent',
    ).prefault({}),
    'store-maintenance': z
      .strictObject({
        enabled: onOff.default(true),
        afterHours: atLeastZero('hours').default(24),
        severity: severity.default('warning'),
        repeatHours,
      })
      .prefault({}),
    'store-unmounted': simpleRule(true),
    'source-down': ordered(
      z.strictObject({
        enabled: onOff.default(true),
        afterMinutes: atLeastZero('minutes').default(60),
        criticalAfterMinutes: positive('minutes').default(1_440),
        repeatHours,
      }),
      'afterMinutes',
      'criticalAfterMinutes',
    ).prefault({}),
    'no-job': simpleRule(false),
    // An orphan is often kept on purpose (a parked guest): told once, never repeated.
    'orphan-new': simpleRule(false, 'warning', 0),
  })
  .prefault({})

const ageOverride = z.strictObject({
  enabled: onOff.optional(),
  warningHours: positive('hours').optional(),
  criticalHours: positive('hours').optional(),
})
const toggleOverride = z.strictObject({ enabled: onOff.optional() })

/** What a cluster, pool, tag or guest may change: the rules about that guest. */
export const GuestOverrideSchema = z.strictObject({
  'age-all': ageOverride.optional(),
  'age-pve': ageOverride.optional(),
  'age-pbs': ageOverride.optional(),
  'age-snapshots': ageOverride.optional(),
  missed: z
    .strictObject({ enabled: onOff.optional(), criticalAfterHours: positive('hours').optional() })
    .optional(),
  'guest-failed': toggleOverride.optional(),
  'verify-failed': toggleOverride.optional(),
  'no-job': toggleOverride.optional(),
})

const names = (message: string) => z.array(z.string({ error: message }).min(1, { error: message }))

export const AlertRulesSchema = z.strictObject({
  rules: RulesSchema,
  /** Stopped guests alert too (templates never do). */
  stoppedGuests: onOff.default(false),
  exclude: z
    .strictObject({
      guests: z.array(z.string().regex(GUEST_KEY, { error: 'must be "cluster/vmid"' })).default([]),
      clusters: names('must be a cluster (source) id').default([]),
      pools: names('must be a pool name').default([]),
      /** Proxmox tags, compared case-insensitively. */
      tags: names('must be a tag').default(['pulse-ignore']),
      /** A guest or orphan whose PBS group comment contains this text; null = off. */
      pbsComment: z
        .string({ error: 'must be text or null' })
        .min(1)
        .nullable()
        .default('no-monitor'),
      /** Datastores (`source/store`) and PVE storages (`cluster/storage`, `cluster/node/storage`). */
      stores: names('must be a store key').default([]),
    })
    .prefault({}),
  overrides: z
    .strictObject({
      clusters: z.record(z.string().regex(SOURCE_ID), GuestOverrideSchema).default({}),
      pools: z.record(z.string().min(1), GuestOverrideSchema).default({}),
      tags: z.record(z.string().min(1), GuestOverrideSchema).default({}),
      guests: z.record(z.string().regex(GUEST_KEY), GuestOverrideSchema).default({}),
    })
    .prefault({}),
  /** Per source id: when it is expected to answer, and its own unreachable grace. */
  sources: z
    .record(
      z.string().regex(SOURCE_ID),
      z.strictObject({
        reachable: dailyWindow.optional(),
        afterMinutes: atLeastZero('minutes').optional(),
      }),
    )
    .default({}),
  /** Reminder interval while firing and not acknowledged; 0 = never. */
  repeatHours: atLeastZero('hours').default(24),
  /** A re-fire within this many minutes of a resolve is the same incident. */
  flapMinutes: atLeastZero('minutes').default(30),
})

export type AlertRules = z.output<typeof AlertRulesSchema>
export type GuestOverride = z.output<typeof GuestOverrideSchema>
export type RuleSettings = AlertRules['rules']

export const DEFAULT_ALERT_RULES: AlertRules = AlertRulesSchema.parse({})

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    FIELD,
  )
}

const DROPPED = Symbol('dropped')

/** Removes the value at `path` (so its default applies); array elements are dropped. */
function dropAt(root: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = root
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return false
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  const last = path.at(-1)
  if (last === undefined || node === null || typeof node !== 'object') return false
  if (Array.isArray(node) && typeof last === 'number') node[last] = DROPPED
  else delete (node as Record<PropertyKey, unknown>)[last]
  return true
}

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== DROPPED).map(compact)
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = compact(v)
  }
  return value
}

/**
 * Reads the rules; each problem goes to `issues` by field path and that field takes its default.
 * `raw` is the already JSON-parsed setting (undefined when unset).
 */
export function parseAlertRules(raw: unknown, issues: ConfigIssue[]): AlertRules {
  if (raw === undefined) return DEFAULT_ALERT_RULES
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({
      field: FIELD,
      message: 'must be a JSON object; the defaults are used until fixed',
    })
    return DEFAULT_ALERT_RULES
  }
  const input: unknown = structuredClone(raw)
  const reported = new Set<string>()
  // Each round drops what failed; a dropped field cannot fail again, so this ends.
  for (let round = 0; round < 50; round += 1) {
    const result = AlertRulesSchema.safeParse(input)
    if (result.success) return result.data
    let dropped = false
    for (const issue of result.error.issues) {
      const paths =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => [...issue.path, key])
          : [issue.path]
      for (const path of paths) {
        const field = fieldName(path)
        if (!reported.has(field)) {
          reported.add(field)
          const message =
            issue.code === 'unrecognized_keys'
              ? 'is not a setting; ignored'
              : `${issue.message}; the default is used until fixed`
          issues.push({ field, message })
        }
        dropped = dropAt(input, path) || dropped
      }
    }
    compact(input)
    if (!dropped) break
  }
  issues.push({ field: FIELD, message: 'could not be read; the defaults are used until fixed' })
  return DEFAULT_ALERT_RULES
}

// Every PULSE_* setting with a fixed name, in one zod schema (the per-source secrets
// PULSE_TOKEN_<ID> and PULSE_ACCESS_CLIENT_*_<ID> are named after source ids: sources.ts).
// Blank counts as unset, values are trimmed. One policy for all: a value that cannot be read is
// reported by field name, never by value, and replaced by its documented safe default
// (ON_ERROR); the other settings are unaffected.
import * as z from 'zod'
import { DEFAULT_THRESHOLDS } from '../../shared/age.ts'
import type { Env } from '../env.ts'
import { parseSigningSecrets } from '../hooks/standard-webhooks.ts'
import type { ConfigIssue } from './issue.ts'

/** Free plan: 50 external subrequests per invocation; keep a margin for the unexpected. */
export const DEFAULT_SUBREQUEST_BUDGET = 45
export const DEFAULT_HOOK_MIN_INTERVAL_SECONDS = 60
/** A day: beyond that the cron (every 15 minutes) makes the hooks pointless anyway. */
const MAX_HOOK_MIN_INTERVAL_SECONDS = 86_400
/** RFC 6750 token68: what a bearer token may contain (hono/bearer-auth checks the same). */
const BEARER_TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/

/** A week: a grace beyond that makes even a weekly job's miss meaningless. */
const MAX_MISSED_GRACE_MINUTES = 10_080

const PUBLIC_URL_MESSAGE =
  'must be the http(s) address of the dashboard, e.g. https://pulse.example.com (no query)'
/** How long history (backups no longer on storage, job runs, usage samples) is kept. */
export const DEFAULT_HISTORY_DAYS = 400
/** The estimated-full date is fitted over the last 30 days of samples: keep at least those. */
export const MIN_HISTORY_DAYS = 30
/** Ten years: beyond that nobody reads the chart, and the rows only cost space. */
const MAX_HISTORY_DAYS = 3650

const SWITCH_MESSAGE = 'must be "true"/"on" or "false"/"off"'

/** Blank is unset; anything else is trimmed before its schema sees it. */
function setting<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value,
    schema,
  )
}

const text = (message: string) => z.string({ error: message })

const onOff = text(SWITCH_MESSAGE)
  .toLowerCase()
  .pipe(z.enum(['true', 'on', 'false', 'off'], { error: SWITCH_MESSAGE }))
  .transform((value) => value === 'true' || value === 'on')

const hours = text('must be a positive number of hours')
  .transform(Number)
  .refine((n) => Number.isFinite(n) && n > 0, { error: 'must be a positive number of hours' })

function wholeNumber(min: number, max: number, message: string) {
  return text(message)
    .transform(Number)
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: message })
}

/** JSON.parse's own message quotes its input, which may hold a pasted secret: never used. */
function json(message: string) {
  return text(message).transform((raw, ctx): unknown => {
    try {
      return JSON.parse(raw)
    } catch {
      ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: undefined })
      return z.NEVER
    }
  })
}

export const SettingsSchema = z.object({
  PULSE_SOURCES: setting(
    json('must be a JSON array of sources')
      .pipe(z.array(z.unknown(), { error: 'must be a JSON array of sources' }))
      .default([]),
  ),
  PULSE_FRESH_HOURS: setting(hours.default(DEFAULT_THRESHOLDS.freshHours)),
  PULSE_STALE_HOURS: setting(hours.default(DEFAULT_THRESHOLDS.staleHours)),
  /** Unset: per job, max(1 h, 2 × its median run time) (normalize/guest-schedule.ts). */
  PULSE_MISSED_GRACE_MINUTES: setting(
    wholeNumber(
      1,
      MAX_MISSED_GRACE_MINUTES,
      `must be whole minutes from 1 to ${MAX_MISSED_GRACE_MINUTES}`,
    ).optional(),
  ),
  PULSE_SUBREQUEST_BUDGET: setting(
    wholeNumber(1, Number.MAX_SAFE_INTEGER, 'must be a whole number above 0').default(
      DEFAULT_SUBREQUEST_BUDGET,
    ),
  ),
  PULSE_API_TOKEN: setting(
    text('must be text')
      .regex(BEARER_TOKEN_PATTERN, {
        error: 'may hold only letters, digits and -._~+/ (then "=" padding), as a bearer token',
      })
      .optional(),
  ),
  PULSE_ALLOW_ANONYMOUS_REFRESH: setting(onOff.default(false)),
  PULSE_WEBHOOK_SECRET: setting(text('must be text').optional()),
  PULSE_WEBHOOK_SIGNING_SECRET: setting(
    text('must be text')
      .transform((raw, ctx) => {
        const keys = parseSigningSecrets(raw)
        if (keys) return keys
        ctx.issues.push({
          code: 'custom',
          message: 'must be whsec_<base64> (several space-separated while rotating)',
          input: undefined,
        })
        return z.NEVER
      })
      .optional(),
  ),
  PULSE_HOOK_MIN_INTERVAL_SECONDS: setting(
    wholeNumber(
      0,
      MAX_HOOK_MIN_INTERVAL_SECONDS,
      `must be whole seconds from 0 to ${MAX_HOOK_MIN_INTERVAL_SECONDS}`,
    ).default(DEFAULT_HOOK_MIN_INTERVAL_SECONDS),
  ),
  /** The dashboard's address, for the links in alert messages (README "Alerts"). */
  PULSE_PUBLIC_URL: setting(
    text(PUBLIC_URL_MESSAGE)
      .refine(
        (value) => {
          if (!/^https?:\/\//.test(value) || !URL.canParse(value)) return false
          const url = new URL(value)
          return url.username === '' && url.password === '' && url.search === '' && url.hash === ''
        },
        { error: PUBLIC_URL_MESSAGE },
      )
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
  ),
  PULSE_HISTORY_DAYS: setting(
    wholeNumber(
      MIN_HISTORY_DAYS,
      MAX_HISTORY_DAYS,
      `must be whole days from ${MIN_HISTORY_DAYS} to ${MAX_HISTORY_DAYS}`,
    ).default(DEFAULT_HISTORY_DAYS),
  ),
  /** Local development only: POST /api/dev/replay runs a refresh as of a past time. */
  PULSE_DEV_REPLAY: setting(onOff.default(false)),
  PULSE_BADGES: setting(onOff.default(true)),
  PULSE_BADGE_SHOW_NAMES: setting(onOff.default(false)),
  PULSE_BADGE_IDS_ONLY: setting(onOff.default(false)),
  PULSE_ALERT_RULES: setting(
    json('must be a JSON object of alert rules (README "Alerts")').optional(),
  ),
  PULSE_ALERT_CHANNELS: setting(
    json('must be a JSON array of channels (README "Notification channels")')
      .pipe(
        z.array(z.unknown(), {
          error: 'must be a JSON array of channels (README "Notification channels")',
        }),
      )
      .default([]),
  ),
  PULSE_BADGE_IDS: setting(
    json('must be a JSON object of opaque id → "cluster/vmid"')
      .pipe(
        z.record(z.string(), z.unknown(), {
          error: 'must be a JSON object of opaque id → "cluster/vmid"',
        }),
      )
      .default({}),
  ),
})

export type SettingName = keyof typeof SettingsSchema.shape
export type Settings = z.output<typeof SettingsSchema>

/**
 * What an unreadable setting is read as, as the value one would set. Unlisted: as if unset.
 * Badges are public, so there the safe default is the more private choice (README "Status
 * badges"); an unreadable secret leaves its route closed, as when unset.
 */
const ON_ERROR: Partial<Record<SettingName, string>> = {
  PULSE_BADGES: 'off',
  PULSE_BADGE_IDS_ONLY: 'true',
  PULSE_BADGE_SHOW_NAMES: 'false',
  PULSE_ALLOW_ANONYMOUS_REFRESH: 'false',
  PULSE_DEV_REPLAY: 'false',
}

/** Names the replacement, which is a constant: never the value that was found. */
function fallbackText(field: SettingName): string {
  // A source entry has its own rule (left out, named by field): see sources.ts.
  if (field === 'PULSE_SOURCES') return ''
  const onError = ON_ERROR[field]
  if (onError !== undefined) return `; read as "${onError}" until fixed`
  const unset: unknown = SettingsSchema.shape[field].parse(undefined)
  return typeof unset === 'number'
    ? `; the default ${unset} is used until fixed`
    : '; treated as unset until fixed'
}

export interface ParsedSettings {
  settings: Settings
  issues: ConfigIssue[]
  /** The settings that could not be read (and were replaced by their safe default). */
  failed: ReadonlySet<SettingName>
}

export function parseSettings(env: Env): ParsedSettings {
  const first = SettingsSchema.safeParse(env)
  if (first.success) return { settings: first.data, issues: [], failed: new Set() }
  const issues: ConfigIssue[] = []
  const failed = new Set<SettingName>()
  for (const issue of first.error.issues) {
    const field = String(issue.path[0]) as SettingName
    if (failed.has(field)) continue
    failed.add(field)
    issues.push({ field, message: `${issue.message}${fallbackText(field)}` })
  }
  const patched: Record<string, unknown> = {}
  for (const name of Object.keys(SettingsSchema.shape) as SettingName[]) {
    patched[name] = failed.has(name) ? ON_ERROR[name] : env[name]
  }
  // Cannot fail: every replaced field now holds a valid value or nothing.
  return { settings: SettingsSchema.parse(patched), issues, failed }
}

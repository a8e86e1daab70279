// PULSE_ALERT_CHANNELS entries and their secrets, PULSE_CHANNEL_<ID>_<NAME> (the id upper-cased,
// `-` → `_`, as for sources). An entry that is invalid, names a binding that is not there, or
// misses a secret is left out and named by field; the other channels keep working. No message
// echoes a value: an option may be a pasted secret.
import type * as z from 'zod'
import type { ChannelPolicy } from '../alerts/digest.ts'
import type { Env } from '../env.ts'
import { parseSigningSecrets } from '../hooks/standard-webhooks.ts'
import type { ReportSchedule } from '../reports/schedule.ts'
import { channelPolicy } from './alert-policy.ts'
import {
  CHANNEL_SECRETS,
  ChannelSchema,
  type ChannelSettings,
  type ChannelType,
  type SecretName,
} from './channel-options.ts'
import type { ConfigIssue } from './issue.ts'
import { ReportScheduleSchema, reportSchedule } from './report-schedule.ts'
import { secretSuffix } from './sources.ts'

const FIELD = 'PULSE_ALERT_CHANNELS'

type Secrets = typeof CHANNEL_SECRETS
type SecretsOf<T extends ChannelType> = {
  [K in Secrets[T]['required'][number] as Lowercase<K>]: string
} & { [K in Secrets[T]['optional'][number] as Lowercase<K>]?: string }

/** A configured channel: its options, its delivery policy and its secrets (memory only). */
export type ChannelConfig = {
  [T in ChannelType]: Extract<ChannelSettings, { type: T }> & {
    /** The entry's `name`, else its id. */
    label: string
    policy: ChannelPolicy
    /** The scheduled report of the fleet's state; null: none (config/report-schedule.ts). */
    report: ReportSchedule | null
    secrets: SecretsOf<T>
  }
}[ChannelType]

export type ChannelOf<T extends ChannelType> = Extract<ChannelConfig, { type: T }>

export function channelSecretName(id: string, name: SecretName): `PULSE_${string}` {
  return `PULSE_CHANNEL_${secretSuffix(id)}_${name}`
}

/** Every secret value of a channel, for redaction (delivery/redact.ts). */
export function channelSecretValues(channel: ChannelConfig): string[] {
  return Object.values(channel.secrets).filter((v): v is string => typeof v === 'string')
}

// What each secret must look like; the message never shows what was found.
const SECRET_CHECKS: Record<SecretName, { test: (value: string) => boolean; message: string }> = {
  URL: {
    test: (value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value),
    message: 'must be the full http(s) URL',
  },
  TOKEN: {
    // Header-safe: it goes into Authorization / X-Gotify-Key or a URL path.
    test: (value) => /^[\x21-\x7e]{1,512}$/.test(value),
    message: 'must be the token as given, without spaces',
  },
  USER: {
    // "User and group identifiers are 30 characters long, case-sensitive, [A-Za-z0-9]" (pushover.net/api).
    test: (value) => /^[A-Za-z0-9]{30}$/.test(value),
    message: 'must be the 30-character Pushover user or group key',
  },
  SECRET: {
    // "Random. At least 24 bytes" (Standard Webhooks, "Signature scheme").
    test: (value) => parseSigningSecrets(value)?.every((key) => key.length >= 24) ?? false,
    message:
      'must be whsec_<base64 of 24 or more random bytes> (several space-separated while rotating)',
  },
}

/** Stricter checks of one type's secret. */
const TYPE_SECRET_CHECKS: Partial<
  Record<
    ChannelType,
    Partial<Record<SecretName, { test: (value: string) => boolean; message: string }>>
  >
> = {
  // Bot tokens are `<bot id>:<secret>` (core.telegram.org/bots/api "Authorizing your bot").
  telegram: {
    TOKEN: {
      test: (value) => /^\d{1,20}:[A-Za-z0-9_-]{20,}$/.test(value),
      message: 'must be the bot token, <bot id>:<secret>',
    },
  },
  // Topic names: "letters, numbers, underscores and dashes", up to 64 (docs.ntfy.sh/publish).
  ntfy: {
    URL: {
      test: (value) =>
        SECRET_CHECKS.URL.test(value) && /\/[-_A-Za-z0-9]{1,64}\/?$/.test(new URL(value).pathname),
      message: 'must be the topic URL, e.g. https://ntfy.sh/<topic>',
    },
  },
}

function readSecret(env: Env, name: `PULSE_${string}`): string | undefined {
  const value = env[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function readSecrets(
  env: Env,
  settings: ChannelSettings,
  issues: ConfigIssue[],
): Record<string, string> | undefined {
  const spec: { required: readonly SecretName[]; optional: readonly SecretName[] } =
    CHANNEL_SECRETS[settings.type]
  const secrets: Record<string, string> = {}
  let complete = true
  for (const name of [...spec.required, ...spec.optional]) {
    const field = channelSecretName(settings.id, name)
    const value = readSecret(env, field)
    if (value === undefined) {
      if (spec.required.includes(name)) {
        issues.push({
          field,
          message: `is not set: the ${name.toLowerCase()} of ${settings.type} channel "${settings.id}" (wrangler secret put ${field})`,
        })
        complete = false
      }
      continue
    }
    const check = TYPE_SECRET_CHECKS[settings.type]?.[name] ?? SECRET_CHECKS[name]
    if (!check.test(value)) {
      issues.push({ field, message: `${check.message}; channel "${settings.id}" is left out` })
      complete = false
      continue
    }
    secrets[name.toLowerCase()] = value
  }
  return complete ? secrets : undefined
}

function formatPath(base: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    base,
  )
}

/** A key that names one of the type's secrets was put in the variable: say where it goes. */
function misplacedSecret(item: unknown, index: number, issues: ConfigIssue[]): boolean {
  if (item === null || typeof item !== 'object') return false
  const entry = item as Record<string, unknown>
  const type = entry.type
  const id = entry.id
  if (typeof type !== 'string' || !(type in CHANNEL_SECRETS) || typeof id !== 'string') return false
  const spec = CHANNEL_SECRETS[type as ChannelType]
  // `url` is an option of gotify and apprise (their server), a secret of the webhook types.
  const names = [...spec.required, ...spec.optional].filter((name) => name.toLowerCase() in entry)
  for (const name of names) {
    issues.push({
      field: `${FIELD}[${index}].${name.toLowerCase()}`,
      message: `is a secret: set ${channelSecretName(id, name)} instead (wrangler secret put); channel "${id}" is left out`,
    })
  }
  return names.length > 0
}

function hasSendBinding(env: Env, binding: string): boolean {
  const value = (env as unknown as Record<string, unknown>)[binding]
  return typeof value === 'object' && value !== null && 'send' in value
}

/** Each zod issue by field; a key the schema does not know is told `unknownKey`. */
function issuesOf(
  error: z.ZodError,
  base: string,
  issues: ConfigIssue[],
  unknownKey: string,
  tail = '',
): void {
  for (const issue of error.issues) {
    const paths =
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => [...issue.path, key])
        : [issue.path]
    for (const path of paths) {
      issues.push({
        field: formatPath(base, path),
        message: `${issue.code === 'unrecognized_keys' ? unknownKey : issue.message}${tail}`,
      })
    }
  }
}

/**
 * The entry's `report`, read on its own: a bad one is named by field and the channel works on
 * without a report. Its zone defaults to the quiet hours' (else UTC).
 */
function readReport(
  raw: unknown,
  field: string,
  policy: ChannelPolicy,
  issues: ConfigIssue[],
): ReportSchedule | null {
  if (raw === undefined || raw === null) return null
  const parsed = ReportScheduleSchema.safeParse(raw)
  if (!parsed.success) {
    issuesOf(
      parsed.error,
      field,
      issues,
      'is not an option of a report (every, at, weekday, timeZone)',
      '; the channel sends no report until fixed',
    )
    return null
  }
  return reportSchedule(parsed.data, policy.quietHours?.timeZone ?? 'UTC')
}

export interface ParsedChannels {
  channels: ChannelConfig[]
  /** How many entries were left out. */
  leftOut: number
}

/** The entries of PULSE_ALERT_CHANNELS (already read as a JSON array) with their secrets. */
export function parseChannels(items: unknown[], env: Env, issues: ConfigIssue[]): ParsedChannels {
  const channels: ChannelConfig[] = []
  const seen = new Set<string>()
  items.forEach((item, index) => {
    if (misplacedSecret(item, index, issues)) return
    const entry =
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? (item as Record<string, unknown>)
        : null
    // The report is read apart (readReport): a bad one must not take the channel with it.
    const { report: rawReport, ...options } = entry ?? {}
    const parsed = ChannelSchema.safeParse(entry ? options : item)
    if (!parsed.success) {
      issuesOf(parsed.error, `${FIELD}[${index}]`, issues, 'is not an option of this channel type')
      return
    }
    const settings = parsed.data
    if (seen.has(settings.id)) {
      issues.push({ field: `${FIELD}[${index}].id`, message: 'is used by another channel' })
      return
    }
    seen.add(settings.id)
    if (settings.type === 'email' && !hasSendBinding(env, settings.binding)) {
      issues.push({
        field: `${FIELD}[${index}].binding`,
        message: 'names no send_email binding of this Worker (README "E-mail"); channel left out',
      })
      return
    }
    const secrets = readSecrets(env, settings, issues)
    if (!secrets) return
    const policy = channelPolicy(settings.id, settings)
    channels.push({
      ...settings,
      label: settings.name ?? settings.id,
      policy,
      report: readReport(rawReport, `${FIELD}[${index}].report`, policy, issues),
      secrets,
    } as ChannelConfig)
  })
  return { channels, leftOut: items.length - channels.length }
}

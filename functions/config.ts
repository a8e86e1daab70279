// The Worker's configuration: every PULSE_* variable and secret read once per environment object
// into one typed Config (pieces in config/). One policy: a bad source is left out while the good
// ones keep working, a bad optional setting falls back to its documented safe default, and each
// problem is a ConfigIssue named by field, never by value. Secrets stay in memory, in Config.
import { DEFAULT_THRESHOLDS, type Thresholds } from '../shared/age.ts'
import { type AlertRules, parseAlertRules } from './config/alert-rules.ts'
import { type GuestRef, parseBadgeIds } from './config/badge-ids.ts'
import { type ChannelConfig, parseChannels } from './config/channels.ts'
import type { ConfigIssue } from './config/issue.ts'
import { parseSettings } from './config/schema.ts'
import { parseSources, type SourceConfig } from './config/sources.ts'
import type { Env } from './env.ts'
import type { KeyBytes } from './hooks/standard-webhooks.ts'

export type { AlertRules } from './config/alert-rules.ts'
export { CLUSTER_PATTERN, type GuestRef, VMID_PATTERN } from './config/badge-ids.ts'
export {
  type ChannelConfig,
  type ChannelOf,
  channelSecretName,
  channelSecretValues,
} from './config/channels.ts'
export type { ConfigIssue } from './config/issue.ts'
export {
  DEFAULT_HISTORY_DAYS,
  DEFAULT_HOOK_MIN_INTERVAL_SECONDS,
  DEFAULT_SUBREQUEST_BUDGET,
} from './config/schema.ts'
export {
  type ClusterMap,
  type PbsSourceConfig,
  type PveSourceConfig,
  type SourceConfig,
  type SourceCredentials,
  secretSuffix,
} from './config/sources.ts'

export interface Config {
  /** The valid sources of PULSE_SOURCES that have their secrets. */
  readonly sources: readonly SourceConfig[]
  /**
   * PULSE_SOURCES could not be read or an entry of it was left out (invalid, or its secrets
   * missing): a source stored earlier but absent from `sources` may be a typo, not a removal.
   * Only this holds stored sources; no other setting's problem does.
   */
  readonly sourcesIncomplete: boolean
  readonly thresholds: Thresholds
  /** Grace after a scheduled backup run before a guest is missed; undefined: per job default. */
  readonly missedGraceSeconds: number | undefined
  readonly refresh: {
    /** Outbound requests one invocation may make. */
    readonly subrequestBudget: number
    /** Bearer token of POST /api/refresh and GET /metrics; unset = refresh only on schedule. */
    readonly apiToken: string | undefined
    /** Local development only: with no token set, anyone may POST /api/refresh, GET /metrics. */
    readonly anonymousRefreshAllowed: boolean
  }
  readonly hooks: {
    readonly minIntervalSeconds: number
    /** Bearer secret of POST /hooks/proxmox; unset (or unreadable) = the route answers 503. */
    readonly proxmoxSecret: string | undefined
    /** HMAC keys of POST /hooks/refresh; unset (or unreadable) = the route answers 503. */
    readonly signingKeys: KeyBytes[] | undefined
  }
  readonly badges: {
    readonly enabled: boolean
    /** Label badges with the guest's name instead of only the backup type. */
    readonly showNames: boolean
    /** Answer only /badge/id/<opaque> for guests, so no URL carries a VMID. */
    readonly idsOnly: boolean
    readonly ids: ReadonlyMap<string, GuestRef>
  }
  readonly history: {
    /**
     * PULSE_HISTORY_DAYS: backups no longer on storage, job runs and usage samples older than
     * this are dropped (README "History").
     */
    readonly retentionDays: number
    /**
     * PULSE_DEV_REPLAY, local development only: POST /api/dev/replay refreshes as of a past
     * time, so `npm run dev` can replay the lab's year through the refresh pass.
     */
    readonly replayAllowed: boolean
  }
  /** PULSE_ALERT_RULES: rules, scope, overrides, reachability windows (README "Alerts"). */
  readonly alertRules: AlertRules
  /**
   * PULSE_PUBLIC_URL: the dashboard's address for links in alert messages, without a trailing
   * slash; unset = the address the Worker was last reached at (the coordinator remembers it).
   */
  readonly publicUrl: string | undefined
  /** The valid channels of PULSE_ALERT_CHANNELS that have their secrets (and binding). */
  readonly channels: readonly ChannelConfig[]
  /**
   * PULSE_ALERT_CHANNELS could not be read or an entry was left out: a channel with stored
   * state (outbox, delivery log) but absent from `channels` may be a typo, not a removal.
   */
  readonly channelsIncomplete: boolean
  /** Every problem found, by field name; listed in /api/status and logged once. */
  readonly issues: ConfigIssue[]
}

function buildConfig(env: Env): Config {
  const { settings, issues: settingIssues, failed } = parseSettings(env)
  const issues: ConfigIssue[] = []
  const sourcesField = settingIssues.filter((i) => i.field === 'PULSE_SOURCES')
  issues.push(...sourcesField)
  const { sources, leftOut } = parseSources(settings.PULSE_SOURCES, env, issues)
  issues.push(...settingIssues.filter((i) => i.field !== 'PULSE_SOURCES'))

  let thresholds: Thresholds = {
    freshHours: settings.PULSE_FRESH_HOURS,
    staleHours: settings.PULSE_STALE_HOURS,
  }
  if (thresholds.staleHours < thresholds.freshHours) {
    issues.push({
      field: 'PULSE_STALE_HOURS',
      message: 'must not be less than PULSE_FRESH_HOURS; the defaults are used until fixed',
    })
    thresholds = DEFAULT_THRESHOLDS
  }
  const ids = parseBadgeIds(settings.PULSE_BADGE_IDS, issues)
  const alertRules = parseAlertRules(settings.PULSE_ALERT_RULES, issues)
  const channels = parseChannels(settings.PULSE_ALERT_CHANNELS, env, issues)
  for (const id of Object.keys(alertRules.sources)) {
    if (!sources.some((source) => source.id === id)) {
      issues.push({
        field: `PULSE_ALERT_RULES.sources.${id}`,
        message: 'names no configured source; ignored until one has that id',
      })
    }
  }

  return {
    sources,
    sourcesIncomplete: failed.has('PULSE_SOURCES') || leftOut > 0,
    thresholds,
    missedGraceSeconds:
      settings.PULSE_MISSED_GRACE_MINUTES === undefined
        ? undefined
        : settings.PULSE_MISSED_GRACE_MINUTES * 60,
    refresh: {
      subrequestBudget: settings.PULSE_SUBREQUEST_BUDGET,
      apiToken: settings.PULSE_API_TOKEN,
      // An unreadable token is not "no token": it must not open the route to anyone.
      anonymousRefreshAllowed:
        settings.PULSE_ALLOW_ANONYMOUS_REFRESH && !failed.has('PULSE_API_TOKEN'),
    },
    hooks: {
      minIntervalSeconds: settings.PULSE_HOOK_MIN_INTERVAL_SECONDS,
      proxmoxSecret: settings.PULSE_WEBHOOK_SECRET,
      signingKeys: settings.PULSE_WEBHOOK_SIGNING_SECRET,
    },
    badges: {
      enabled: settings.PULSE_BADGES,
      showNames: settings.PULSE_BADGE_SHOW_NAMES,
      idsOnly: settings.PULSE_BADGE_IDS_ONLY,
      ids,
    },
    history: {
      retentionDays: settings.PULSE_HISTORY_DAYS,
      replayAllowed: settings.PULSE_DEV_REPLAY,
    },
    alertRules,
    publicUrl: settings.PULSE_PUBLIC_URL,
    channels: channels.channels,
    channelsIncomplete: failed.has('PULSE_ALERT_CHANNELS') || channels.leftOut > 0,
    issues,
  }
}

const byEnv = new WeakMap<Env, Config>()
let lastLogged = ''

/** The Config of this environment object: parsed on first use, then cached by identity. */
export function readConfig(env: Env): Config {
  const cached = byEnv.get(env)
  if (cached) return cached
  const config = buildConfig(env)
  byEnv.set(env, config)
  // Field names and fixed messages only; logged when they change, not on every request.
  const lines = config.issues.map((issue) => `config: ${issue.field} ${issue.message}`)
  const key = lines.join('\n')
  if (key !== lastLogged) {
    for (const line of lines) console.warn(line)
    lastLogged = key
  }
  return config
}

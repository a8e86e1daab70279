// The Worker's bindings, variables and secrets as the runtime hands them over (raw text; read
// and validated once, in config.ts). Documented in README.md. At the bottom of the imports: it
// names only the queue message type, from a module that imports nothing of the Worker.
import type { RefreshMessage } from './queue-message.ts'

export interface Env {
  /** The read cache: the guest index and per-guest records (written by the coordinator only). */
  PULSE_KV: KVNamespace
  /** The coordinator Durable Object (functions/coordinator/): the only writer of state. */
  PULSE_COORDINATOR: DurableObjectNamespace
  /** The dashboard (web/), built to dist/web. */
  ASSETS: Fetcher
  /** JSON array of Proxmox sources (no secrets in it); see README "Configuration". */
  PULSE_SOURCES?: string
  /** Hours a backup counts as fresh / stale before it is overdue (defaults 24 / 72). */
  PULSE_FRESH_HOURS?: string
  PULSE_STALE_HOURS?: string
  /** Minutes after a scheduled backup run before a guest without a new backup is missed. */
  PULSE_MISSED_GRACE_MINUTES?: string
  /** Outbound requests one invocation may make (default 45, for Free's 50). */
  PULSE_SUBREQUEST_BUDGET?: string
  /**
   * Bearer token for POST /api/refresh and GET /metrics (scripts, Prometheus); unset = refresh
   * only on schedule and /metrics closed.
   */
  PULSE_API_TOKEN?: string
  /**
   * Optional Cloudflare Queue (producer binding) for fanning a refresh out, one message per
   * source; the same Worker consumes it. Unset = one invocation per refresh + continuation.
   */
  PULSE_QUEUE?: Queue<RefreshMessage>
  /** "true" lets anyone trigger a refresh and read /metrics: for local development only. */
  PULSE_ALLOW_ANONYMOUS_REFRESH?: string
  /** Days of history kept (backups no longer on storage, job runs, usage; default 400). */
  PULSE_HISTORY_DAYS?: string
  /** "true" opens POST /api/dev/replay (a refresh as of a past time): local development only. */
  PULSE_DEV_REPLAY?: string
  /** "off" answers 404 on every /badge route; badges are on by default. */
  PULSE_BADGES?: string
  /** "true" labels badges with the guest's name; off by default, as badges are public. */
  PULSE_BADGE_SHOW_NAMES?: string
  /** JSON object of alert rules, scope, overrides and reachability windows (README "Alerts"). */
  PULSE_ALERT_RULES?: string
  /**
   * JSON array of notification channels (no secrets in it; README "Notification channels").
   * Their secrets are PULSE_CHANNEL_<ID>_URL / _TOKEN / _USER / _SECRET; an e-mail channel
   * names a `send_email` binding (PULSE_EMAIL by default).
   */
  PULSE_ALERT_CHANNELS?: string
  /** The dashboard's address (https://pulse.example.com), for links in alert messages. */
  PULSE_PUBLIC_URL?: string
  /** JSON object of opaque badge id → "cluster/vmid", served as /badge/id/<id>.svg|.json. */
  PULSE_BADGE_IDS?: string
  /** "true" serves guest badges only by opaque id, so no public URL carries a VMID. */
  PULSE_BADGE_IDS_ONLY?: string
  /**
   * Secret a Proxmox webhook target sends as `Authorization: Bearer …` to POST /hooks/proxmox;
   * unset = that route answers 503. Never logged or echoed.
   */
  PULSE_WEBHOOK_SECRET?: string
  /**
   * Standard Webhooks signing secret(s) for POST /hooks/refresh: `whsec_<base64>`, several
   * space-separated while rotating; unset = that route answers 503.
   */
  PULSE_WEBHOOK_SIGNING_SECRET?: string
  /** Seconds between webhook-started refreshes of one source (default 60; 0 = no minimum). */
  PULSE_HOOK_MIN_INTERVAL_SECONDS?: string
  /**
   * Secrets named after a source id: PULSE_TOKEN_<ID> (API token secret) and optional
   * PULSE_ACCESS_CLIENT_ID[_<ID>] / PULSE_ACCESS_CLIENT_SECRET[_<ID>] (Cloudflare Access).
   */
  [secret: `PULSE_${string}`]: unknown
}

export type AppEnv = { Bindings: Env }

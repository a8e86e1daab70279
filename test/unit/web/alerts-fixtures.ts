// Fixtures for the Alerts view (issue 12): /api/alerts, /api/alerts/channels and the answers to
// acknowledge / snooze / test, for the unit tests and the browser tests alike. Each is parsed
// with the shared schema it claims to be, so a contract change breaks them here, not silently.
// The subjects are the issue-11 fixtures' jobs and stores, so their links land on real rows.
import * as z from 'zod/mini'
import {
  type Alert,
  type AlertActionResponse,
  AlertActionResponseSchema,
  AlertSchema,
  type AlertsResponse,
  AlertsResponseSchema,
  type ChannelsResponse,
  ChannelsResponseSchema,
  type ChannelTestResponse,
  ChannelTestResponseSchema,
  type DeliveryLogEntry,
} from '../../../shared/schema/alerts.ts'

const HOUR = 3_600

export interface AlertGuests {
  /** The dashboard's own URL, as the Worker puts it in every link. */
  base: string
  cluster: string
  /** Existing guests: missed, failed inside a job, resolved. */
  vmids: [number, number, number]
  /** Their names as the index has them. */
  names: [string, string, string]
}

/** The guest-failed alert's detail: PVE's error text. */
export const JOB_ERROR = 'unable to create temporary directory: No space left on device'
export const SYNC_ERROR = 'remote "offsite" unreachable: connection refused'

const link = (base: string, params: Record<string, string>) => {
  const q = new URLSearchParams(params).toString()
  return `${base.replace(/\/+$/, '')}/${q ? `?${q}` : ''}`
}

export function alertFixture(overrides: Partial<Alert> & Pick<Alert, 'id'>): Alert {
  return z.parse(AlertSchema, {
    rule: 'age-all',
    severity: 'warning',
    subject: { kind: 'guest', key: 'homelab/100', name: 'web (VM 100, cluster homelab)' },
    summary: 'Newest backup is 40h old (warning after 36h).',
    detail: null,
    link: 'https://pulse.example/?guest=homelab%2F100',
    state: 'firing',
    since: 0,
    resolvedAt: null,
    resolution: null,
    lastNotified: null,
    acknowledged: null,
    snoozedUntil: null,
    incidents: 1,
    ...overrides,
  })
}

/** Five firing (two critical), two resolved: every kind of subject and state the view shows. */
export function alertsFixture(now: number, g: AlertGuests): AlertsResponse {
  const { base, cluster } = g
  const [a, b, c] = g.vmids
  const guest = (vmid: number, name: string) => ({
    kind: 'guest' as const,
    key: `${cluster}/${vmid}`,
    name: `${name} (VM ${vmid}, cluster ${cluster})`,
  })
  const alerts: Alert[] = [
    alertFixture({
      id: `source-down:pbs-offsite`,
      rule: 'source-down',
      severity: 'warning',
      subject: { kind: 'source', key: 'pbs-offsite', name: 'pbs-offsite (PBS)' },
      summary: 'Not read successfully for 2h (warning after 60 min).',
      link: link(base, {}),
      since: now - 2 * HOUR,
      lastNotified: now - HOUR,
    }),
    alertFixture({
      id: `missed:${cluster}/${a}`,
      rule: 'missed',
      severity: 'critical',
      subject: guest(a, g.names[0]),
      summary:
        'Missed its scheduled backup: nothing new since the run of 21:00 (job backup-nightly).',
      link: link(base, { guest: `${cluster}/${a}` }),
      since: now - 26 * HOUR,
      lastNotified: now - 2 * HOUR,
      incidents: 2,
    }),
    alertFixture({
      id: `guest-failed:${cluster}/${b}`,
      rule: 'guest-failed',
      severity: 'warning',
      subject: guest(b, g.names[1]),
      summary: 'Failed in the last run of job weekly-archive.',
      detail: JOB_ERROR,
      link: link(base, { view: 'jobs', job: `${cluster}/weekly-archive` }),
      since: now - 4 * 24 * HOUR,
      lastNotified: now - 4 * 24 * HOUR,
      acknowledged: { by: 'ann', at: now - 3 * 24 * HOUR },
    }),
    alertFixture({
      id: 'pbs-job:pbs/sync/pull-offsite',
      rule: 'pbs-job',
      severity: 'critical',
      subject: {
        kind: 'pbs-job',
        key: 'pbs/sync/pull-offsite',
        name: 'sync job pull-offsite on pbs',
      },
      summary: 'The last run failed.',
      detail: SYNC_ERROR,
      link: link(base, { view: 'jobs', job: 'pbs/sync/pull-offsite' }),
      since: now - 5 * HOUR,
      lastNotified: now - 5 * HOUR,
    }),
    alertFixture({
      id: 'store-usage:pbs/main',
      rule: 'store-usage',
      severity: 'warning',
      subject: { kind: 'datastore', key: 'pbs/main', name: 'datastore main on pbs' },
      summary: '87% used (warning above 85%).',
      link: link(base, { view: 'storage', store: 'pbs/main' }),
      since: now - 30 * HOUR,
      lastNotified: now - 30 * HOUR,
      snoozedUntil: now + 5 * HOUR,
    }),
    alertFixture({
      id: `age-all:${cluster}/${c}`,
      rule: 'age-all',
      severity: 'warning',
      subject: guest(c, g.names[2]),
      summary: 'Newest backup was 40h old (warning after 36h).',
      link: link(base, { guest: `${cluster}/${c}` }),
      state: 'resolved',
      since: now - 20 * HOUR,
      resolvedAt: now - 3 * HOUR,
      resolution: 'ok',
      lastNotified: now - 3 * HOUR,
    }),
    alertFixture({
      id: `verify-failed:${cluster}/4242`,
      rule: 'verify-failed',
      severity: 'warning',
      subject: {
        kind: 'guest',
        key: `${cluster}/4242`,
        name: `4242 (VM 4242, cluster ${cluster})`,
      },
      summary: 'Newest PBS snapshot failed verification.',
      link: link(base, { guest: `${cluster}/4242` }),
      state: 'resolved',
      since: now - 50 * HOUR,
      resolvedAt: now - 30 * HOUR,
      resolution: 'removed',
      lastNotified: now - 50 * HOUR,
    }),
  ]
  return z.parse(AlertsResponseSchema, { alerts, firing: { critical: 2, warning: 3 } })
}

export const allClear = (): AlertsResponse =>
  z.parse(AlertsResponseSchema, { alerts: [], firing: { critical: 0, warning: 0 } })

/** The Worker's answer to an action: the alert with what it now records. */
export const actionAnswer = (alert: Alert, patch: Partial<Alert>): AlertActionResponse =>
  z.parse(AlertActionResponseSchema, { alert: { ...alert, ...patch } })

export function logEntry(overrides: Partial<DeliveryLogEntry>): DeliveryLogEntry {
  return {
    channelId: 'phone',
    messageId: 'msg-1',
    attempt: 1,
    at: 0,
    status: 'sent',
    httpStatus: 200,
    error: null,
    nextAttemptAt: null,
    ...overrides,
  }
}

/** Three channels: a healthy ntfy with a daily report, a Discord retrying a 429 in quiet hours, an idle e-mail. */
export function channelsFixture(now: number): ChannelsResponse {
  return z.parse(ChannelsResponseSchema, {
    incomplete: false,
    channels: [
      {
        id: 'phone',
        type: 'ntfy',
        label: 'Phone (ntfy)',
        minSeverity: 'warning',
        rules: null,
        maxPerHour: 6,
        quietHours: null,
        report: {
          every: 'daily',
          at: '08:00',
          weekday: null,
          timeZone: 'Europe/Berlin',
          next: now + 3 * HOUR,
        },
        pending: 0,
        log: [
          logEntry({ messageId: 'd-2', at: now - HOUR }),
          logEntry({ messageId: 'd-1', at: now - 5 * HOUR }),
        ],
      },
      {
        id: 'team',
        type: 'discord',
        label: 'Team Discord',
        minSeverity: 'warning',
        rules: null,
        maxPerHour: 6,
        quietHours: {
          start: 22 * 60,
          end: 7 * 60,
          timeZone: 'Europe/Berlin',
          criticalBypass: true,
        },
        report: null,
        pending: 2,
        log: [
          logEntry({
            channelId: 'team',
            messageId: 'd-2',
            attempt: 2,
            at: now - 10 * 60,
            status: 'retry',
            httpStatus: 429,
            error: 'rate limited (Retry-After: 600)',
            nextAttemptAt: now + 20 * 60,
          }),
          logEntry({
            channelId: 'team',
            messageId: 'd-2',
            attempt: 1,
            at: now - 40 * 60,
            status: 'retry',
            httpStatus: 500,
            error: 'Internal Server Error',
            nextAttemptAt: now - 10 * 60,
          }),
        ],
      },
      {
        id: 'mail',
        type: 'email',
        label: 'Mail to me',
        minSeverity: 'critical',
        rules: ['missed', 'source-down'],
        maxPerHour: 0,
        quietHours: null,
        report: null,
        pending: 0,
        log: [],
      },
    ],
  })
}

export const noChannels = (incomplete = false): ChannelsResponse =>
  z.parse(ChannelsResponseSchema, { channels: [], incomplete })

export const testAnswer = (entry: Partial<DeliveryLogEntry>): ChannelTestResponse =>
  z.parse(ChannelTestResponseSchema, { result: logEntry(entry) })

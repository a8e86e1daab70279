// Fixtures for the alert engine: published records with sensible defaults (cluster pve-a, PBS
// pbs-main, guest 101 "db01" backed up 2 h before NOW) that each test overrides with only what
// it is about, and a harness that runs evaluate → step like the coordinator will.

import type { AlertAction } from '../../../../functions/alerts/actions.ts'
import type { EvaluationInput } from '../../../../functions/alerts/condition.ts'
import { evaluate } from '../../../../functions/alerts/evaluate.ts'
import {
  type LifecycleSettings,
  lifecycleSettings,
  type StepResult,
  step,
} from '../../../../functions/alerts/lifecycle.ts'
import type { AlertEvent } from '../../../../functions/alerts/message.ts'
import { type AlertState, EMPTY_ALERT_STATE } from '../../../../functions/alerts/state.ts'
import {
  type AlertRules,
  DEFAULT_ALERT_RULES,
  parseAlertRules,
} from '../../../../functions/config/alert-rules.ts'
import type { ConfigIssue } from '../../../../functions/config/issue.ts'
import type { GuestSummary, Orphan } from '../../../../shared/schema/guest.ts'
import type { PbsJob, PveBackupJob, PveJobRun } from '../../../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../../../shared/schema/status.ts'
import type { BackupStorage, Datastore } from '../../../../shared/schema/storage.ts'

/** 2025-06-08T07:00:00Z (a Sunday, 09:00 in Berlin). */
export const NOW = 1_749_366_000
export const MINUTE = 60
export const HOUR = 3_600
export const DAY = 86_400
export const BASE_URL = 'https://pulse.example.com'

export function guest(overrides: Partial<GuestSummary> = {}): GuestSummary {
  const latest =
    overrides.latestBackupTime === undefined ? NOW - 2 * HOUR : overrides.latestBackupTime
  return {
    key: `pve-a/${overrides.guestId ?? 101}`,
    cluster: 'pve-a',
    guestId: 101,
    guestName: 'db01',
    type: 'qemu',
    node: 'node1',
    status: 'running',
    template: false,
    latestBackupTime: latest,
    latestTimes: { pve: null, pbs: latest, snapshots: null },
    lastJob: null,
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: 0, pbs: latest === null ? 0 : 3, snapshots: 0 },
    schedule: null,
    verification: null,
    tags: [],
    pool: null,
    ...overrides,
  }
}

/** A guest whose newest backup (of every kind) is `hoursOld` old. */
export function agedGuest(hoursOld: number, overrides: Partial<GuestSummary> = {}): GuestSummary {
  const latest = NOW - hoursOld * HOUR
  return guest({
    latestBackupTime: latest,
    latestTimes: { pve: latest, pbs: latest, snapshots: null },
    ...overrides,
  })
}

export function source(overrides: Partial<SourceStatus> = {}): SourceStatus {
  return {
    id: 'pve-a',
    kind: 'pve',
    lastAttempt: NOW - 5 * MINUTE,
    lastSuccess: NOW - 5 * MINUTE,
    lastError: null,
    stale: false,
    warnings: [],
    deferred: 0,
    counts: { guests: 1, backups: 0, snapshots: 0 },
    ...overrides,
  }
}

export function pbsSource(overrides: Partial<SourceStatus> = {}): SourceStatus {
  return source({ id: 'pbs-main', kind: 'pbs', ...overrides })
}

/** A source whose reads have failed since `downFor` seconds before `at`. */
export function downSource(base: SourceStatus, downFor: number, at: number = NOW): SourceStatus {
  return {
    ...base,
    lastAttempt: at - 60,
    lastSuccess: at - downFor,
    lastError: { kind: 'network', message: 'connect timed out', at: at - 60 },
    stale: true,
  }
}

export function pveRun(overrides: Partial<PveJobRun> = {}): PveJobRun {
  return {
    upid: 'UPID:node1:0001:0002:0003:68449A10:vzdump::root@pam:',
    node: 'node1',
    start: NOW - 6 * HOUR,
    end: NOW - 5 * HOUR,
    outcome: 'ok',
    status: 'OK',
    failed: [],
    matchedByTime: false,
    ...overrides,
  }
}

export function pveJob(overrides: Partial<PveBackupJob> = {}): PveBackupJob {
  return {
    key: 'pve-a/backup-nightly',
    cluster: 'pve-a',
    id: 'backup-nightly',
    enabled: true,
    schedule: '01:00',
    nextRun: NOW + 18 * HOUR,
    previousRun: NOW - 6 * HOUR,
    storage: 'pbs-main',
    mode: 'snapshot',
    selection: { mode: 'all', vmids: [], pool: null, exclude: [], node: null },
    comment: null,
    notificationMode: null,
    covers: ['pve-a/101'],
    lastRun: pveRun(),
    typicalDuration: 3_600,
    ...overrides,
  }
}

export function pbsJob(overrides: Partial<PbsJob> = {}): PbsJob {
  return {
    key: 'pbs-main/verify/v-1',
    source: 'pbs-main',
    kind: 'verify',
    id: 'v-1',
    store: 'store1',
    schedule: 'daily',
    nextRun: NOW + 10 * HOUR,
    lastRunEnd: NOW - 3 * HOUR,
    lastRunState: 'OK',
    outcome: 'ok',
    warnings: 0,
    error: null,
    comment: null,
    ...overrides,
  }
}

export function datastore(overrides: Partial<Datastore> = {}): Datastore {
  return {
    key: 'pbs-main/store1',
    source: 'pbs-main',
    store: 'store1',
    comment: null,
    total: 1_000 * 2 ** 30,
    used: 400 * 2 ** 30,
    avail: 600 * 2 ** 30,
    estimatedFull: null,
    error: null,
    maintenance: null,
    mountStatus: 'nonremovable',
    backend: 'filesystem',
    gc: null,
    held: null,
    ...overrides,
  }
}

export function storage(overrides: Partial<BackupStorage> = {}): BackupStorage {
  return {
    key: 'pve-a/pbs-main',
    cluster: 'pve-a',
    storage: 'pbs-main',
    type: 'pbs',
    shared: true,
    nodes: ['node1'],
    used: null,
    total: null,
    estimatedFull: null,
    samples: 0,
    active: true,
    ...overrides,
  }
}

export function orphan(overrides: Partial<Orphan> = {}): Orphan {
  return {
    key: 'pve-a/105',
    orphan: true,
    cluster: 'pve-a',
    guestId: 105,
    type: 'qemu',
    latestBackupTime: NOW - 3 * DAY,
    latestTimes: { pve: null, pbs: NOW - 3 * DAY, snapshots: null },
    count: 4,
    locations: ['store1'],
    pbsGroup: null,
    ...overrides,
  }
}

export function input(overrides: Partial<EvaluationInput> = {}): EvaluationInput {
  return {
    guests: [guest()],
    orphans: [],
    jobs: { pve: [], pbs: [] },
    storage: { storages: [], datastores: [] },
    sources: [source(), pbsSource()],
    dashboardBaseUrl: BASE_URL,
    ...overrides,
  }
}

/** Rules from a PULSE_ALERT_RULES object; fails the test on any config issue. */
export function rules(raw: unknown = {}): AlertRules {
  const issues: ConfigIssue[] = []
  const parsed = parseAlertRules(raw, issues)
  if (issues.length > 0) throw new Error(`config issues: ${JSON.stringify(issues)}`)
  return parsed
}

/** The alert ids of the conditions that fire for this input. */
export function firingIds(
  data: EvaluationInput,
  config = DEFAULT_ALERT_RULES,
  now = NOW,
): string[] {
  return evaluate(data, config, now)
    .conditions.map((c) => c.alertId)
    .sort()
}

/** Drives evaluate → step over time, keeping the state and every event, as the coordinator. */
export class Harness {
  state: AlertState = EMPTY_ALERT_STATE
  readonly events: AlertEvent[] = []
  readonly settings: LifecycleSettings
  readonly config: AlertRules
  last: StepResult | null = null

  constructor(config: AlertRules = DEFAULT_ALERT_RULES) {
    this.config = config
    this.settings = lifecycleSettings(config)
  }

  /** A source not marked stale was read just before `now` (as after a good refresh). */
  run(data: EvaluationInput, now: number, actions: AlertAction[] = []): AlertEvent[] {
    const sources = data.sources.map((s) =>
      s.stale ? s : { ...s, lastAttempt: now - 60, lastSuccess: now - 60 },
    )
    const evaluation = evaluate({ ...data, sources }, this.config, now)
    this.last = step(this.state, evaluation, now, this.settings, actions)
    this.state = this.last.state
    this.events.push(...this.last.events)
    return this.last.events
  }

  record(id: string) {
    return this.state.alerts.find((a) => a.id === id)
  }

  kinds(id?: string): string[] {
    return this.events.filter((e) => id === undefined || e.alertId === id).map((e) => e.kind)
  }
}

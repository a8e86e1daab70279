// step(previous, evaluation, now, settings, actions) → { state, events }: each alert's life,
// ok → firing → resolved, and what to tell about it. Pure; the coordinator stores the state.
//
// - Fire: told once per incident ("fired"). Escalation warning → critical is told once per
//   incident ("escalated"); falling back to warning is silent, and climbing again is not told
//   again (one incident, one escalation).
// - Reminders ("repeat") every `repeatSeconds` of the rule while firing, unless acknowledged
//   or snoozed; 0 = never.
// - Held (a running backup, a running job, a source that cannot be judged): the alert keeps its
//   state; nothing fires, nothing resolves. Reminders of a held firing alert still come due.
// - Resolve: told once ("resolved"), carrying the highest severity told, so it reaches every
//   channel the fire or escalation reached. A subject that is gone, excluded, or whose rule is
//   off closes silently (resolution `removed`, `excluded`, `disabled`, `replaced`): never a
//   message about a deleted guest, nor a "resolved" that nothing fixed.
// - Flap window: an alert whose resolve was not told yet, firing again, continues the same
//   incident (no fire, no resolve, acknowledgement kept). For the rules whose value can swing
//   back and forth (FLAP_PRONE_RULES: reachability, usage, estimates, mounts) the resolve is
//   told only once the alert has stayed clear for the whole window, so the owner learns of a
//   real resolution at most that much later. Rules cleared by new evidence (a newer backup, a
//   job's next good run) tell the resolve at once: such evidence does not flap, and the
//   owner wants to hear "fixed" when it is fixed. A silent close also continues its incident
//   if the alert fires again within the window (a guest stopped and started again).
import type { AlertRule, Resolution } from '../../shared/schema/alerts.ts'
import { ALERT_RULES } from '../../shared/schema/alerts.ts'
import type { AlertRules } from '../config/alert-rules.ts'
import { type AlertAction, applyAction } from './actions.ts'
import { type Condition, type Evaluation, subjectRef } from './condition.ts'
import type { AlertEvent, AlertEventKind } from './message.ts'
import type { AlertRecord, AlertState } from './state.ts'

export const FLAP_PRONE_RULES: ReadonlySet<AlertRule> = new Set<AlertRule>([
  'source-down',
  'store-usage',
  'store-full',
  'store-unmounted',
])

/** Resolved alerts stay this long for the recent history on the page and in the API. */
export const KEEP_RESOLVED_SECONDS = 7 * 86_400

export interface LifecycleSettings {
  /** Reminder interval per rule, seconds; 0 = never. */
  repeatSeconds: Record<AlertRule, number>
  flapWindowSeconds: number
  keepResolvedSeconds: number
}

export function lifecycleSettings(config: AlertRules): LifecycleSettings {
  const repeatSeconds = {} as Record<AlertRule, number>
  for (const rule of ALERT_RULES) {
    repeatSeconds[rule] = Math.round((config.rules[rule].repeatHours ?? config.repeatHours) * 3_600)
  }
  return {
    repeatSeconds,
    flapWindowSeconds: Math.round(config.flapMinutes * 60),
    keepResolvedSeconds: KEEP_RESOLVED_SECONDS,
  }
}

export interface StepResult {
  state: AlertState
  /** In alert id order. */
  events: AlertEvent[]
  /** Ids whose record is new or changed: the rows to write. */
  changed: string[]
  /** Ids whose record was dropped (resolved longer ago than the history keeps). */
  dropped: string[]
}

function fromCondition(c: Condition) {
  return {
    rule: c.rule,
    subject: c.subject,
    severity: c.severity,
    summary: c.summary,
    detail: c.detail,
    link: c.link,
  }
}

function newIncident(c: Condition, previous: AlertRecord | undefined, now: number): AlertRecord {
  const snooze = previous?.snoozedUntil ?? null
  return {
    id: c.alertId,
    ...fromCondition(c),
    state: 'firing',
    since: Math.min(c.since ?? now, now),
    openedAt: now,
    resolvedAt: null,
    resolution: null,
    incident: (previous?.incident ?? 0) + 1,
    notifiedSeverity: null,
    closed: false,
    lastNotified: previous?.lastNotified ?? null,
    acknowledged: null,
    // A snooze is the owner's "not before": it outlives the incident it was set on.
    snoozedUntil: snooze !== null && snooze > now ? snooze : null,
  }
}

function present(
  c: Condition,
  record: AlertRecord | undefined,
  now: number,
  settings: LifecycleSettings,
): AlertRecord {
  if (!record) return newIncident(c, undefined, now)
  if (record.state === 'firing') return { ...record, ...fromCondition(c) }
  const untold = !record.closed
  const withinWindow =
    record.resolvedAt !== null && now - record.resolvedAt < settings.flapWindowSeconds
  // An untold resolve (pending in the window, or during a snooze) was never news: continue.
  if (untold && (record.resolution === 'ok' || withinWindow)) {
    return { ...record, ...fromCondition(c), state: 'firing', resolvedAt: null, resolution: null }
  }
  return newIncident(c, record, now)
}

function closeAs(
  record: AlertRecord,
  evaluation: Evaluation,
  held: { ids: ReadonlySet<string>; rules: ReadonlySet<AlertRule> },
  enabled: ReadonlySet<AlertRule>,
): Resolution | 'held' {
  if (held.ids.has(record.id) || held.rules.has(record.rule)) return 'held'
  if (!enabled.has(record.rule)) return 'disabled'
  const subject = evaluation.subjects[subjectRef(record.subject)]
  if (subject === undefined) return 'removed'
  if (subject === 'excluded') return 'excluded'
  return evaluation.off[record.id] ?? 'ok'
}

function absent(
  record: AlertRecord,
  evaluation: Evaluation,
  held: { ids: ReadonlySet<string>; rules: ReadonlySet<AlertRule> },
  enabled: ReadonlySet<AlertRule>,
  now: number,
): AlertRecord {
  if (record.state !== 'firing') return record
  const resolution = closeAs(record, evaluation, held, enabled)
  if (resolution === 'held') return record
  return { ...record, state: 'resolved', resolvedAt: now, resolution }
}

function eventOf(record: AlertRecord, kind: AlertEventKind, now: number): AlertEvent {
  const severity =
    kind === 'resolved'
      ? (record.notifiedSeverity ?? record.severity)
      : kind === 'escalated'
        ? 'critical'
        : record.severity
  return {
    // Once per incident for fired / escalated / resolved: a replayed step yields the same id.
    eventId: `${record.id}#${record.incident}:${kind}${kind === 'repeat' ? `:${now}` : ''}`,
    alertId: record.id,
    kind,
    rule: record.rule,
    severity,
    subject: record.subject,
    // For a resolve: the last thing that was wrong (the channel says it is resolved).
    summary: record.summary,
    ...(record.detail !== null ? { detail: record.detail } : {}),
    since: record.since,
    at: now,
    link: record.link,
  }
}

/** What to tell about the record now, and the record after telling it. */
function notify(
  record: AlertRecord,
  now: number,
  settings: LifecycleSettings,
): { record: AlertRecord; kind: AlertEventKind | null } {
  let r = record
  if (r.snoozedUntil !== null && r.snoozedUntil <= now) r = { ...r, snoozedUntil: null }
  const snoozed = r.snoozedUntil !== null
  const told = (kind: AlertEventKind, changes: Partial<AlertRecord>) => ({
    record: { ...r, ...changes, lastNotified: now },
    kind,
  })
  if (r.state === 'firing') {
    if (snoozed) return { record: r, kind: null }
    if (r.notifiedSeverity === null) return told('fired', { notifiedSeverity: r.severity })
    if (r.severity === 'critical' && r.notifiedSeverity === 'warning') {
      return told('escalated', { notifiedSeverity: 'critical' })
    }
    const repeat = settings.repeatSeconds[r.rule]
    if (
      !r.acknowledged &&
      repeat > 0 &&
      r.lastNotified !== null &&
      now - r.lastNotified >= repeat
    ) {
      return told('repeat', {})
    }
    return { record: r, kind: null }
  }
  if (r.closed) return { record: r, kind: null }
  const settled = r.resolvedAt === null || now - r.resolvedAt >= settings.flapWindowSeconds
  const close = { closed: true, acknowledged: null }
  // Silent: nothing is told; the window only keeps a quick return in the same incident.
  if (r.resolution !== 'ok') return { record: settled ? { ...r, ...close } : r, kind: null }
  // The fire was never told (it came and went in a snooze): there is nothing to take back.
  if (r.notifiedSeverity === null) return { record: { ...r, ...close }, kind: null }
  if (snoozed) return { record: r, kind: null }
  if (!FLAP_PRONE_RULES.has(r.rule) || settled) return told('resolved', close)
  return { record: r, kind: null }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function step(
  previous: AlertState,
  evaluation: Evaluation,
  now: number,
  settings: LifecycleSettings,
  actions: readonly AlertAction[] = [],
): StepResult {
  let state = previous
  for (const action of actions) state = applyAction(state, action).state

  const records = new Map(state.alerts.map((r) => [r.id, r]))
  const held = { ids: new Set(evaluation.held.ids), rules: new Set(evaluation.held.rules) }
  const enabled = new Set(evaluation.rules)
  const next: AlertRecord[] = []
  const seen = new Set<string>()
  for (const c of evaluation.conditions) {
    if (seen.has(c.alertId)) continue
    seen.add(c.alertId)
    next.push(present(c, records.get(c.alertId), now, settings))
  }
  for (const record of records.values()) {
    if (!seen.has(record.id)) next.push(absent(record, evaluation, held, enabled, now))
  }
  next.sort(byId)

  const before = new Map(previous.alerts.map((r) => [r.id, JSON.stringify(r)]))
  const alerts: AlertRecord[] = []
  const events: AlertEvent[] = []
  const changed: string[] = []
  const dropped: string[] = []
  for (const candidate of next) {
    const { record, kind } = notify(candidate, now, settings)
    if (kind) events.push(eventOf(record, kind, now))
    const expired =
      record.state === 'resolved' &&
      record.closed &&
      record.snoozedUntil === null &&
      record.resolvedAt !== null &&
      now - record.resolvedAt > settings.keepResolvedSeconds
    if (expired) {
      if (before.has(record.id)) dropped.push(record.id)
      continue
    }
    alerts.push(record)
    if (before.get(record.id) !== JSON.stringify(record)) changed.push(record.id)
  }
  return { state: { alerts }, events, changed, dropped }
}

/**
 * The earliest time after `now` at which a step would tell something with no new data: a
 * reminder, the end of a snooze, a resolve waiting out the flap window. For the coordinator's
 * alarm; null when nothing waits.
 */
export function nextDue(
  state: AlertState,
  settings: LifecycleSettings,
  now: number,
): number | null {
  let due: number | null = null
  const consider = (at: number) => {
    const t = Math.max(at, now + 1)
    if (due === null || t < due) due = t
  }
  for (const r of state.alerts) {
    if (r.snoozedUntil !== null && r.snoozedUntil > now && !r.closed) consider(r.snoozedUntil)
    if (r.state === 'firing') {
      const repeat = settings.repeatSeconds[r.rule]
      if (!r.acknowledged && repeat > 0 && r.lastNotified !== null)
        consider(r.lastNotified + repeat)
    } else if (!r.closed && r.resolvedAt !== null) {
      consider(r.resolvedAt + settings.flapWindowSeconds)
    }
  }
  return due
}

// The Alerts view (/api/alerts, /api/alerts/channels): what fires now, worst first, each with
// its subject linked to its view, since when and how it is handled (acknowledged, snoozed),
// with the actions; what resolved recently and how; what is not watched at all and why
// (collapsed); and each channel's health. Filters by severity and state live in the URL like
// the other views'.
import { html, nothing, type TemplateResult } from 'lit-html'
import type {
  Alert,
  AlertsResponse,
  ExcludedSubject,
  Severity,
} from '../../shared/schema/alerts.ts'
import { type AlertHandlers, alertItem, type ItemContext, isSnoozed } from './alert-item.ts'
import { SUBJECT_KIND_TEXT } from './alert-words.ts'
import { type ChannelsState, channelsView } from './channels-view.ts'
import { errorState, loadingState, reloadFailed } from './view-parts.ts'
import type { AlertStateFilter } from './view-state.ts'

export interface AlertsFilter {
  severity?: Severity
  alertState?: AlertStateFilter
}

export interface AlertsState extends Omit<ItemContext, 'on'> {
  alerts: AlertsResponse | null
  error: string | null
  filter: AlertsFilter
  channels: Omit<ChannelsState, 'now' | 'timeZone' | 'ui' | 'on'>
  on: AlertHandlers &
    ChannelsState['on'] & {
      filter(patch: AlertsFilter): void
      actor(name: string): void
      retry(): void
      retryChannels(): void
    }
}

const STATE_TEXT: Record<AlertStateFilter, string> = {
  firing: 'Firing',
  open: 'Not handled',
  acknowledged: 'Acknowledged',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
}

export function matchesState(a: Alert, s: AlertStateFilter | undefined, now: number): boolean {
  switch (s) {
    case undefined:
      return true
    case 'firing':
      return a.state === 'firing'
    case 'open':
      return a.state === 'firing' && a.acknowledged === null && !isSnoozed(a, now)
    case 'acknowledged':
      return a.state === 'firing' && a.acknowledged !== null
    case 'snoozed':
      return isSnoozed(a, now)
    case 'resolved':
      return a.state === 'resolved'
  }
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1 }

/** Firing (critical first, otherwise in the Worker's order), then resolved, newest first. */
export function splitAlerts(alerts: readonly Alert[]): { firing: Alert[]; resolved: Alert[] } {
  const firing = alerts
    .filter((a) => a.state === 'firing')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
  const resolved = alerts
    .filter((a) => a.state === 'resolved')
    .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))
  return { firing, resolved }
}

/** "2 firing (1 critical, 1 warning), 1 of them acknowledged · 3 resolved recently." */
export function alertsSummary(data: AlertsResponse, now: number): string {
  const { critical, warning } = data.firing
  const firing = critical + warning
  const { resolved } = splitAlerts(data.alerts)
  const handled = data.alerts.filter(
    (a) => a.state === 'firing' && (a.acknowledged !== null || isSnoozed(a, now)),
  ).length
  const head =
    firing === 0
      ? 'Nothing is firing'
      : `${firing} firing (${critical} critical, ${warning} warning)${handled ? `, ${handled} of them acknowledged or snoozed` : ''}`
  return `${head} · ${resolved.length} resolved recently.`
}

function filters(state: AlertsState, alerts: readonly Alert[]): TemplateResult {
  const { filter, on, now } = state
  const bySeverity = alerts.filter((a) => !filter.severity || a.severity === filter.severity)
  const count = (s: AlertStateFilter) => bySeverity.filter((a) => matchesState(a, s, now)).length
  const sev = (value: Severity | undefined, label: string) =>
    html`<button type="button" data-severity-filter=${value ?? 'all'} aria-pressed=${String(filter.severity === value)} @click=${() => on.filter({ ...filter, severity: value })}>${label}</button>`
  const st = (value: AlertStateFilter | undefined, label: string) =>
    html`<button type="button" data-state-filter=${value ?? 'all'} aria-pressed=${String(filter.alertState === value)} @click=${() => on.filter({ ...filter, alertState: value })}>${label}</button>`
  return html`<div class="alert-filters">
    <div class="tabs" role="group" aria-label="Severity">
      ${sev(undefined, 'All severities')}${sev('critical', 'Critical')}${sev('warning', 'Warning')}
    </div>
    <div class="tabs" role="group" aria-label="State">
      ${st(undefined, `All (${bySeverity.length})`)}
      ${(Object.keys(STATE_TEXT) as AlertStateFilter[]).map((s) => st(s, `${STATE_TEXT[s]} (${count(s)})`))}
    </div>
    <label class="actor">Your name, sent with acknowledgements <input type="text" maxlength="64" autocomplete="nickname" .value=${state.actor()} @change=${(e: Event) => on.actor((e.currentTarget as HTMLInputElement).value)} placeholder="optional" /></label>
  </div>`
}

function list(alerts: readonly Alert[], state: AlertsState, kind: string): TemplateResult {
  return html`<ul class=${`alert-list ${kind}`}>${alerts.map((a) => alertItem(a, state))}</ul>`
}

/** Every subject excluded from alerting, with why; collapsed, and absent when there is none. */
function notWatched(excluded: readonly ExcludedSubject[]): TemplateResult | typeof nothing {
  if (excluded.length === 0) return nothing
  return html`<details class="not-watched">
    <summary class="not-watched-title">Not watched (${excluded.length})</summary>
    <p class="not-watched-why">These never alert, whatever their backups look like: templates, stopped guests (unless <code>stoppedGuests</code> is on), disabled jobs, and what <code>exclude</code> in <code>PULSE_ALERT_RULES</code> or a PBS group comment leaves out.</p>
    <ul class="excluded-list">
      ${excluded.map(
        (s) =>
          html`<li data-subject=${`${s.kind}:${s.key}`}><span class="excluded-name">${s.name || s.key}</span> <span class="excluded-kind">${SUBJECT_KIND_TEXT[s.kind]}</span> <span class="excluded-reason">${s.reason}</span></li>`,
      )}
    </ul>
  </details>`
}

function content(state: AlertsState, data: AlertsResponse): TemplateResult {
  const { filter, now } = state
  const shown = data.alerts.filter(
    (a) =>
      (!filter.severity || a.severity === filter.severity) &&
      matchesState(a, filter.alertState, now),
  )
  const { firing, resolved } = splitAlerts(shown)
  const all = splitAlerts(data.alerts)
  const filtered = filter.severity !== undefined || filter.alertState !== undefined
  const clear = html`<button type="button" class="show-all" @click=${() => state.on.filter({})}>Show all alerts</button>`
  let body: TemplateResult
  if (data.alerts.length === 0)
    body = html`<div class="all-clear" data-empty="all-clear"><p><strong>All clear.</strong> No alert is firing and none resolved recently.</p></div>`
  else if (shown.length === 0)
    body = html`<p class="placeholder" data-empty="filtered">No alert matches these filters. ${clear}</p>`
  else
    body = html`${
      filter.alertState === 'resolved'
        ? nothing
        : html`<h3>Firing (${firing.length})</h3>
          ${
            firing.length > 0
              ? list(firing, state, 'firing')
              : all.firing.length === 0
                ? html`<div class="all-clear" data-empty="all-clear"><p><strong>All clear:</strong> nothing is firing.</p></div>`
                : html`<p class="placeholder">No firing alert matches these filters.</p>`
          }`
    }${
      resolved.length > 0
        ? html`<h3>Recently resolved (${resolved.length})</h3>${list(resolved, state, 'resolved')}`
        : nothing
    }${filtered ? html`<p class="filtered-note">Filtered: ${shown.length} of ${data.alerts.length} shown. ${clear}</p>` : nothing}`
  return html`${reloadFailed(state.error)}<p class="view-summary">${alertsSummary(data, now)} Times are in your time zone (${state.timeZone}).</p>
    ${data.alerts.length > 0 ? filters(state, data.alerts) : nothing}${body}${notWatched(data.excluded)}`
}

export function alertsView(state: AlertsState): TemplateResult {
  const main =
    state.error && !state.alerts
      ? errorState(`Cannot load the alerts: ${state.error}`, state.on.retry)
      : !state.alerts
        ? loadingState('Loading alerts…')
        : content(state, state.alerts)
  return html`<section class="view alerts-view" aria-labelledby="alerts-title">
    <h2 id="alerts-title" tabindex="-1">Alerts</h2>
    ${main}
    ${channelsView({
      ...state.channels,
      now: state.now,
      timeZone: state.timeZone,
      ui: state.ui,
      on: { ...state.on, retry: state.on.retryChannels },
    })}
  </section>`
}

// The Alerts view's channels: each configured channel's routing (minimum severity, rules,
// hourly cap, quiet hours), its scheduled report, what waits in its outbox, a test button, and its delivery log
// (newest first) with each attempt's status, HTTP status, error and next attempt.
import { html, nothing, type TemplateResult } from 'lit-html'
import type {
  ChannelsResponse,
  ChannelView,
  DeliveryLogEntry,
  QuietHours,
  ReportScheduleView,
} from '../../shared/schema/alerts.ts'
import { type ActionsUi, channelKey } from './alert-actions.ts'
import { dayTime, distance, exactTime, RULE_TEXT } from './alert-words.ts'
import { type TokenHandlers, tokenPrompt } from './token-prompt.ts'
import { errorState, loadingState, reloadFailed } from './view-parts.ts'

export interface ChannelsState {
  channels: ChannelsResponse | null
  error: string | null
  now: number
  timeZone: string
  ui: ActionsUi
  on: TokenHandlers & { test(channel: ChannelView): void; retry(): void }
}

const LOG_STATUS: Record<DeliveryLogEntry['status'], string> = {
  sent: 'sent',
  retry: 'failed, will retry',
  failed: 'refused, not retried',
  'gave-up': 'gave up',
}

const clockOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/** "22:00–07:00 Europe/Berlin, critical goes out at once". */
export function quietText(q: QuietHours | null): string {
  if (!q) return 'none'
  const bypass = q.criticalBypass ? 'critical goes out at once' : 'critical waits too'
  return `${clockOf(q.start)}–${clockOf(q.end)} ${q.timeZone}, ${bypass}`
}

const WEEKDAY: Record<NonNullable<ReportScheduleView['weekday']>, string> = {
  sun: 'Sundays',
  mon: 'Mondays',
  tue: 'Tuesdays',
  wed: 'Wednesdays',
  thu: 'Thursdays',
  fri: 'Fridays',
  sat: 'Saturdays',
}

/** "daily at 08:00 Europe/Berlin", "weekly, Mondays at 07:30 UTC". */
export function reportText(r: ReportScheduleView): string {
  const day = r.every === 'weekly' && r.weekday ? `, ${WEEKDAY[r.weekday]}` : ''
  return `${r.every}${day} at ${r.at} ${r.timeZone}`
}

function when(t: number | null, state: ChannelsState): TemplateResult | string {
  if (t === null) return '—'
  return html`<span title=${exactTime(t, state.timeZone)}>${dayTime(t, state.now, state.timeZone)}</span> <span class="rel">${distance(t, state.now)}</span>`
}

function logTable(c: ChannelView, state: ChannelsState): TemplateResult {
  if (c.log.length === 0) return html`<p class="placeholder">Nothing sent yet.</p>`
  return html`<div class="scroll">
    <table class="delivery-log">
      <caption>Delivery log, newest first</caption>
      <thead>
        <tr><th scope="col">Time</th><th scope="col">Attempt</th><th scope="col">Status</th><th scope="col">HTTP</th><th scope="col">Error</th><th scope="col">Next attempt</th></tr>
      </thead>
      <tbody>
        ${c.log.map(
          (e) => html`<tr data-status=${e.status} data-message=${e.messageId}>
            <td data-label="Time">${when(e.at, state)}</td>
            <td data-label="Attempt" class="num">${e.attempt}</td>
            <td data-label="Status"><span class=${`log-status log-${e.status}`}>${LOG_STATUS[e.status]}</span></td>
            <td data-label="HTTP" class="num">${e.httpStatus ?? '—'}</td>
            <td data-label="Error" class="wrap reason">${e.error ?? '—'}</td>
            <td data-label="Next attempt">${when(e.nextAttemptAt, state)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

function channelCard(c: ChannelView, state: ChannelsState): TemplateResult {
  const key = channelKey(c.id)
  const busy = state.ui.busy.get(key)
  const note = state.ui.notes.get(key)
  const prompt = state.ui.prompt?.key === key ? state.ui.prompt : null
  const rules = c.rules === null ? 'all' : c.rules.map((r) => RULE_TEXT[r]).join(', ')
  return html`<article class="channel" data-channel=${c.id} aria-labelledby=${`channel-${c.id}`}>
    <div class="channel-head">
      <h4 id=${`channel-${c.id}`}>${c.label}</h4>
      <span class="note">${c.type} · ${c.id}</span>
      <button type="button" class="test" aria-disabled=${busy ? 'true' : 'false'} aria-describedby=${`channel-${c.id}`} @click=${() => busy || state.on.test(c)}>Send test</button>
      ${busy ? html`<span class="busy">${busy}</span>` : nothing}
    </div>
    <dl class="facts channel-facts">
      <div><dt>Tells</dt><dd>${c.minSeverity === 'critical' ? 'critical only' : 'warning and critical'}</dd></div>
      <div><dt>Rules</dt><dd>${rules}</dd></div>
      <div><dt>Cap</dt><dd>${c.maxPerHour === 0 ? 'no cap' : `${c.maxPerHour} message(s) per hour`}</dd></div>
      <div><dt>Quiet hours</dt><dd>${quietText(c.quietHours)}</dd></div>
      <div><dt>Report</dt><dd data-fact="report">${c.report ? html`${reportText(c.report)}, next ${when(c.report.next, state)}` : 'none'}</dd></div>
      <div><dt>Waiting</dt><dd data-fact="pending" class=${c.pending > 0 ? 'pending' : ''}>${c.pending === 0 ? 'nothing' : `${c.pending} event(s) (quiet hours, cap or a retry)`}</dd></div>
    </dl>
    ${prompt ? tokenPrompt(prompt, state.on) : nothing}
    <p class=${note?.bad ? 'action-note bad' : 'action-note'} role="status">${note?.text ?? ''}</p>
    ${logTable(c, state)}
  </article>`
}

export function channelsView(state: ChannelsState): TemplateResult {
  const { channels } = state
  let content: TemplateResult
  if (state.error && !channels)
    content = errorState(`Cannot load the channels: ${state.error}`, state.on.retry)
  else if (!channels) content = loadingState('Loading channels…')
  else
    content = html`${reloadFailed(state.error)}${
      channels.incomplete
        ? html`<p class="callout warn">Some entries of PULSE_ALERT_CHANNELS were left out as invalid: the data-health line at the top names them.</p>`
        : nothing
    }${
      channels.channels.length === 0
        ? html`<div class="callout empty-channels">
          <p><strong>No notification channel is configured:</strong> alerts are shown here, but nobody is told.</p>
          <p>Add one to <code>PULSE_ALERT_CHANNELS</code>: the README's "Alerts" section says what each rule means, and "Notification channels" has a copy-paste example per channel (ntfy, Discord, Slack, Teams, Telegram, Gotify, Pushover, webhook, e-mail, Apprise).</p>
        </div>`
        : channels.channels.map((c) => channelCard(c, state))
    }`
  const n = channels ? ` (${channels.channels.length})` : ''
  return html`<section class="channels" aria-labelledby="channels-title">
    <h3 id="channels-title">Notification channels${n}</h3>
    ${content}
  </section>`
}

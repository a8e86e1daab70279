// One alert in the Alerts view: severity and subject in words (linked to its view), the rule,
// what is wrong, since when, its incidents, acknowledgement and snooze, and the actions.
import { html, nothing, type TemplateResult } from 'lit-html'
import type { Alert } from '../../shared/schema/alerts.ts'
import { type ActionsUi, alertKey } from './alert-actions.ts'
import {
  dayTime,
  distance,
  epochToLocalInput,
  exactTime,
  localInputToEpoch,
  RESOLUTION_TEXT,
  RULE_TEXT,
} from './alert-words.ts'
import type { AlertAction } from './alerts-api.ts'
import { type TokenHandlers, tokenPrompt } from './token-prompt.ts'

const HOUR = 3_600
export const SNOOZE_HOURS = [1, 8, 24] as const

export interface AlertHandlers extends TokenHandlers {
  act(alert: Alert, action: AlertAction, label: string): void
  /** The page refused the input itself (a time in the past, an unreadable one). */
  refuse(alert: Alert, text: string): void
}

export interface ItemContext {
  now: number
  timeZone: string
  ui: ActionsUi
  /** The name sent with an acknowledgement or snooze, read when the button is used; '' = none. */
  actor(): string
  /** The in-page link of the alert's subject; `inPage` when the page can open it itself. */
  subjectHref(alert: Alert): { href: string; inPage: boolean }
  on: AlertHandlers
}

export const isSnoozed = (a: Alert, now: number) => a.snoozedUntil !== null && a.snoozedUntil > now

function time(t: number, ctx: ItemContext): TemplateResult {
  return html`<span title=${exactTime(t, ctx.timeZone)}>${dayTime(t, ctx.now, ctx.timeZone)}</span> <span class="rel">(${distance(t, ctx.now)})</span>`
}

function facts(a: Alert, ctx: ItemContext): TemplateResult {
  const ack = a.acknowledged
  const resolved = a.state === 'resolved' && a.resolvedAt !== null
  return html`<dl class="alert-facts">
    <div><dt>Since</dt><dd data-fact="since">${time(a.since, ctx)}</dd></div>
    ${
      resolved
        ? html`<div><dt>${a.resolution === 'ok' || a.resolution === null ? 'Resolved' : 'Closed'}</dt><dd data-fact="resolved">${time(a.resolvedAt as number, ctx)}${a.resolution && a.resolution !== 'ok' ? html`: <span class="why">${RESOLUTION_TEXT[a.resolution]}</span>` : nothing}</dd></div>`
        : nothing
    }
    <div><dt>Incidents</dt><dd data-fact="incidents">${a.incidents}</dd></div>
    <div><dt>Last notified</dt><dd data-fact="notified">${a.lastNotified !== null ? time(a.lastNotified, ctx) : 'not yet'}</dd></div>
    ${
      ack
        ? html`<div><dt>Acknowledged</dt><dd data-fact="acknowledged">${ack.by ? html`by <strong>${ack.by}</strong>, ` : nothing}${time(ack.at, ctx)}</dd></div>`
        : nothing
    }
    ${
      isSnoozed(a, ctx.now)
        ? html`<div><dt>Snoozed</dt><dd data-fact="snoozed">until ${time(a.snoozedUntil as number, ctx)}</dd></div>`
        : nothing
    }
  </dl>`
}

/** Closes the snooze menu and puts focus on its (stable) summary, so the keyboard stays put. */
function closeMenu(e: Event): void {
  const menu = (e.currentTarget as Element).closest('details')
  if (!menu) return
  menu.open = false
  menu.querySelector('summary')?.focus()
}

const actorOf = (ctx: ItemContext) => ctx.actor().trim() || undefined

function snoozeMenu(a: Alert, ctx: ItemContext): TemplateResult {
  const { now, on } = ctx
  const snoozed = isSnoozed(a, now)
  const snooze = (until: number | null, label: string) => (e: Event) => {
    closeMenu(e)
    on.act(a, { kind: 'snooze', until, by: actorOf(ctx) }, label)
  }
  const until = (e: SubmitEvent) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const input = form.elements.namedItem('until') as HTMLInputElement
    const at = localInputToEpoch(input.value)
    if (at === null) return on.refuse(a, 'Choose a date and time to snooze until.')
    if (at <= ctx.now) return on.refuse(a, 'Choose a time in the future to snooze until.')
    closeMenu(e)
    on.act(a, { kind: 'snooze', until: at, by: actorOf(ctx) }, 'Snooze')
  }
  return html`<details class="snooze">
    <summary>${snoozed ? 'Snoozed: change…' : 'Snooze…'}</summary>
    <div class="snooze-menu" role="group" aria-label="Snooze notifications about it">
      ${SNOOZE_HOURS.map(
        (h) =>
          html`<button type="button" data-snooze=${h} @click=${snooze(now + h * HOUR, 'Snooze')}>${h === 1 ? '1 hour' : `${h} hours`}</button>`,
      )}
      <form class="snooze-until" novalidate @submit=${until}>
        <label>Until <input type="datetime-local" name="until" required min=${epochToLocalInput(now)} /></label>
        <button type="submit">Snooze until then</button>
      </form>
      ${snoozed ? html`<button type="button" data-snooze="end" @click=${snooze(null, 'End snooze')}>End snooze</button>` : nothing}
    </div>
  </details>`
}

function actions(a: Alert, ctx: ItemContext): TemplateResult | typeof nothing {
  if (a.state !== 'firing') return nothing
  const key = alertKey(a.id)
  const busy = ctx.ui.busy.get(key)
  const acked = a.acknowledged !== null
  // One button that changes its word, not two that replace each other: focus stays on it.
  const toggle = () => {
    if (busy) return
    if (acked) ctx.on.act(a, { kind: 'unack' }, 'Unacknowledge')
    else ctx.on.act(a, { kind: 'ack', by: actorOf(ctx) }, 'Acknowledge')
  }
  return html`<div class="alert-actions" role="group" aria-label=${`Actions for ${a.subject.name}`} aria-busy=${busy ? 'true' : 'false'}>
    <button type="button" class="ack" aria-disabled=${busy ? 'true' : 'false'} @click=${toggle}>${acked ? 'Unacknowledge' : 'Acknowledge'}</button>
    ${snoozeMenu(a, ctx)}
    ${busy ? html`<span class="busy">${busy}</span>` : nothing}
  </div>`
}

export function alertItem(a: Alert, ctx: ItemContext): TemplateResult {
  const key = alertKey(a.id)
  const note = ctx.ui.notes.get(key)
  const prompt = ctx.ui.prompt?.key === key ? ctx.ui.prompt : null
  const link = ctx.subjectHref(a)
  const snoozed = isSnoozed(a, ctx.now)
  const handled = a.acknowledged ? 'acknowledged' : snoozed ? 'snoozed' : 'open'
  return html`<li class="alert-item" data-alert-id=${a.id} data-severity=${a.severity} data-state=${a.state} data-handled=${handled}>
    <div class="alert-head">
      <span class=${`sev sev-${a.state === 'firing' ? a.severity : 'resolved'}`}>${a.state === 'firing' ? a.severity : `was ${a.severity}`}</span>
      <a class="subject" href=${link.href} data-view-link=${link.inPage ? 'true' : nothing}>${a.subject.name}</a>
      <span class="rule">${RULE_TEXT[a.rule]}</span>
      ${a.acknowledged ? html`<span class="tag">acknowledged</span>` : nothing}
      ${snoozed ? html`<span class="tag">snoozed</span>` : nothing}
    </div>
    <p class="alert-summary">${a.summary}</p>
    ${a.detail ? html`<p class="alert-detail"><span class="reason">${a.detail}</span></p>` : nothing}
    ${facts(a, ctx)}
    ${actions(a, ctx)}
    ${prompt ? tokenPrompt(prompt, ctx.on) : nothing}
    <p class=${note?.bad ? 'action-note bad' : 'action-note'} role="status">${note?.text ?? ''}</p>
  </li>`
}

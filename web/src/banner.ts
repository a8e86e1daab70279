// Data health from /api/status: which source is stale or failing, since when and why; what a
// token may not read (by privilege) and which stores are held at their last good data; the
// last successful refresh; and a refresh button for viewers allowed to trigger one.
// One declarative view (lit-html): re-rendering it with the same problems changes only the
// ticking ages' text, so an open <details> stays open and nothing is rebuilt.
import { html, nothing, render, type TemplateResult } from 'lit-html'
import { formatAge } from '../../shared/age.ts'
import type { SourceStatus, Status } from '../../shared/schema/status.ts'
import { formatLocalTime, progressText } from './format.ts'

function sourceName(s: SourceStatus): string {
  return `${s.name ?? s.id} (${s.kind.toUpperCase()})`
}

/** Something a source cannot show, though it is not failing: a missing privilege or a hold. */
export interface Notice {
  source: string
  kind: 'permission' | 'held'
  text: string
  /** For a hold: since when, to show its age. */
  since?: number
}

export interface Problems {
  failing: SourceStatus[]
  warned: { source: SourceStatus; warnings: string[] }[]
  notices: Notice[]
  storeError: Status['storeError']
  configIssues: Status['configIssues']
}

function noticesOf(s: SourceStatus): Notice[] {
  const source = sourceName(s)
  const notices: Notice[] = []
  const p = s.permissions
  for (const m of p?.missing ?? [])
    notices.push({
      source,
      kind: 'permission',
      text: p?.checked ? m.message : `${m.message} (guessed: the permissions call was refused)`,
    })
  for (const h of s.held ?? [])
    notices.push({ source, kind: 'held', text: `${h.unit} is held: ${h.reason}`, since: h.since })
  return notices
}

export function problemsOf(status: Status): Problems {
  const failing = status.sources.filter((s) => s.stale || s.lastError)
  const notices = status.sources.flatMap(noticesOf)
  // A permission the source also reported as a plain warning is said once, as a notice.
  const said = new Set(
    status.sources.flatMap((s) => s.permissions?.missing ?? []).map((m) => m.message),
  )
  const warned = status.sources
    .filter((s) => !s.stale && !s.lastError)
    .map((source) => ({ source, warnings: source.warnings.filter((w) => !said.has(w)) }))
    .filter((w) => w.warnings.length > 0)
  return {
    failing,
    warned,
    notices,
    storeError: status.storeError ?? null,
    configIssues: status.configIssues,
  }
}

/** The problems as one sentence each, without clock-dependent text: what is announced. */
export function announcement(p: Problems): string {
  const lines: string[] = []
  if (p.storeError) lines.push(`Storage could not save the last refresh: ${p.storeError.message}.`)
  for (const s of p.failing)
    lines.push(
      `${sourceName(s)} is failing: ${s.lastError?.message ?? 'the last refresh did not reach it'}.`,
    )
  for (const issue of p.configIssues) lines.push(`Configuration ${issue.field}: ${issue.message}.`)
  for (const n of p.notices) lines.push(`${n.source}: ${n.text}.`)
  return lines.join(' ')
}

export interface BannerState {
  status: Status
  now: number
  /** What the screen-reader alert says; changed only when the problems change. */
  live: string
  note: { text: string; bad: boolean }
  onRefresh: () => void
}

function failingItem(s: SourceStatus, now: number): TemplateResult {
  const since = s.lastError ? ` since ${formatLocalTime(s.lastError.at)}` : ''
  const reason = s.lastError?.message ?? 'the last refresh did not reach it'
  // Inline text stays on one line in the template: textContent is what is read and tested.
  const shown = s.lastSuccess
    ? html` — showing data from ${formatLocalTime(s.lastSuccess)} (<span class="age">${formatAge(now - s.lastSuccess)}</span> old).`
    : ' — no data from it yet.'
  return html`<li><strong>${sourceName(s)}</strong> is failing${since}: <span class="reason">${reason}</span>${shown}</li>`
}

function noticeItem(n: Notice, now: number): TemplateResult {
  const since =
    n.since !== undefined
      ? html` — since ${formatLocalTime(n.since)} (<span class="age">${formatAge(now - n.since)}</span> ago); showing its last good data.`
      : nothing
  return html`<li data-notice=${n.kind}><strong>${n.source}</strong>: ${n.text}${since}</li>`
}

export function bannerView(state: BannerState): TemplateResult {
  const { status, now } = state
  const p = problemsOf(status)
  const bad = p.failing.length > 0 || p.configIssues.length > 0 || p.storeError != null
  const last = status.lastRefresh
  const healthy = status.sources.length - p.failing.length
  let info = last
    ? `${healthy} of ${status.sources.length} source(s) healthy · last refresh ${formatLocalTime(last.finishedAt)} (${formatAge(now - last.finishedAt)} ago)`
    : `${status.sources.length} source(s) configured · not refreshed yet`
  // A large fleet on a small subrequest budget: the round goes on over several invocations.
  if (status.progress) info += ` · ${progressText(status.progress, now)}`
  if (status.sources.length === 0)
    info = 'No Proxmox source is configured (see README, "Configuration").'
  const warnings = p.warned.reduce((n, w) => n + w.warnings.length, 0)
  return html`<p class="sr-only" role="alert">${state.live}</p>
    <div class="problems">${
      bad
        ? html`<ul>
          ${
            p.storeError
              ? html`<li><strong>Storage</strong> could not save the refresh of ${formatLocalTime(p.storeError.at)}: <span class="reason">${p.storeError.message}</span> — showing the data stored before it.</li>`
              : nothing
          }
          ${p.failing.map((s) => failingItem(s, now))}
          ${p.configIssues.map(
            (issue) =>
              html`<li><strong>Configuration</strong> ${issue.field}: <span>${issue.message}</span></li>`,
          )}
        </ul>`
        : nothing
    }${
      warnings > 0
        ? html`<details class="warnings">
          <summary>${warnings} warning(s) from ${p.warned.map((w) => sourceName(w.source)).join(', ')}</summary>
          <ul>
            ${p.warned.flatMap((w) => w.warnings.map((text) => html`<li>${w.source.id}: ${text}</li>`))}
          </ul>
        </details>`
        : nothing
    }</div>
    <div class="notices">${
      p.notices.length > 0
        ? html`<ul aria-label="What the sources cannot show">
          ${p.notices.map((n) => noticeItem(n, now))}
        </ul>`
        : nothing
    }</div>
    <p class="refresh-line">
      <span>${info}</span>
      <button type="button" class="refresh" ?hidden=${!status.refreshAllowed} @click=${state.onRefresh}>Refresh now</button>
      <span class=${state.note.bad ? 'refresh-note bad' : 'refresh-note'} aria-live="polite"
        >${state.note.text}</span
      >
    </p>`
}

export interface Banner {
  element: HTMLElement
  render(status: Status, now: number): void
  /** Shows refresh progress or a failure next to the button. */
  note(text: string, bad?: boolean): void
}

export function createBanner(onRefresh: () => void): Banner {
  const element = document.createElement('section')
  element.className = 'banner'
  element.setAttribute('aria-label', 'Data health')
  // lit draws into `body`; the token form (main.ts) goes after it, outside what lit owns.
  const body = document.createElement('div')
  element.append(body)
  let shown: { status: Status; now: number } | null = null
  let announced = ''
  let live = ''
  let note = { text: '', bad: false }

  function draw(): void {
    if (!shown) return
    const p = problemsOf(shown.status)
    // Screen readers hear the problems from the alert, written only when the set of problems
    // changes, not every 30 s; the visible list is not live.
    const next = announcement(p)
    if (next !== announced) {
      live = next || 'All data sources are healthy again.'
      announced = next
    }
    const bad = p.failing.length > 0 || p.configIssues.length > 0 || p.storeError != null
    element.dataset.state = bad ? 'bad' : 'ok'
    render(bannerView({ ...shown, live, note, onRefresh }), body)
  }

  return {
    element,
    note(text, bad = false) {
      note = { text, bad }
      draw()
    },
    render(status, now) {
      shown = { status, now }
      draw()
    },
  }
}

// The drill-down: one guest's (or one orphan's) last 30 days as a calendar in the viewer's
// zone, and every backup with exact local time, age, kind, place, size, verification and
// protection; for a guest also its schedule and verification. One declarative view of what
// is open (lit-html), drawn into the one <dialog> the page keeps.
import { html, nothing, render, type TemplateResult } from 'lit-html'
import { ageStatus, formatAge, getFilteredAge, type Thresholds } from '../../shared/age.ts'
import type {
  BackupDate,
  BackupDetail,
  GuestRecord,
  GuestSchedule,
  GuestVerification,
  OrphanRecord,
} from '../../shared/schema/guest.ts'
import type { JobsIndex, PveBackupJob } from '../../shared/schema/jobs.ts'
import {
  buildCalendar,
  buildDays,
  type CalendarDay,
  lastDays,
  localDay,
  mergeEntries,
  monthDays,
} from './calendar.ts'
import { formatDate } from './charts/time.ts'
import { createDialog, detailError, detailFrame, detailLoading } from './detail-frame.ts'
import { formatBytes, formatLocalTime, formatWhen, guestTypeLabel } from './format.ts'
import {
  failedRunTimes,
  type GuestHistoryState,
  type HistorySectionState,
  historyEmpty,
  historyOverview,
  historyStart,
  historyTrends,
} from './history-detail.ts'
import { scheduleNow, scheduleWords } from './schedule.ts'
import { guestLabel } from './table.ts'

const KIND_LABEL = { pve: 'PVE', pbs: 'PBS', snapshot: 'Snapshot' } as const
/** The dialog body's width before it is first measured (history.css's dialog at 1400 px). */
const DEFAULT_BODY_WIDTH = 900
const KIND_MARK = { pve: 'P', pbs: 'B', snapshot: 'S' } as const
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** What the dialog shows. */
export type DetailContent =
  | { kind: 'loading'; title: string }
  | { kind: 'error'; title: string; message: string }
  | {
      kind: 'guest'
      record: GuestRecord
      jobs: JobsIndex | null
      /** Its history, once asked for (absent: not asked, as for an orphan). */
      history?: GuestHistoryState
    }
  | { kind: 'orphan'; record: OrphanRecord }

export interface DetailState {
  content: DetailContent
  now: number
  thresholds: Thresholds
  timeZone: string
  /** The body's width in CSS px, for the charts (createDetail measures it). */
  width?: number
  /** The calendar's month (`YYYY-MM`), null: the last 30 days. */
  calendarMonth?: string | null
  onCalendar?: (month: string | null) => void
  onRetryHistory?: () => void
}

function calendarCell(day: CalendarDay): TemplateResult {
  const kinds = (Object.keys(day.counts) as (keyof CalendarDay['counts'])[]).filter(
    (k) => day.counts[k] > 0,
  )
  const gone = (Object.keys(day.pruned) as (keyof CalendarDay['pruned'])[]).filter(
    (k) => day.pruned[k] > 0,
  )
  const date = `${WEEKDAYS[day.weekday]} ${day.day} ${MONTHS[day.month - 1]}`
  const words = [
    ...kinds.map((k) => `${day.counts[k]} ${KIND_LABEL[k]}`),
    ...gone.map((k) => `${day.pruned[k]} ${KIND_LABEL[k]} pruned (no longer on storage)`),
    ...(day.failedRuns > 0 ? ['job failed'] : []),
  ]
  const label = `${date}: ${words.length > 0 ? words.join(', ') : 'none'}`
  const all = day.total + day.prunedTotal
  const cls = `day${day.total > 0 ? ' has' : day.prunedTotal > 0 ? ' pruned' : ''}${day.failedRuns > 0 ? ' failed' : ''}`
  return html`<li
    class=${cls}
    data-date=${day.date}
    data-count=${all}
    data-pruned=${day.prunedTotal}
    data-kinds=${kinds.join(' ')}
    aria-label=${label}
    title=${label}
  >
    <span class="dnum">${day.day === 1 ? `${day.day} ${MONTHS[day.month - 1]}` : day.day}</span
    >${all > 0 ? html`<span class="dcount">${all}</span>` : nothing}${
      all > 0 || day.failedRuns > 0
        ? html`<span class="dkinds"
            >${kinds.map((k) => html`<span class="mark ${k}">${KIND_MARK[k]}</span>`)}${gone.map(
              (k) => html`<span class="mark ${k} gone">${KIND_MARK[k]}</span>`,
            )}${day.failedRuns > 0 ? html`<span class="mark run-failed">!</span>` : nothing}</span
          >`
        : nothing
    }
  </li>`
}

interface CalendarOptions {
  title: string
  /** History is shown: the legend names pruned and failed marks. */
  history: boolean
  nav?: TemplateResult
}

function calendarGrid(days: readonly CalendarDay[], o: CalendarOptions): TemplateResult {
  const pads = Array.from({ length: days[0]?.weekday ?? 0 })
  return html`<section class="calendar">
    <div class="calendar-head"><h3>${o.title}</h3>${o.nav ?? nothing}</div>
    <ol class="weekdays" aria-hidden="true">
      ${WEEKDAYS.map((w) => html`<li>${w}</li>`)}
    </ol>
    <ol class="days">
      ${pads.map(() => html`<li class="pad" aria-hidden="true"></li>`)}${days.map(calendarCell)}
    </ol>
    <p class="legend">
      P = PVE archive · B = PBS snapshot · S = guest snapshot${
        o.history
          ? html` · <span class="mark pbs gone">B</span> outlined, on a hatched day = pruned: in history, no longer on storage · <span class="mark run-failed">!</span> = a job failed for this guest`
          : nothing
      }
    </p>
  </section>`
}

function calendar(backupDates: readonly BackupDate[], now: number, zone: string): TemplateResult {
  return calendarGrid(buildCalendar(backupDates, now, zone), {
    title: `Last 30 days (${zone})`,
    history: false,
  })
}

/** `YYYY-MM` moved by `n` months. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7)
}

/** The calendar over history: the last 30 days, or any month back to history's start. */
function historyCalendar(
  record: GuestRecord,
  history: GuestHistoryState | undefined,
  state: DetailState,
): TemplateResult {
  const { now, timeZone: zone } = state
  if (history?.state !== 'loaded' || historyEmpty(history.data))
    return calendar(record.backupDates, now, zone)
  const data = history.data
  const thisMonth = localDay(now, zone).slice(0, 7)
  const firstMonth = historyStart(data, zone).slice(0, 7)
  const month = state.calendarMonth && state.calendarMonth < thisMonth ? state.calendarMonth : null
  const dates = month ? monthDays(month) : lastDays(now, zone)
  const days = buildDays(
    mergeEntries(record.backupDates, data.backups),
    dates,
    zone,
    failedRunTimes(data.runs),
  )
  const earlier = addMonths(month ?? thisMonth, -1)
  const later = month ? addMonths(month, 1) : null
  const go = (m: string | null) => () => state.onCalendar?.(m !== null && m >= thisMonth ? null : m)
  const nav = html`<div class="calendar-nav" role="group" aria-label="Calendar month">
    <button type="button" data-nav="earlier" ?disabled=${earlier < firstMonth} @click=${go(earlier)}>‹ Earlier</button>
    <button type="button" data-nav="later" ?disabled=${later === null} @click=${go(later)}>Later ›</button>
    <button type="button" data-nav="recent" ?disabled=${month === null} @click=${go(null)}>Last 30 days</button>
  </div>`
  const title = month
    ? `${formatDate(`${month}-01`, { month: 'long', year: 'numeric' })} (${zone})`
    : `Last 30 days (${zone})`
  return calendarGrid(days, { title, history: true, nav })
}

function backupRow(b: BackupDetail, now: number): TemplateResult {
  const place =
    b.kind === 'snapshot'
      ? `snapshot "${b.name}" on ${b.node ?? b.location}`
      : b.node
        ? `${b.location} on ${b.node}`
        : b.location
  const verification =
    b.verification === 'failed'
      ? html`<td class="bad" title="Not a restore point to trust">failed</td>`
      : html`<td>${b.verification ?? (b.kind === 'pbs' ? 'not verified' : '—')}</td>`
  // No whitespace between cells: the row's text reads as its cells, as before.
  return html`<tr data-time=${b.time}><td class="when">${formatLocalTime(b.time)}</td><td class="num">${b.inProgress ? 'in progress' : `${formatAge(now - b.time)} ago`}</td><td>${KIND_LABEL[b.kind]}</td><td>${place}</td><td class="num">${formatBytes(b.size)}</td>${verification}<td>${b.protected ? 'protected' : ''}</td><td class="notes">${b.notes ?? ''}</td></tr>`
}

const BACKUP_HEADERS = [
  'Time',
  'Age',
  'Kind',
  'Storage / datastore',
  'Size',
  'Verified',
  'Protected',
  'Notes',
]

function backupList(backups: readonly BackupDetail[], now: number): TemplateResult {
  const sorted = [...backups].sort((a, b) => b.time - a.time)
  return html`<section class="backups">
    <h3>Backups and snapshots (${backups.length})</h3>
    ${
      backups.length === 0
        ? html`<p class="placeholder">None found on any source.</p>`
        : html`<div class="scroll">
          <table class="backup-list">
            <caption class="sr-only">Every backup and snapshot, newest first</caption>
            <thead>
              <tr>${BACKUP_HEADERS.map((h) => html`<th scope="col">${h}</th>`)}</tr>
            </thead>
            <tbody>${sorted.map((b) => backupRow(b, now))}</tbody>
          </table>
        </div>`
    }
  </section>`
}

const AGE_FILTERS = [
  ['all', 'Newest backup'],
  ['pve', 'PVE'],
  ['pbs', 'PBS'],
  ['snapshots', 'Snapshot'],
] as const

/** Per-type ages; a record without per-type times shows only the newest overall. */
function ages(
  record: GuestRecord | OrphanRecord,
  now: number,
  t: Thresholds,
  perType: boolean,
): TemplateResult {
  const filters = perType ? AGE_FILTERS : AGE_FILTERS.slice(0, 1)
  return html`<dl class="ages">
    ${filters.map(([filter, label]) => {
      const age = getFilteredAge(record, filter, now)
      return html`<div>
        <dt>${label}</dt>
        <dd class="age" data-status=${ageStatus(age, t)} data-filter=${filter}>${formatAge(age)}</dd>
      </div>`
    })}
  </dl>`
}

function jobLine(job: PveBackupJob | undefined, key: string): TemplateResult {
  if (!job) return html`<li>${key}</li>`
  const words = job.schedule ? scheduleWords(job.schedule) : null
  return html`<li>
    <strong>${job.id}</strong>${job.schedule ? html` · ${words ?? ''} <code>${job.schedule}</code>` : nothing}${
      job.storage ? ` · to ${job.storage}` : ''
    }
  </li>`
}

const STATE_TEXT = { ok: 'ok', due: 'due', missed: 'missed' } as const

function scheduleSection(
  schedule: GuestSchedule | null | undefined,
  covered: boolean | null,
  jobs: JobsIndex | null,
  now: number,
  t: Thresholds,
): TemplateResult | typeof nothing {
  // An older Worker sends no schedule at all: say nothing rather than "no job".
  if (schedule === undefined) return nothing
  if (schedule === null)
    return html`<section class="schedule">
      <h3>Schedule</h3>
      <p class="meta">
        ${covered === false ? 'No backup job includes this guest' : 'No enabled job schedule is known for this guest'}:
        the age thresholds apply (fresh up to ${t.freshHours} h, stale up to ${t.staleHours} h).
      </p>
    </section>`
  const s = scheduleNow(schedule, now)
  const byKey = new Map((jobs?.pve ?? []).map((j) => [j.key, j]))
  const when = (time: number | null) => (time === null ? '—' : formatWhen(time, now))
  return html`<section class="schedule">
    <h3>Schedule</h3>
    <dl class="facts">
      <div>
        <dt>State</dt>
        <dd data-schedule=${s.state}>
          ${STATE_TEXT[s.state]}${s.state === 'missed' && s.missedSince !== null ? ` since ${formatWhen(s.missedSince, now)}` : ''}
        </dd>
      </div>
      <div><dt>Previous scheduled run</dt> <dd>${when(s.previousRun)}</dd></div>
      <div><dt>Deadline (run + grace)</dt> <dd>${when(s.deadline)}</dd></div>
      <div><dt>Next run</dt> <dd>${when(s.nextRun)}</dd></div>
    </dl>
    <p class="meta">Jobs covering it:</p>
    <ul class="covering">
      ${s.jobs.map((key) => jobLine(byKey.get(key), key))}
    </ul>
  </section>`
}

function verificationSection(
  v: GuestVerification | null | undefined,
  now: number,
): TemplateResult | typeof nothing {
  if (!v) return nothing
  const newest =
    v.latestVerified !== null
      ? `Newest snapshot verified ok: ${formatWhen(v.latestVerified, now)}.`
      : 'No snapshot has verified ok.'
  return html`<section class="verification">
    <h3>Verification</h3>
    ${
      v.latest === 'failed'
        ? html`<p class="callout bad" data-verification="failed"><strong>The newest PBS snapshot failed verification</strong> — not a restore point to trust. ${newest}</p>`
        : html`<p class="meta" data-verification=${v.latest}>${v.latest === 'ok' ? 'The newest PBS snapshot verified ok.' : 'The newest PBS snapshot has not been verified.'} ${newest}</p>`
    }
  </section>`
}

function guestBody(
  record: GuestRecord,
  jobs: JobsIndex | null,
  state: DetailState,
  history: GuestHistoryState | undefined,
): TemplateResult {
  const { now, thresholds: t, timeZone: zone } = state
  const h: HistorySectionState | null = history
    ? {
        history,
        backupDates: record.backupDates,
        now,
        timeZone: zone,
        width: state.width ?? DEFAULT_BODY_WIDTH,
        onPick: (month) => state.onCalendar?.(month),
        onRetry: state.onRetryHistory,
      }
    : null
  const job = record.lastJob
  const grouping = [
    record.pool ? `pool ${record.pool}` : '',
    record.tags?.length ? `tags ${record.tags.join(', ')}` : '',
  ].filter(Boolean)
  return html`<p class="meta">
      ${record.type === 'qemu' ? 'VM' : 'Container'} on ${record.node}, cluster
      ${record.clusterName ?? record.cluster} · ${record.status}${record.template ? ' · template' : ''}${
        grouping.length ? ` · ${grouping.join(' · ')}` : ''
      }
    </p>
    ${
      record.pbsGroupComments?.length
        ? html`<p class="meta">
          PBS group ${record.pbsGroupComments.length > 1 ? 'comments' : 'comment'}:
          ${record.pbsGroupComments.join(' · ')}
        </p>`
        : nothing
    }
    ${
      job
        ? html`<p class="meta job-${job.outcome}">
          Last job: ${job.outcome} on ${job.node},
          ${formatLocalTime(job.time)}${job.error ? ` — ${job.error}` : ''}
        </p>`
        : html`<p class="meta">
          ${record.covered === false ? 'No backup job includes this guest.' : 'No job seen yet.'}
        </p>`
    }
    ${ages(record, now, t, true)}
    ${verificationSection(record.verification, now)}
    ${scheduleSection(record.schedule, record.covered, jobs, now, t)}
    ${h ? historyOverview(h) : nothing}
    ${historyCalendar(record, history, state)}
    ${h ? historyTrends(h) : nothing}
    ${backupList(record.backups, now)}`
}

function orphanBody(record: OrphanRecord, now: number, t: Thresholds, zone: string) {
  const group = record.pbsGroup
  const what = `${record.type === 'qemu' ? 'VM' : record.type === 'lxc' ? 'Container' : 'Guest'} ${record.guestId}`
  return html`${
    group
      ? html`<p class="meta">
          Backups of ${what} in a PBS group that no cluster can be told from, so it is not
          attributed to any guest.
        </p>
        <dl class="facts">
          <div><dt>PBS source</dt> <dd>${group.source}</dd></div>
          <div><dt>Datastore</dt> <dd>${group.datastore}</dd></div>
          <div><dt>Namespace</dt> <dd>${group.namespace || '(root)'}</dd></div>
          <div><dt>Owner</dt> <dd>${group.owner ?? 'not sent'}</dd></div>
        </dl>`
      : html`<p class="meta">
          Backups of ${what}, which no longer exists in cluster ${record.cluster ?? 'unknown'}:
          the guest was deleted, or it lives in a cluster Pulse Edge does not read. They never
          count towards a guest.
        </p>`
  }
    <p class="meta">
      ${record.count} backup(s) on ${record.locations.join(', ') || 'no known storage'}.
    </p>
    ${ages(record, now, t, record.latestTimes !== undefined)}
    ${calendar(record.backupDates, now, zone)} ${backupList(record.backups, now)}`
}

export function detailTitle(content: DetailContent): string {
  switch (content.kind) {
    case 'loading':
    case 'error':
      return content.title
    case 'guest':
      return `${guestLabel(content.record)} · ${content.record.guestId}`
    case 'orphan':
      return `Orphaned backups · ${guestTypeLabel(content.record.type)} ${content.record.guestId}`
  }
}

/** The dialog's content for `state`; `onClose` is the Close button's action. */
export function detailView(state: DetailState, onClose: () => void): TemplateResult {
  const { content, now, thresholds: t, timeZone } = state
  let body: TemplateResult
  switch (content.kind) {
    case 'loading':
      body = detailLoading()
      break
    case 'error':
      body = detailError(content.message)
      break
    case 'guest':
      body = guestBody(content.record, content.jobs, state, content.history)
      break
    case 'orphan':
      body = orphanBody(content.record, now, t, timeZone)
      break
  }
  return detailFrame(detailTitle(content), content.kind, body, onClose)
}

export interface Detail {
  element: HTMLDialogElement
  show(state: DetailState): void
  close(): void
  isOpen(): boolean
}

/** Draws into `dialog` (detail-frame.ts's, already in the page), or a new one. */
export function createDetail(
  onClose: () => void,
  dialog: HTMLDialogElement = createDialog(onClose),
): Detail {
  const close = () => dialog.close()
  // The calendar's month belongs to the open drill-down: another guest starts at today.
  let month: string | null = null
  let monthOf: string | null = null
  let last: DetailState | null = null
  const keyOf = (c: DetailContent) =>
    c.kind === 'guest' || c.kind === 'orphan' ? c.record.key : c.title
  dialog.addEventListener('close', () => {
    month = null
    monthOf = null
  })
  const draw = (state: DetailState) => {
    last = state
    const key = keyOf(state.content)
    if (key !== monthOf && state.content.kind !== 'loading') {
      month = null
      monthOf = key
    }
    const full: DetailState = {
      ...state,
      width: state.width ?? bodyWidth(dialog),
      calendarMonth: month,
      onCalendar: (m) => {
        month = m
        if (last) draw(last)
        dialog.querySelector<HTMLElement>('.calendar h3')?.scrollIntoView({ block: 'nearest' })
      },
    }
    render(detailView(full, close), dialog)
  }
  return {
    element: dialog,
    isOpen: () => dialog.open,
    close: () => dialog.open && dialog.close(),
    show(state) {
      draw(state)
      if (!dialog.open) dialog.showModal()
    },
  }
}

/** The drill-down body's content width: measured once open, else what history.css makes it. */
function bodyWidth(dialog: HTMLDialogElement): number {
  const body = dialog.querySelector<HTMLElement>('.detail-body')
  if (dialog.open && body && body.clientWidth > 0) {
    const style = getComputedStyle(body)
    const padding = Number.parseFloat(style.paddingLeft) + Number.parseFloat(style.paddingRight)
    return Math.floor(body.clientWidth - (Number.isFinite(padding) ? padding : 0))
  }
  // width: min(64rem, 100vw − 1.5rem), a 1px border, 1rem padding each side, a scrollbar.
  const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 15
  return Math.floor(Math.min(64 * rem, window.innerWidth - 1.5 * rem) - 2 - 2 * rem - 16)
}

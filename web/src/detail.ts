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
import { buildCalendar, type CalendarDay } from './calendar.ts'
import { formatBytes, formatLocalTime, formatWhen, guestTypeLabel } from './format.ts'
import { scheduleNow, scheduleWords } from './schedule.ts'
import { guestLabel } from './table.ts'

const KIND_LABEL = { pve: 'PVE', pbs: 'PBS', snapshot: 'Snapshot' } as const
const KIND_MARK = { pve: 'P', pbs: 'B', snapshot: 'S' } as const
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** What the dialog shows. */
export type DetailContent =
  | { kind: 'loading'; title: string }
  | { kind: 'error'; title: string; message: string }
  | { kind: 'guest'; record: GuestRecord; jobs: JobsIndex | null }
  | { kind: 'orphan'; record: OrphanRecord }

export interface DetailState {
  content: DetailContent
  now: number
  thresholds: Thresholds
  timeZone: string
}

function calendarCell(day: CalendarDay): TemplateResult {
  const kinds = (Object.keys(day.counts) as (keyof CalendarDay['counts'])[]).filter(
    (k) => day.counts[k] > 0,
  )
  const date = `${WEEKDAYS[day.weekday]} ${day.day} ${MONTHS[day.month - 1]}`
  const label =
    day.total > 0
      ? `${date}: ${kinds.map((k) => `${day.counts[k]} ${KIND_LABEL[k]}`).join(', ')}`
      : `${date}: none`
  return html`<li
    class=${day.total > 0 ? 'day has' : 'day'}
    data-date=${day.date}
    data-count=${day.total}
    data-kinds=${kinds.join(' ')}
    aria-label=${label}
    title=${label}
  >
    <span class="dnum">${day.day === 1 ? `${day.day} ${MONTHS[day.month - 1]}` : day.day}</span
    >${
      day.total > 0
        ? html`<span class="dcount">${day.total}</span
            ><span class="dkinds"
              >${kinds.map((k) => html`<span class="mark ${k}">${KIND_MARK[k]}</span>`)}</span
            >`
        : nothing
    }
  </li>`
}

function calendar(backupDates: readonly BackupDate[], now: number, zone: string): TemplateResult {
  const days = buildCalendar(backupDates, now, zone)
  const pads = Array.from({ length: days[0]?.weekday ?? 0 })
  return html`<section class="calendar">
    <h3>Last 30 days (${zone})</h3>
    <ol class="weekdays" aria-hidden="true">
      ${WEEKDAYS.map((w) => html`<li>${w}</li>`)}
    </ol>
    <ol class="days">
      ${pads.map(() => html`<li class="pad" aria-hidden="true"></li>`)}${days.map(calendarCell)}
    </ol>
    <p class="legend">P = PVE archive · B = PBS snapshot · S = guest snapshot</p>
  </section>`
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
  now: number,
  t: Thresholds,
  zone: string,
): TemplateResult {
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
    ${calendar(record.backupDates, now, zone)} ${backupList(record.backups, now)}`
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
      body = html`<p class="placeholder">Loading backups…</p>`
      break
    case 'error':
      body = html`<p class="error">${content.message}</p>`
      break
    case 'guest':
      body = guestBody(content.record, content.jobs, now, t, timeZone)
      break
    case 'orphan':
      body = orphanBody(content.record, now, t, timeZone)
      break
  }
  return html`<header>
      <h2 id="detail-title">${detailTitle(content)}</h2>
      <button type="button" class="close" @click=${onClose}>Close</button>
    </header>
    <div class="detail-body" data-detail=${content.kind}>${body}</div>`
}

export interface Detail {
  element: HTMLDialogElement
  show(state: DetailState): void
  close(): void
  isOpen(): boolean
}

export function createDetail(onClose: () => void): Detail {
  const dialog = document.createElement('dialog')
  dialog.className = 'detail'
  dialog.setAttribute('aria-labelledby', 'detail-title')
  dialog.addEventListener('close', onClose)
  // A click on the backdrop (outside the dialog box) closes it, as people expect of a modal.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close()
  })
  const close = () => dialog.close()
  return {
    element: dialog,
    isOpen: () => dialog.open,
    close: () => dialog.open && dialog.close(),
    show(state) {
      render(detailView(state, close), dialog)
      if (!dialog.open) dialog.showModal()
    },
  }
}

// The drill-down: one guest's last 30 days as a calendar in the viewer's zone, and every
// backup with exact local time, age, kind, place, size, verification and protection.
import { ageStatus, formatAge, getFilteredAge, type Thresholds } from '../../shared/age.ts'
import type { BackupDetail, GuestRecord } from '../../shared/schema/guest.ts'
import { buildCalendar, type CalendarDay } from './calendar.ts'
import { button, el, scrollTable } from './dom.ts'
import { formatBytes, formatLocalTime, viewerTimeZone } from './format.ts'
import { guestLabel } from './table.ts'

const KIND_LABEL = { pve: 'PVE', pbs: 'PBS', snapshot: 'Snapshot' } as const
const KIND_MARK = { pve: 'P', pbs: 'B', snapshot: 'S' } as const
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export interface Detail {
  element: HTMLDialogElement
  openLoading(key: string): void
  show(record: GuestRecord, now: number, t: Thresholds): void
  fail(message: string): void
  close(): void
  isOpen(): boolean
}

function calendarCell(day: CalendarDay): HTMLLIElement {
  const li = el('li', undefined, day.total > 0 ? 'day has' : 'day')
  li.dataset.date = day.date
  li.dataset.count = String(day.total)
  const kinds = (Object.keys(day.counts) as (keyof CalendarDay['counts'])[]).filter(
    (k) => day.counts[k] > 0,
  )
  li.dataset.kinds = kinds.join(' ')
  const label = `${WEEKDAYS[day.weekday]} ${day.day} ${MONTHS[day.month - 1]}`
  li.setAttribute(
    'aria-label',
    day.total > 0
      ? `${label}: ${kinds.map((k) => `${day.counts[k]} ${KIND_LABEL[k]}`).join(', ')}`
      : `${label}: none`,
  )
  li.title = li.getAttribute('aria-label') ?? ''
  li.append(
    el('span', day.day === 1 ? `${day.day} ${MONTHS[day.month - 1]}` : String(day.day), 'dnum'),
  )
  if (day.total > 0) {
    li.append(el('span', String(day.total), 'dcount'))
    const marks = el('span', undefined, 'dkinds')
    for (const k of kinds) marks.append(el('span', KIND_MARK[k], `mark ${k}`))
    li.append(marks)
  }
  return li
}

function calendar(record: GuestRecord, now: number): HTMLElement {
  const zone = viewerTimeZone()
  const days = buildCalendar(record.backupDates, now, zone)
  const section = el('section', undefined, 'calendar')
  section.append(el('h3', `Last 30 days (${zone})`))
  const head = el('ol', undefined, 'weekdays')
  head.setAttribute('aria-hidden', 'true')
  for (const w of WEEKDAYS) head.append(el('li', w))
  const grid = el('ol', undefined, 'days')
  const first = days[0]
  for (let i = 0; first && i < first.weekday; i++) {
    const pad = el('li', undefined, 'pad')
    pad.setAttribute('aria-hidden', 'true')
    grid.append(pad)
  }
  for (const d of days) grid.append(calendarCell(d))
  const legend = el('p', 'P = PVE archive · B = PBS snapshot · S = guest snapshot', 'legend')
  section.append(head, grid, legend)
  return section
}

function backupRow(b: BackupDetail, now: number): HTMLTableRowElement {
  const tr = el('tr')
  tr.dataset.time = String(b.time)
  const place =
    b.kind === 'snapshot'
      ? `snapshot "${b.name}" on ${b.node ?? b.location}`
      : b.node
        ? `${b.location} on ${b.node}`
        : b.location
  const verification = b.verification ?? (b.kind === 'pbs' ? 'not verified' : '—')
  tr.append(
    el('td', formatLocalTime(b.time), 'when'),
    el('td', b.inProgress ? 'in progress' : `${formatAge(now - b.time)} ago`, 'num'),
    el('td', KIND_LABEL[b.kind]),
    el('td', place),
    el('td', formatBytes(b.size), 'num'),
    el('td', verification, b.verification === 'failed' ? 'bad' : undefined),
    el('td', b.protected ? 'protected' : ''),
    el('td', b.notes ?? '', 'notes'),
  )
  return tr
}

function backupList(record: GuestRecord, now: number): HTMLElement {
  const section = el('section', undefined, 'backups')
  section.append(el('h3', `Backups and snapshots (${record.backups.length})`))
  if (record.backups.length === 0) {
    section.append(el('p', 'None found on any source.', 'placeholder'))
    return section
  }
  const { wrap, tbody } = scrollTable('backup-list', [
    'Time',
    'Age',
    'Kind',
    'Storage / datastore',
    'Size',
    'Verified',
    'Protected',
    'Notes',
  ])
  for (const b of [...record.backups].sort((a, b) => b.time - a.time))
    tbody.append(backupRow(b, now))
  section.append(wrap)
  return section
}

function ages(record: GuestRecord, now: number, t: Thresholds): HTMLElement {
  const dl = el('dl', undefined, 'ages')
  for (const [filter, label] of [
    ['all', 'Newest backup'],
    ['pve', 'PVE'],
    ['pbs', 'PBS'],
    ['snapshots', 'Snapshot'],
  ] as const) {
    const age = getFilteredAge(record, filter, now)
    const dd = el('dd', formatAge(age), 'age')
    dd.dataset.status = ageStatus(age, t)
    dd.dataset.filter = filter
    const div = el('div')
    div.append(el('dt', label), dd)
    dl.append(div)
  }
  return dl
}

export function createDetail(onClose: () => void): Detail {
  const dialog = el('dialog', undefined, 'detail')
  dialog.setAttribute('aria-labelledby', 'detail-title')
  const header = el('header')
  const title = el('h2', '', undefined)
  title.id = 'detail-title'
  const close = button('Close', 'close')
  close.addEventListener('click', () => dialog.close())
  header.append(title, close)
  const body = el('div', undefined, 'detail-body')
  dialog.append(header, body)
  dialog.addEventListener('close', onClose)
  // A click on the backdrop (outside the dialog box) closes it, as people expect of a modal.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close()
  })

  const open = () => {
    if (!dialog.open) dialog.showModal()
  }
  return {
    element: dialog,
    isOpen: () => dialog.open,
    close: () => dialog.open && dialog.close(),
    openLoading(key) {
      title.textContent = key
      body.replaceChildren(el('p', 'Loading backups…', 'placeholder'))
      open()
    },
    fail(message) {
      body.replaceChildren(el('p', message, 'error'))
      open()
    },
    show(record, now, t) {
      title.textContent = `${guestLabel(record)} · ${record.guestId}`
      const meta = el(
        'p',
        `${record.type === 'qemu' ? 'VM' : 'Container'} on ${record.node}, cluster ${record.clusterName ?? record.cluster} · ${record.status}${record.template ? ' · template' : ''}`,
        'meta',
      )
      const job = record.lastJob
        ? el(
            'p',
            `Last job: ${record.lastJob.outcome} on ${record.lastJob.node}, ${formatLocalTime(record.lastJob.time)}${record.lastJob.error ? ` — ${record.lastJob.error}` : ''}`,
            `meta job-${record.lastJob.outcome}`,
          )
        : el(
            'p',
            record.covered === false ? 'No backup job includes this guest.' : 'No job seen yet.',
            'meta',
          )
      body.replaceChildren(
        meta,
        job,
        ages(record, now, t),
        calendar(record, now),
        backupList(record, now),
      )
      open()
    },
  }
}

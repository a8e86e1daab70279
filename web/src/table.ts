// The guest table. Rows are built once per guest from what depends on the guest alone, and
// everything that depends on the view or the clock (ages, status, the link's URL) is written
// by updateRow on every paint; then rows are re-ordered. So a filter switch over thousands of
// guests touches text and attributes, not DOM, and a cached row never shows an old view.
import {
  type AgeStatus,
  ageStatus,
  type BackupFilter,
  formatAge,
  getFilteredAge,
  type Thresholds,
} from '../../shared/age.ts'
import type { GuestSummary } from '../../shared/schema/guest.ts'
import { el } from './dom.ts'
import { formatLocalTime, guestTypeLabel } from './format.ts'
import { scheduleNow, scheduleSentence } from './schedule.ts'
import type { SortKey, ViewState } from './view-state.ts'

export interface Column {
  key: SortKey
  label: string
  className?: string
}

export const COLUMNS: Column[] = [
  { key: 'name', label: 'Guest' },
  { key: 'vmid', label: 'VMID', className: 'num' },
  { key: 'cluster', label: 'Cluster', className: 'opt' },
  { key: 'node', label: 'Node', className: 'opt' },
  { key: 'type', label: 'Type', className: 'opt' },
  { key: 'age', label: 'Newest backup' },
  { key: 'pve', label: 'PVE', className: 'kind' },
  { key: 'pbs', label: 'PBS', className: 'kind' },
  { key: 'snapshots', label: 'Snapshot', className: 'kind' },
  { key: 'schedule', label: 'Schedule', className: 'sched' },
  { key: 'job', label: 'Last job' },
]

const TYPE_FILTERS = ['pve', 'pbs', 'snapshots'] as const satisfies BackupFilter[]

interface RowView {
  tr: HTMLTableRowElement
  link: HTMLAnchorElement
  age: HTMLTableCellElement
  kinds: HTMLTableCellElement[]
  schedule: HTMLSpanElement
  /** What the cells and the link currently show, to skip writes that change nothing. */
  shown: string[]
  href: string
}

export function guestLabel(g: GuestSummary): string {
  return g.guestName ?? `(no name, ${g.status})`
}

function jobCell(g: GuestSummary): HTMLTableCellElement {
  const td = cell(undefined, 'job')
  let text = '—'
  let outcome = ''
  if (g.backingUp) {
    text = 'running'
    outcome = 'running'
  } else if (g.lastJob) {
    text = g.lastJob.outcome
    outcome = g.lastJob.outcome
  } else if (g.covered === false) {
    text = 'no job'
    outcome = 'none'
  }
  const label = el('span', text, `job-${outcome || 'unknown'}`)
  if (g.lastJob) {
    const when = new Date(g.lastJob.time * 1000).toLocaleString()
    const detail = `${g.lastJob.outcome} on ${g.lastJob.node}, ${when}${g.lastJob.error ? `: ${g.lastJob.error}` : ''}`
    label.dataset.tip = detail
    // Focusable so a keyboard user can reach the error text, not only a mouse hover.
    if (g.lastJob.error) {
      label.tabIndex = 0
      label.setAttribute('aria-label', `Last job ${detail}`)
    }
  } else if (g.covered === false) {
    label.dataset.tip = 'No backup job includes this guest'
  }
  td.append(label)
  return td
}

/** Explicit roles: the grid layout (for speed) must not cost the table its semantics. */
function cell(text?: string | null, className?: string): HTMLTableCellElement {
  const td = el('td', text, className)
  td.setAttribute('role', 'cell')
  return td
}

function buildRow(g: GuestSummary): RowView {
  const tr = el('tr')
  tr.setAttribute('role', 'row')
  tr.dataset.key = g.key
  const name = cell(undefined, 'name')
  const link = el('a', guestLabel(g))
  link.dataset.guest = g.key
  name.append(link)
  if (g.template) name.append(el('span', 'template', 'tag'))
  if (g.verification?.latest === 'failed') {
    const detail = `The newest PBS snapshot failed verification: not a restore point to trust.${g.verification.latestVerified !== null ? ` Newest verified: ${formatLocalTime(g.verification.latestVerified)}.` : ' No snapshot verified ok.'}`
    const tag = el('span', 'verify failed', 'tag bad')
    tag.dataset.tip = detail
    tag.dataset.verification = 'failed'
    // Focusable so a keyboard user reaches why, as with a failed job.
    tag.tabIndex = 0
    tag.setAttribute('aria-label', detail)
    name.append(tag)
  }
  if (g.ambiguousSnapshots > 0) {
    const tag = el('span', '?', 'tag warn')
    tag.title = `${g.ambiguousSnapshots} PBS snapshot(s) with this VMID could belong to another cluster`
    name.append(tag)
  }
  const age = cell(undefined, 'age')
  const kinds = TYPE_FILTERS.map(() => cell(undefined, 'kind'))
  const scheduleCell = cell(undefined, 'sched')
  const schedule = el('span')
  scheduleCell.append(schedule)
  tr.append(
    name,
    cell(String(g.guestId), 'num'),
    cell(g.clusterName ?? g.cluster, 'opt'),
    cell(g.node, 'opt'),
    cell(guestTypeLabel(g.type), 'opt'),
    age,
    ...kinds,
    scheduleCell,
    jobCell(g),
  )
  return { tr, link, age, kinds, schedule, shown: [], href: '' }
}

function paint(view: RowView, i: number, cell: HTMLElement, text: string, status: AgeStatus) {
  const key = `${text}|${status}`
  if (view.shown[i] === key) return
  view.shown[i] = key
  cell.textContent = text
  cell.dataset.status = status
}

function updateRow(
  view: RowView,
  g: GuestSummary,
  href: string,
  filter: BackupFilter,
  now: number,
  t: Thresholds,
) {
  // The link opens this guest in the current view (middle-click, copy link), not the view of
  // the paint that built the row.
  if (view.href !== href) {
    view.href = href
    view.link.href = href
  }
  const age = getFilteredAge(g, filter, now)
  const status = ageStatus(age, t)
  paint(view, 0, view.age, formatAge(age), status)
  TYPE_FILTERS.forEach((type, i) => {
    const a = getFilteredAge(g, type, now)
    paint(view, i + 1, view.kinds[i] as HTMLElement, formatAge(a), ageStatus(a, t))
  })
  paintSchedule(view, g, now)
}

const SCHEDULE_SLOT = TYPE_FILTERS.length + 1

/** Due / missed as of now: a guest's deadline can pass while the page is open. */
function paintSchedule(view: RowView, g: GuestSummary, now: number) {
  const span = view.schedule
  if (!g.schedule) {
    if (view.shown[SCHEDULE_SLOT] === 'none') return
    view.shown[SCHEDULE_SLOT] = 'none'
    span.textContent = '—'
    span.dataset.schedule = 'none'
    span.dataset.tip =
      g.covered === false
        ? 'No backup job includes this guest: the age thresholds apply'
        : 'No enabled job schedule known for this guest: the age thresholds apply'
    return
  }
  const s = scheduleNow(g.schedule, now)
  const text =
    s.state === 'missed' && s.missedSince !== null
      ? `missed ${formatAge(now - s.missedSince)}`
      : s.state
  const tip = scheduleSentence(s, now)
  const key = `${text}|${tip}`
  if (view.shown[SCHEDULE_SLOT] === key) return
  view.shown[SCHEDULE_SLOT] = key
  span.textContent = text
  span.dataset.schedule = s.state
  span.dataset.tip = tip
  // A missed run is worth reaching from the keyboard for its why, as a failed job's error is.
  if (s.state === 'missed') {
    span.tabIndex = 0
    span.setAttribute('aria-label', `Schedule: ${tip}`)
  } else {
    span.removeAttribute('tabindex')
    span.removeAttribute('aria-label')
  }
}

export interface GuestTable {
  element: HTMLTableElement
  headers: Map<SortKey, HTMLButtonElement>
  update(rows: readonly GuestSummary[], view: ViewState, now: number, t: Thresholds): void
  /** Forget cached rows (new data arrived). */
  reset(): void
}

/**
 * Up to this many rows are all in the DOM (find-in-page, printing and screen readers see every
 * guest). Beyond it only the rows near the viewport are, so big fleets stay instant.
 */
export const FULL_DOM_ROWS = 400
const OVERSCAN_ROWS = 20
const FALLBACK_ROW_PX = 34

function spacer(): HTMLTableRowElement {
  const tr = el('tr', undefined, 'spacer')
  tr.setAttribute('role', 'presentation')
  tr.setAttribute('aria-hidden', 'true')
  return tr
}

/** `hrefFor` gives a guest's link in a view; it is asked on every paint of the row. */
export function createGuestTable(
  hrefFor: (g: GuestSummary, view: ViewState) => string,
): GuestTable {
  const table = el('table', undefined, 'guests')
  table.setAttribute('role', 'table')
  const caption = el('caption', 'Guests and the age of their newest backup', 'sr-only')
  const head = el('tr')
  head.setAttribute('role', 'row')
  head.setAttribute('aria-rowindex', '1')
  const headers = new Map<SortKey, HTMLButtonElement>()
  for (const col of COLUMNS) {
    const th = el('th', undefined, col.className)
    th.scope = 'col'
    th.setAttribute('role', 'columnheader')
    const b = el('button', col.label, 'sort')
    b.type = 'button'
    b.dataset.sort = col.key
    b.setAttribute('aria-label', `Sort by ${col.label}`)
    headers.set(col.key, b)
    th.append(b)
    head.append(th)
  }
  const thead = el('thead')
  thead.setAttribute('role', 'rowgroup')
  thead.append(head)
  const tbody = el('tbody')
  tbody.setAttribute('role', 'rowgroup')
  table.append(caption, thead, tbody)
  const top = spacer()
  const bottom = spacer()

  let cache = new Map<string, RowView>()
  let shownRows: readonly GuestSummary[] = []
  let shown: { view: ViewState; now: number; t: Thresholds } | null = null
  let slice: HTMLTableRowElement[] = []
  let rowPx = FALLBACK_ROW_PX

  function range(total: number): [number, number] {
    if (total <= FULL_DOM_ROWS) return [0, total]
    const offset = -tbody.getBoundingClientRect().top
    const first = Math.floor(Math.max(0, offset) / rowPx) - OVERSCAN_ROWS
    const last = Math.ceil((Math.max(0, offset) + window.innerHeight) / rowPx) + OVERSCAN_ROWS
    return [Math.max(0, first), Math.min(total, last)]
  }

  function paintRange(): void {
    if (!shown) return
    const { view, now, t } = shown
    const [from, to] = range(shownRows.length)
    const next: HTMLTableRowElement[] = []
    for (let i = from; i < to; i++) {
      const g = shownRows[i] as GuestSummary
      let rv = cache.get(g.key)
      if (!rv) {
        rv = buildRow(g)
        cache.set(g.key, rv)
      }
      updateRow(rv, g, hrefFor(g, view), view.filter, now, t)
      rv.tr.setAttribute('aria-rowindex', String(i + 2))
      next.push(rv.tr)
    }
    top.style.height = `${from * rowPx}px`
    bottom.style.height = `${(shownRows.length - to) * rowPx}px`
    if (next.length !== slice.length || next.some((tr, i) => tr !== slice[i])) {
      tbody.replaceChildren(
        ...(from > 0 ? [top] : []),
        ...next,
        ...(to < shownRows.length ? [bottom] : []),
      )
      slice = next
    }
    if (!measured && shownRows.length > FULL_DOM_ROWS) measureSoon()
  }

  // The row height, for the spacers, is read once the rows are laid out in the next frame
  // rather than here: reading it now would force a second synchronous layout into every
  // filter switch. Rows have one line each, so one measurement holds until the window resizes.
  let measured = false
  let measuring = false
  function measureSoon(): void {
    if (measuring) return
    measuring = true
    requestAnimationFrame(() => {
      measuring = false
      const height = slice[0]?.offsetHeight
      if (!height) return
      measured = true
      if (Math.abs(height - rowPx) > 0.5) {
        rowPx = height
        paintRange()
      }
    })
  }

  let pending = false
  const onViewport = () => {
    if (pending || shownRows.length <= FULL_DOM_ROWS) return
    pending = true
    requestAnimationFrame(() => {
      pending = false
      paintRange()
    })
  }
  window.addEventListener('scroll', onViewport, { passive: true })
  window.addEventListener('resize', () => {
    measured = false
    onViewport()
  })
  // A keyboard user tabbing past the last painted row must find the next one there.
  tbody.addEventListener('focusin', () => onViewport())

  return {
    element: table,
    headers,
    reset() {
      cache = new Map()
      slice = []
    },
    update(rows, view, now, t) {
      shownRows = rows
      shown = { view, now, t }
      table.setAttribute('aria-rowcount', String(rows.length + 1))
      paintRange()
      for (const col of COLUMNS) {
        const th = headers.get(col.key)?.parentElement
        if (!th) continue
        if (view.sort === col.key)
          th.setAttribute('aria-sort', view.descending ? 'descending' : 'ascending')
        else th.removeAttribute('aria-sort')
      }
    },
  }
}

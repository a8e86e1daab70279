// The guest table. Rows are built once per guest and updated in place (ages tick, filters
// switch), then re-ordered, so a filter switch over thousands of guests touches text, not DOM.
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
  { key: 'job', label: 'Last job' },
]

const TYPE_FILTERS = ['pve', 'pbs', 'snapshots'] as const satisfies BackupFilter[]

interface RowView {
  tr: HTMLTableRowElement
  age: HTMLTableCellElement
  kinds: HTMLTableCellElement[]
  /** What the cells currently show, to skip writes that change nothing. */
  shown: string[]
}

export function guestLabel(g: GuestSummary): string {
  return g.guestName ?? `(no name, ${g.status})`
}

function jobCell(g: GuestSummary): HTMLTableCellElement {
  const td = el('td', undefined, 'job')
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
    label.title = detail
    label.dataset.tip = detail
    // Focusable so a keyboard user can reach the error text, not only a mouse hover.
    if (g.lastJob.error) {
      label.tabIndex = 0
      label.setAttribute('aria-label', `Last job ${detail}`)
    }
  } else if (g.covered === false) {
    label.title = 'No backup job includes this guest'
  }
  td.append(label)
  return td
}

function buildRow(g: GuestSummary, href: string): RowView {
  const tr = el('tr')
  tr.dataset.key = g.key
  const name = el('td', undefined, 'name')
  const link = el('a', guestLabel(g))
  link.href = href
  link.dataset.guest = g.key
  name.append(link)
  if (g.template) name.append(el('span', 'template', 'tag'))
  if (g.ambiguousSnapshots > 0) {
    const tag = el('span', '?', 'tag warn')
    tag.title = `${g.ambiguousSnapshots} PBS snapshot(s) with this VMID could belong to another cluster`
    name.append(tag)
  }
  const age = el('td', undefined, 'age')
  const kinds = TYPE_FILTERS.map(() => el('td', undefined, 'kind'))
  tr.append(
    name,
    el('td', String(g.guestId), 'num'),
    el('td', g.clusterName ?? g.cluster, 'opt'),
    el('td', g.node, 'opt'),
    el('td', g.type === 'qemu' ? 'VM' : 'CT', 'opt'),
    age,
    ...kinds,
    jobCell(g),
  )
  return { tr, age, kinds, shown: [] }
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
  filter: BackupFilter,
  now: number,
  t: Thresholds,
) {
  const age = getFilteredAge(g, filter, now)
  const status = ageStatus(age, t)
  paint(view, 0, view.age, formatAge(age), status)
  view.age.title = status
  TYPE_FILTERS.forEach((type, i) => {
    const a = getFilteredAge(g, type, now)
    paint(view, i + 1, view.kinds[i] as HTMLElement, formatAge(a), ageStatus(a, t))
  })
}

export interface GuestTable {
  element: HTMLTableElement
  headers: Map<SortKey, HTMLButtonElement>
  update(rows: readonly GuestSummary[], view: ViewState, now: number, t: Thresholds): void
  /** Forget cached rows (new data arrived). */
  reset(): void
}

export function createGuestTable(hrefFor: (g: GuestSummary) => string): GuestTable {
  const table = el('table', undefined, 'guests')
  const caption = el('caption', 'Guests and the age of their newest backup', 'sr-only')
  const head = el('tr')
  const headers = new Map<SortKey, HTMLButtonElement>()
  for (const col of COLUMNS) {
    const th = el('th', undefined, col.className)
    th.scope = 'col'
    const b = el('button', col.label, 'sort')
    b.type = 'button'
    b.dataset.sort = col.key
    b.setAttribute('aria-label', `Sort by ${col.label}`)
    headers.set(col.key, b)
    th.append(b)
    head.append(th)
  }
  const thead = el('thead')
  thead.append(head)
  const tbody = el('tbody')
  table.append(caption, thead, tbody)
  let cache = new Map<string, RowView>()
  let order: string[] = []

  return {
    element: table,
    headers,
    reset() {
      cache = new Map()
      order = []
    },
    update(rows, view, now, t) {
      const next: HTMLTableRowElement[] = []
      for (const g of rows) {
        let rv = cache.get(g.key)
        if (!rv) {
          rv = buildRow(g, hrefFor(g))
          cache.set(g.key, rv)
        }
        updateRow(rv, g, view.filter, now, t)
        next.push(rv.tr)
      }
      const keys = rows.map((g) => g.key)
      if (keys.length !== order.length || keys.some((k, i) => k !== order[i])) {
        tbody.replaceChildren(...next)
        order = keys
      }
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

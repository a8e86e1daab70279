// Dashboard entry: loads the guest index and source status once, renders every guest's
// backup age for the chosen filter (switching filters needs no new request), and re-renders
// each minute so ages tick. All text goes through textContent: names are data, never HTML.
import { ageStatus, type BackupFilter, formatAge, getFilteredAge } from '../../shared/age.ts'
import type { GuestSummary } from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import { type Status, StatusSchema } from '../../shared/schema/status.ts'

const FILTERS: { id: BackupFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'pve', label: 'PVE' },
  { id: 'pbs', label: 'PBS' },
  { id: 'snapshots', label: 'Snapshots' },
]
const TICK_MS = 60_000

interface View {
  index: GuestIndex
  status: Status
  filter: BackupFilter
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = text
  if (className) node.className = className
  return node
}

async function load<T>(
  path: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } })
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  const parsed = schema.safeParse(await response.json())
  if (!parsed.success) throw new Error(`${path} sent data this page does not understand`)
  return parsed.data
}

function jobText(guest: GuestSummary): string {
  if (guest.backingUp) return 'running'
  if (!guest.lastJob) return guest.covered === false ? 'no job' : '—'
  return guest.lastJob.outcome
}

function row(guest: GuestSummary, view: View, now: number): HTMLTableRowElement {
  const tr = el('tr')
  const age = getFilteredAge(guest, view.filter, now)
  const status = ageStatus(age, view.status.thresholds)
  tr.append(
    el('td', guest.guestName ?? '(no name)'),
    el('td', String(guest.guestId), 'num'),
    el('td', guest.cluster),
    el('td', guest.node),
    el('td', guest.type === 'qemu' ? 'VM' : 'CT'),
  )
  const ageCell = el('td', formatAge(age), `age ${status}`)
  ageCell.title = status
  tr.append(ageCell)
  for (const type of ['pve', 'pbs', 'snapshots'] as const) {
    tr.append(el('td', formatAge(getFilteredAge(guest, type, now)), 'num small'))
  }
  const job = el('td', jobText(guest), `job ${guest.lastJob?.outcome ?? ''}`)
  if (guest.lastJob?.error) job.title = guest.lastJob.error
  tr.append(job)
  return tr
}

let current: View | undefined

function render(root: HTMLElement, view: View): void {
  current = view
  const now = Math.floor(Date.now() / 1000)
  const guests = view.index.guests.filter((g) => !g.template)
  const counts = { fresh: 0, stale: 0, overdue: 0, never: 0 }
  for (const g of guests)
    counts[ageStatus(getFilteredAge(g, view.filter, now), view.status.thresholds)] += 1

  const tabs = el('nav', undefined, 'tabs')
  tabs.setAttribute('aria-label', 'Backup type')
  for (const f of FILTERS) {
    const button = el('button', f.label)
    button.type = 'button'
    button.setAttribute('aria-pressed', String(f.id === view.filter))
    button.addEventListener('click', () => render(root, { ...view, filter: f.id }))
    tabs.append(button)
  }
  const summary = el('p', undefined, 'summary')
  for (const [name, n] of Object.entries(counts))
    summary.append(el('span', `${n} ${name}`, `pill ${name}`))

  const table = el('table')
  const head = el('tr')
  for (const h of [
    'Guest',
    'VMID',
    'Cluster',
    'Node',
    'Type',
    'Newest backup',
    'PVE',
    'PBS',
    'Snapshot',
    'Last job',
  ]) {
    head.append(el('th', h))
  }
  table.append(el('thead'), el('tbody'))
  table.tHead?.append(head)
  const sorted = [...guests].sort(
    (a, b) =>
      getFilteredAge(b, view.filter, now) - getFilteredAge(a, view.filter, now) ||
      a.guestId - b.guestId,
  )
  for (const g of sorted) table.tBodies[0]?.append(row(g, view, now))
  root.replaceChildren(tabs, summary, table)
  if (guests.length === 0)
    root.append(el('p', 'No guests yet: the first refresh is running.', 'placeholder'))
}

function renderHealth(target: HTMLElement, status: Status): void {
  const failing = status.sources.filter((s) => s.stale || s.lastError)
  const last = status.lastRefresh
    ? new Date(status.lastRefresh.finishedAt * 1000).toLocaleString()
    : 'never'
  target.textContent =
    failing.length > 0
      ? failing.map((s) => `${s.id}: ${s.lastError?.message ?? 'stale'}`).join(' · ')
      : `${status.sources.length} source(s) healthy · last refresh ${last}`
  target.className =
    failing.length > 0 || status.configIssues.length > 0 ? 'health bad' : 'health ok'
}

async function main(): Promise<void> {
  const root = document.getElementById('main')
  const health = document.getElementById('health')
  if (!root || !health) return
  try {
    const [index, status] = await Promise.all([
      load('/api/guests', GuestIndexSchema),
      load('/api/status', StatusSchema),
    ])
    const view: View = { index, status, filter: 'all' }
    renderHealth(health, status)
    render(root, view)
    setInterval(() => current && render(root, current), TICK_MS)
  } catch (error) {
    health.textContent = `Cannot load backup data: ${error instanceof Error ? error.message : 'unknown error'}`
    health.className = 'health bad'
  }
}

void main()

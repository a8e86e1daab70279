// The controls above the table: backup-type tabs, search, guest type, templates, the
// one-click views and the summary strip. Built once and synced, so typing never loses focus.
import { AGE_STATUSES, type AgeStatus, type BackupFilter } from '../../shared/age.ts'
import { button, el } from './dom.ts'
import type { Selection } from './rows.ts'
import type { GuestKind, OnlyView, ViewState } from './view-state.ts'

const FILTERS: { id: BackupFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'pve', label: 'PVE' },
  { id: 'pbs', label: 'PBS' },
  { id: 'snapshots', label: 'Snapshots' },
]

const STATUS_TEXT: Record<AgeStatus, string> = {
  overdue: 'overdue',
  stale: 'stale',
  fresh: 'fresh',
  never: 'never',
}

/**
 * The one-click views, each with how many guests it would show. The newer two appear only when
 * they would show someone (or are on): a Worker without schedules never offers an empty one.
 */
const QUICK: {
  only: Exclude<OnlyView, 'any'>
  label: string
  count: (s: Selection) => number
  onlyWhenSome?: true
}[] = [
  { only: 'no-backup', label: 'No backup at all', count: (s) => s.noBackup },
  { only: 'uncovered', label: 'Not in any backup job', count: (s) => s.uncovered },
  { only: 'missed', label: 'Missed a scheduled run', count: (s) => s.missed, onlyWhenSome: true },
  {
    only: 'verify-failed',
    label: 'Failed verification',
    count: (s) => s.verifyFailed,
    onlyWhenSome: true,
  },
]

export interface Controls {
  element: HTMLElement
  sync(view: ViewState, selection: Selection): void
}

export function createControls(change: (patch: Partial<ViewState>) => void): Controls {
  const tabs = el('div', undefined, 'tabs')
  tabs.setAttribute('role', 'group')
  tabs.setAttribute('aria-label', 'Backup type')
  const tabButtons = FILTERS.map((f) => {
    const b = button(f.label)
    b.dataset.filter = f.id
    b.addEventListener('click', () => change({ filter: f.id }))
    tabs.append(b)
    return b
  })

  const search = el('input')
  search.type = 'search'
  search.placeholder = 'Search name, VMID, node, tag, pool'
  search.setAttribute('aria-label', 'Search guests')
  search.autocomplete = 'off'
  search.addEventListener('input', () => change({ search: search.value }))

  const kind = el('select')
  kind.setAttribute('aria-label', 'Guest type')
  for (const [value, label] of [
    ['any', 'VMs and containers'],
    ['qemu', 'VMs'],
    ['lxc', 'Containers'],
  ] as const) {
    const o = el('option', label)
    o.value = value
    kind.append(o)
  }
  kind.addEventListener('change', () => change({ kind: kind.value as GuestKind }))

  const templatesBox = el('input')
  templatesBox.type = 'checkbox'
  templatesBox.addEventListener('change', () => change({ templates: templatesBox.checked }))
  const templates = el('label', undefined, 'check')
  templates.append(templatesBox, ' Show templates')

  const quickButtons = QUICK.map(({ only, label }) => {
    const b = button(label, 'quick')
    b.dataset.only = only
    b.addEventListener('click', () => change({ only: currentOnly === only ? 'any' : only }))
    return b
  })
  let currentOnly: OnlyView = 'any'

  const tools = el('div', undefined, 'tools')
  tools.append(search, kind, templates)
  const quick = el('div', undefined, 'quick-views')
  quick.setAttribute('role', 'group')
  quick.setAttribute('aria-label', 'One-click views')
  quick.append(...quickButtons)

  const summary = el('div', undefined, 'summary')
  summary.setAttribute('role', 'group')
  summary.setAttribute('aria-label', 'Guests per status; choose one to show only those')
  let currentStatus: AgeStatus | null = null
  const pills = new Map<AgeStatus, HTMLButtonElement>()
  for (const s of ['overdue', 'stale', 'never', 'fresh'] as const satisfies AgeStatus[]) {
    const b = button('', `pill ${s}`)
    b.dataset.status = s
    b.addEventListener('click', () => change({ status: currentStatus === s ? null : s }))
    pills.set(s, b)
    summary.append(b)
  }

  const element = el('section', undefined, 'controls')
  element.setAttribute('aria-label', 'Filters')
  const strip = el('div', undefined, 'strip')
  strip.append(summary, quick)
  element.append(tabs, tools, strip)

  return {
    element,
    sync(view, selection) {
      currentStatus = view.status
      currentOnly = view.only
      for (const b of tabButtons)
        b.setAttribute('aria-pressed', String(b.dataset.filter === view.filter))
      if (document.activeElement !== search && search.value !== view.search)
        search.value = view.search
      kind.value = view.kind
      templatesBox.checked = view.templates
      QUICK.forEach(({ only, label, count, onlyWhenSome }, i) => {
        const b = quickButtons[i] as HTMLButtonElement
        const n = count(selection)
        b.textContent = `${label} (${n})`
        b.setAttribute('aria-pressed', String(view.only === only))
        b.hidden = onlyWhenSome === true && n === 0 && view.only !== only
      })
      for (const s of AGE_STATUSES) {
        const b = pills.get(s)
        if (!b) continue
        b.textContent = `${selection.counts[s]} ${STATUS_TEXT[s]}`
        b.setAttribute('aria-pressed', String(view.status === s))
      }
    },
  }
}

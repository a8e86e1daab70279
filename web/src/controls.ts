// The controls above the table: backup-type tabs, search, guest type, templates, the two
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
  search.placeholder = 'Search name, VMID, node, cluster'
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

  const quick = (only: OnlyView, label: string) => {
    const b = button(label, 'quick')
    b.dataset.only = only
    return b
  }
  const noBackup = quick('no-backup', 'No backup at all')
  const uncovered = quick('uncovered', 'Not in any backup job')
  let currentOnly: OnlyView = 'any'
  for (const b of [noBackup, uncovered]) {
    b.addEventListener('click', () => {
      const only = b.dataset.only as OnlyView
      change({ only: currentOnly === only ? 'any' : only })
    })
  }

  const tools = el('div', undefined, 'tools')
  tools.append(search, kind, templates, noBackup, uncovered)

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
  element.append(tabs, tools, summary)

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
      noBackup.textContent = `No backup at all (${selection.noBackup})`
      uncovered.textContent = `Not in any backup job (${selection.uncovered})`
      noBackup.setAttribute('aria-pressed', String(view.only === 'no-backup'))
      uncovered.setAttribute('aria-pressed', String(view.only === 'uncovered'))
      for (const s of AGE_STATUSES) {
        const b = pills.get(s)
        if (!b) continue
        b.textContent = `${selection.counts[s]} ${STATUS_TEXT[s]}`
        b.setAttribute('aria-pressed', String(view.status === s))
      }
    },
  }
}

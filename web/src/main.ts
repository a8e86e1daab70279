// Dashboard entry: loads the guest index and source status, keeps the view (filter, search,
// sort, open guest) in the URL, re-renders from memory on every change (no request for a
// filter switch) and every 30 s so ages tick, and revalidates the data every 5 minutes.
import type { GuestIndex } from '../../shared/schema/index.ts'
import type { Status } from '../../shared/schema/status.ts'
import { ApiError, loadGuest, loadIndex, loadStatus, requestRefresh } from './api.ts'
import { createBanner } from './banner.ts'
import { createControls } from './controls.ts'
import { createDetail } from './detail.ts'
import { button, el } from './dom.ts'
import { renderExtras } from './extras.ts'
import { selectRows } from './rows.ts'
import { createGuestTable } from './table.ts'
import { installTooltip } from './tooltip.ts'
import { formatViewState, parseViewState, type SortKey, type ViewState } from './view-state.ts'

const TICK_MS = 30_000
const RELOAD_MS = 5 * 60_000
const TOKEN_KEY = 'pulse-edge-api-token'
/** Columns whose natural first order is "largest first" (oldest backup first). */
const DESCENDING_FIRST = new Set<SortKey>(['age', 'pve', 'pbs', 'snapshots'])

const nowSeconds = () => Math.floor(Date.now() / 1000)

let view: ViewState = parseViewState(location.search)
let index: GuestIndex | null = null
let status: Status | null = null

const root = document.getElementById('main') as HTMLElement
const bannerSlot = document.getElementById('banner') as HTMLElement

const banner = createBanner(() => void refreshNow())
const controls = createControls((patch) => change(patch, 'search' in patch ? 'replace' : 'push'))
const table = createGuestTable((g, v) => formatViewState({ ...v, guest: g.key }))
const detail = createDetail(() => {
  if (view.guest) change({ guest: null }, 'push')
})
const tableWrap = el('div', undefined, 'scroll table-wrap')
const empty = el('p', undefined, 'placeholder empty')
const extrasSlot = el('div')
tableWrap.append(table.element)

function thresholds() {
  return status?.thresholds ?? { freshHours: 24, staleHours: 72 }
}

function render(): void {
  if (!index || !status) return
  const now = nowSeconds()
  const selection = selectRows(index.guests, view, now, thresholds())
  controls.sync(view, selection)
  table.update(selection.rows, view, now, thresholds())
  empty.hidden = selection.rows.length > 0
  empty.textContent =
    index.guests.length === 0
      ? 'No guests yet. The first refresh may still be running; this page checks again shortly.'
      : 'No guest matches these filters.'
}

function change(patch: Partial<ViewState>, mode: 'push' | 'replace'): void {
  const before = view.guest
  view = { ...view, ...patch }
  const url = `${location.pathname}${formatViewState(view)}`
  if (mode === 'push') history.pushState(null, '', url)
  else history.replaceState(null, '', url)
  render()
  if (view.guest !== before) void syncDetail()
}

async function syncDetail(): Promise<void> {
  const key = view.guest
  if (!key) {
    detail.close()
    return
  }
  detail.openLoading(key)
  try {
    const record = await loadGuest(key)
    if (view.guest === key) detail.show(record, nowSeconds(), thresholds())
  } catch (error) {
    if (view.guest === key)
      detail.fail(
        error instanceof ApiError && error.status === 404 ? `No guest ${key}.` : messageOf(error),
      )
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Unknown error'
}

async function loadAll(): Promise<void> {
  const [nextIndex, nextStatus] = await Promise.all([loadIndex(), loadStatus()])
  table.reset()
  index = nextIndex
  status = nextStatus
  // Data health depends on the data, not on the view: drawn here and on the tick only.
  banner.render(status, nowSeconds())
  extrasSlot.replaceChildren(renderExtras(index.orphans, index.ambiguous, nowSeconds()))
}

async function refreshNow(): Promise<void> {
  banner.note('Refreshing…')
  try {
    await requestRefresh(sessionStorage.getItem(TOKEN_KEY) ?? undefined)
    await loadAll()
    render()
    banner.note('Refreshed.')
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      askForToken()
      return
    }
    banner.note(messageOf(error), true)
  }
}

function askForToken(): void {
  const form = el('form', undefined, 'token-form')
  const input = el('input')
  input.type = 'password'
  input.autocomplete = 'off'
  input.setAttribute('aria-label', 'API token')
  input.placeholder = 'API token'
  const submit = el('button', 'Refresh')
  submit.type = 'submit'
  form.append(input, submit)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    // Kept for this tab only; never sent anywhere but this Worker's /api/refresh.
    sessionStorage.setItem(TOKEN_KEY, input.value)
    form.remove()
    void refreshNow()
  })
  banner.note('Refreshing needs the API token (PULSE_API_TOKEN).', true)
  banner.element.append(form)
  input.focus()
}

function showError(error: unknown): void {
  const box = el('div', undefined, 'error-state')
  box.setAttribute('role', 'alert')
  box.append(el('p', `Cannot load backup data: ${messageOf(error)}`))
  const retry = button('Try again')
  retry.addEventListener('click', () => void start())
  box.append(retry)
  root.replaceChildren(box)
}

function wireTable(): void {
  for (const [key, b] of table.headers) {
    b.addEventListener('click', () => {
      const descending = view.sort === key ? !view.descending : DESCENDING_FIRST.has(key)
      change({ sort: key, descending }, 'push')
    })
  }
  table.element.addEventListener('click', (e) => {
    const link = (e.target as Element).closest<HTMLAnchorElement>('a[data-guest]')
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    change({ guest: link.dataset.guest ?? null }, 'push')
  })
}

async function start(): Promise<void> {
  root.setAttribute('aria-busy', 'true')
  try {
    await loadAll()
  } catch (error) {
    root.setAttribute('aria-busy', 'false')
    showError(error)
    return
  }
  bannerSlot.replaceChildren(banner.element)
  root.replaceChildren(controls.element, tableWrap, empty, extrasSlot, detail.element)
  render()
  root.setAttribute('aria-busy', 'false')
  document.body.dataset.ready = 'true'
  performance.mark('pulse:first-render')
  if (view.guest) void syncDetail()
}

wireTable()
installTooltip()
window.addEventListener('popstate', () => {
  const before = view.guest
  view = parseViewState(location.search)
  render()
  if (view.guest !== before) void syncDetail()
})
setInterval(() => {
  render()
  if (status) banner.render(status, nowSeconds())
}, TICK_MS)
setInterval(() => {
  loadAll()
    .then(render)
    .catch((error: unknown) => banner.note(`Could not reload: ${messageOf(error)}`, true))
}, RELOAD_MS)
void start()

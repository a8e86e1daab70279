// Dashboard entry: loads the guest index and source status, keeps the view (page, filter,
// search, sort, open drill-down) in the URL, re-renders from memory on every change (no request
// for a filter switch) and every 30 s so ages tick, and revalidates the data every 5 minutes.
// The Jobs, Storage, Alerts and Activity views load their code (chunks.ts) and their own
// endpoints, side by side, the first time they are shown; the alerts are loaded with the rest
// from the start, for the header's count of firing alerts; the drill-down's code loads when
// the first one opens, and a guest's history when its drill-down opens.
import { render as draw, type TemplateResult } from 'lit-html'
import type { ActivityResponse, StorageTrendsResponse } from '../../shared/schema/history.ts'
import type { GuestIndex } from '../../shared/schema/index.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { Status } from '../../shared/schema/status.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import { createAlertCount } from './alert-count.ts'
import { createAlertsFeed } from './alerts-feed.ts'
import type { AlertsPage } from './alerts-page.ts'
import {
  ApiError,
  loadGuest,
  loadIndex,
  loadJobs,
  loadOrphan,
  loadStatus,
  loadStorage,
  requestRefresh,
} from './api.ts'
import { readToken, saveToken } from './api-token.ts'
import { createBanner } from './banner.ts'
import { localDay } from './calendar.ts'
import { type Chunk, chunkState, lazyChunk } from './chunks.ts'
import { createControls } from './controls.ts'
import type { Detail, DetailContent } from './detail.ts'
import { createDialog, detailError, detailFrame, detailLoading } from './detail-frame.ts'
import { button, el } from './dom.ts'
import { createExportLinks } from './export-links.ts'
import { extrasView } from './extras.ts'
import { viewerTimeZone } from './format.ts'
import {
  historyErrorText,
  loadActivity,
  loadGuestHistory,
  loadStorageTrends,
} from './history-api.ts'
import type { GuestHistoryState } from './history-detail.ts'
import { ensure, type Loaded, messageOf, notLoaded } from './loaded.ts'
import { navView, PAGE_TITLES } from './nav.ts'
import { selectRows } from './rows.ts'
import { createGuestTable, guestLabel } from './table.ts'
import { installTooltip } from './tooltip.ts'
import {
  ACTIVITY_DEFAULT_DAYS,
  formatViewState,
  type HistoryRange,
  type Page,
  parseViewState,
  type SortKey,
  TRENDS_DEFAULT_DAYS,
  type ViewState,
} from './view-state.ts'

const TICK_MS = 30_000
const RELOAD_MS = 5 * 60_000
/** Columns whose natural first order is "largest first" (oldest backup first). */
const DESCENDING_FIRST = new Set<SortKey>(['age', 'pve', 'pbs', 'snapshots'])

const nowSeconds = () => Math.floor(Date.now() / 1000)

let view: ViewState = parseViewState(location.search)
let index: GuestIndex | null = null
let status: Status | null = null
let jobs: Loaded<JobsIndex> = notLoaded()
let storage: Loaded<StorageIndex> = notLoaded()
let detailContent: DetailContent | null = null
/** A job or store named by the URL waits to be scrolled to until its row is drawn. */
let scrollPending = view.job !== undefined || view.store !== undefined
/** History views' data per range (and zone), kept once loaded like the other views'. */
const activity = new Map<string, Loaded<ActivityResponse>>()
const trends = new Map<HistoryRange, Loaded<StorageTrendsResponse>>()

const root = document.getElementById('main') as HTMLElement
const bannerSlot = document.getElementById('banner') as HTMLElement
const navSlot = document.getElementById('nav') as HTMLElement
const alertCount = createAlertCount(document.getElementById('alert-count') as HTMLElement)

const banner = createBanner(() => void refreshNow())
const controls = createControls((patch) => change(patch, 'search' in patch ? 'replace' : 'push'))
const table = createGuestTable((g, v) => formatViewState({ ...v, guest: g.key }))
const closeDetail = () => {
  if (view.guest || view.orphan) change({ guest: null, orphan: null }, 'push')
}
const dialog = createDialog(closeDetail)
/** The drill-down, once its chunk has arrived (the dialog is in the page from the start). */
let detail: Detail | null = null
const guestsSection = el('div', undefined, 'guests-view')
const tableWrap = el('div', undefined, 'scroll table-wrap')
const empty = el('p', undefined, 'placeholder empty')
const extrasSlot = el('div')
tableWrap.append(table.element)
guestsSection.append(controls.element, tableWrap, empty, extrasSlot)
const exportLinks = createExportLinks(
  {
    get: () => readToken() ?? null,
    set: saveToken,
  },
  () => localDay(nowSeconds(), viewerTimeZone()),
)
guestsSection.append(exportLinks.element)
const jobsSlot = el('div')
const storageSlot = el('div')
const alertsSlot = el('div')
const alerts = createAlertsFeed(() => render())
let alertsPage: AlertsPage | null = null
const activitySlot = el('div')

/** Re-renders once a chunk has arrived; focus on its placeholder heading moves to the view's. */
function chunkArrived(): void {
  const slot = pageSlot(view.page)
  const focused = slot?.contains(document.activeElement) ?? false
  render()
  if (focused) focusView()
}
const chunks = {
  jobs: lazyChunk(() => import('./jobs-view.ts'), [], chunkArrived),
  storage: lazyChunk(() => import('./storage-view.ts'), ['/history.css'], chunkArrived),
  alerts: lazyChunk(
    async () => {
      const { createAlertsPage } = await import('./alerts-page.ts')
      alertsPage ??= createAlertsPage({
        alerts,
        view: () => view,
        hrefOf: (state) => hrefOf(state),
        change: (patch) => change(patch, 'push'),
        allowed: () => status?.refreshAllowed ?? true,
        now: nowSeconds,
        render: () => render(),
      })
      return alertsPage
    },
    ['/alerts.css'],
    chunkArrived,
  ),
  activity: lazyChunk(() => import('./activity-view.ts'), ['/history.css'], chunkArrived),
  detail: lazyChunk(
    async () => {
      const { createDetail } = await import('./detail.ts')
      detail ??= createDetail(closeDetail, dialog)
      return detail
    },
    ['/history.css'],
    () => {
      if (detailContent) showDetail(detailContent)
    },
  ),
}
/** The chunk a view's code is in; the guest table is in the page's own. */
const chunkOf = (page: Page) => (page === 'guests' ? null : chunks[page])

function thresholds() {
  return status?.thresholds ?? { freshHours: 24, staleHours: 72 }
}

const hrefOf = (state: ViewState) => `${location.pathname}${formatViewState(state)}`

const clusterNames = () =>
  new Map((index?.guests ?? []).map((g) => [g.cluster, g.clusterName ?? g.cluster]))
const guestNames = () => new Map((index?.guests ?? []).map((g) => [g.key, guestLabel(g)]))
/** The width a view's charts are laid out for: the main column's content box. */
function contentWidth(): number {
  const style = getComputedStyle(root)
  const padding = Number.parseFloat(style.paddingLeft) + Number.parseFloat(style.paddingRight)
  return Math.max(260, Math.floor(root.clientWidth - (Number.isFinite(padding) ? padding : 0)))
}
const activityKey = (days: HistoryRange) => `${days}|${viewerTimeZone()}`

function renderGuests(now: number): void {
  if (!index) return
  const selection = selectRows(index.guests, view, now, thresholds())
  // The table first: it reads where it is on screen, which is free while nothing has changed
  // yet and a forced layout once the controls have.
  table.update(selection.rows, view, now, thresholds())
  controls.sync(view, selection)
  empty.hidden = selection.rows.length > 0
  empty.textContent =
    index.guests.length === 0
      ? 'No guests yet. The first refresh may still be running; this page checks again shortly.'
      : 'No guest matches these filters.'
  draw(
    extrasView({
      orphans: index.orphans,
      ambiguous: index.ambiguous,
      now,
      orphanHref: (key) => hrefOf({ ...view, guest: null, orphan: key }),
    }),
    extrasSlot,
  )
}

function render(): void {
  if (!index || !status) return
  const now = nowSeconds()
  draw(
    navView(view.page, (page) => hrefOf(pageState(page))),
    navSlot,
  )
  const { firing, error } = alerts.firing()
  alertCount.render(firing, error, hrefOf(pageState('alerts')))
  document.title = `${view.page === 'guests' ? '' : `${PAGE_TITLES[view.page]} — `}Pulse Edge — Proxmox backup ages`
  guestsSection.hidden = view.page !== 'guests'
  jobsSlot.hidden = view.page !== 'jobs'
  storageSlot.hidden = view.page !== 'storage'
  alertsSlot.hidden = view.page !== 'alerts'
  activitySlot.hidden = view.page !== 'activity'
  // A guest's drill-down opens over the view it was chosen from; closing it returns there.
  const guestHref = (key: string) => hrefOf({ ...view, guest: key })
  if (view.page === 'guests') renderGuests(now)
  if (view.page === 'jobs') {
    void ensureJobs()
    drawView('jobs', chunks.jobs.get(), jobsSlot, (module) =>
      module.jobsView({
        jobs: jobs.data,
        error: jobs.error,
        now,
        clusterNames: clusterNames(),
        guestNames: guestNames(),
        guestHref,
        onRetry: () => void ensureJobs(true),
        highlight: view.job,
      }),
    )
  }
  if (view.page === 'storage') {
    void ensureStorage()
    void ensureJobs()
    const days = view.days ?? TRENDS_DEFAULT_DAYS
    void ensureTrends(days)
    const t = trends.get(days) ?? notLoaded()
    drawView('storage', chunks.storage.get(), storageSlot, (module) =>
      module.storageView({
        storage: storage.data,
        jobs: jobs.data,
        error: storage.error,
        now,
        clusterNames: clusterNames(),
        onRetry: () => void ensureStorage(true),
        highlight: view.store,
        trends: {
          trends: t.data,
          error: t.error,
          days,
          width: contentWidth(),
          timeZone: viewerTimeZone(),
          now,
          onChange: (d) => change({ days: d }, 'push'),
          onRetry: () => void ensureTrends(days, true),
        },
      }),
    )
  }
  if (view.page === 'alerts') {
    void alerts.ensure()
    const chunk = chunks.alerts.get()
    if (chunk.state !== 'loaded') draw(chunkState(PAGE_TITLES.alerts, chunk), alertsSlot)
    else chunk.module.draw(alertsSlot, now)
  }
  if (view.page === 'activity') {
    const days = view.days ?? ACTIVITY_DEFAULT_DAYS
    void ensureActivity(days)
    const a = activity.get(activityKey(days)) ?? notLoaded()
    drawView('activity', chunks.activity.get(), activitySlot, (module) =>
      module.activityView({
        activity: a.data,
        error: a.error,
        days,
        filter: view.filter,
        width: contentWidth(),
        onChange: (patch) => change(patch, 'push'),
        onRetry: () => void ensureActivity(days, true),
      }),
    )
  }
  scrollToHighlight()
  if (detailContent && detail?.isOpen()) detail.show(detailState(detailContent, now))
}

function detailState(content: DetailContent, now: number) {
  return {
    content,
    now,
    thresholds: thresholds(),
    timeZone: viewerTimeZone(),
    onRetryHistory: () => void syncHistory(true),
  }
}

/** Draws a view whose code loads when first shown: its loading or failed state until it is in. */
function drawView<M>(
  page: Page,
  chunk: Chunk<M>,
  slot: HTMLElement,
  template: (module: M) => TemplateResult,
): void {
  draw(
    chunk.state === 'loaded' ? template(chunk.module) : chunkState(PAGE_TITLES[page], chunk),
    slot,
  )
}

/** A view from the header: its own state only, drill-downs and highlights closed. */
function pageState(page: Page): ViewState {
  const { job, store, ...rest } = view
  return { ...rest, page, guest: null, orphan: null }
}

/** Once per navigation to a job or store: scroll its row into view and put focus on it. */
function scrollToHighlight(): void {
  if (!scrollPending) return
  const slot = view.page === 'jobs' ? jobsSlot : view.page === 'storage' ? storageSlot : null
  const loaded = view.page === 'jobs' ? jobs.data : view.page === 'storage' ? storage.data : null
  if (!slot || (!view.job && !view.store)) {
    scrollPending = false
    return
  }
  // Its rows are drawn once both its data and its code are here.
  if (!loaded || chunkOf(view.page)?.get().state !== 'loaded') return
  scrollPending = false
  const row = slot.querySelector<HTMLElement>('[data-highlight="true"]')
  if (!row) return
  row.scrollIntoView({ block: 'center' })
  row.focus({ preventScroll: true })
}

const ensureJobs = (again = false) =>
  ensure(
    () => jobs,
    (next) => {
      jobs = next
    },
    loadJobs,
    render,
    again,
  )
const ensureStorage = (again = false) =>
  ensure(
    () => storage,
    (next) => {
      storage = next
    },
    loadStorage,
    render,
    again,
  )
const ensureActivity = (days: HistoryRange, again = false) => {
  const key = activityKey(days)
  return ensure(
    () => activity.get(key) ?? notLoaded<ActivityResponse>(),
    (next) => activity.set(key, next),
    () => loadActivity(days, viewerTimeZone()),
    render,
    again,
  )
}
const ensureTrends = (days: HistoryRange, again = false) =>
  ensure(
    () => trends.get(days) ?? notLoaded<StorageTrendsResponse>(),
    (next) => trends.set(days, next),
    () => loadStorageTrends(days),
    render,
    again,
  )

/** A whole new view state (an alert's link), pushed to history like a patch. */
function replaceView(next: ViewState): void {
  const before = [view.guest, view.orphan]
  view = next
  history.pushState(null, '', hrefOf(view))
  render()
  if (view.guest !== before[0] || view.orphan !== before[1]) void syncDetail()
}

function change(patch: Partial<ViewState>, mode: 'push' | 'replace'): void {
  const before = [view.guest, view.orphan]
  view = { ...view, ...patch }
  // One drill-down at a time.
  if (patch.guest) view.orphan = null
  if (patch.orphan) view.guest = null
  const url = hrefOf(view)
  if (mode === 'push') history.pushState(null, '', url)
  else history.replaceState(null, '', url)
  render()
  if (view.guest !== before[0] || view.orphan !== before[1]) void syncDetail()
}

function showDetail(content: DetailContent): void {
  detailContent = content
  const chunk = chunks.detail.get()
  if (chunk.state === 'loaded') {
    chunk.module.show(detailState(content, nowSeconds()))
    return
  }
  // Until the drill-down's code is here (or if it cannot be), the frame says which.
  const title =
    content.kind === 'loading' || content.kind === 'error' ? content.title : content.record.key
  draw(
    detailFrame(
      title,
      chunk.state === 'loading' ? 'loading' : 'error',
      chunk.state === 'loading'
        ? detailLoading()
        : detailError(
            `The drill-down could not be loaded (${chunk.message}). Check the connection; if Pulse Edge was updated since this page was opened, reloading the page gets the current version.`,
          ),
      () => dialog.close(),
    ),
    dialog,
  )
  if (!dialog.open) dialog.showModal()
}

/** The open guest's history, into the drill-down when it arrives (its record stays either way). */
async function syncHistory(again = false): Promise<void> {
  const key = view.guest
  const open = detailContent
  if (!key || open?.kind !== 'guest' || open.record.key !== key) return
  if (!again && open.history && open.history.state !== 'error') return
  const set = (history: GuestHistoryState) => {
    const c = detailContent
    if (c?.kind === 'guest' && c.record.key === key && view.guest === key)
      showDetail({ ...c, history })
  }
  set({ state: 'loading' })
  try {
    set({ state: 'loaded', data: await loadGuestHistory(key) })
  } catch (error) {
    set({ state: 'error', message: historyErrorText(error) })
  }
}

async function syncDetail(): Promise<void> {
  const { guest, orphan } = view
  const key = guest ?? orphan
  if (!key) {
    detailContent = null
    if (dialog.open) dialog.close()
    return
  }
  const current = () => (guest ? view.guest === key : view.orphan === key)
  showDetail({ kind: 'loading', title: guest ? key : `Orphaned backups ${key}` })
  try {
    if (guest) {
      const record = await loadGuest(guest)
      if (!current()) return
      showDetail({ kind: 'guest', record, jobs: jobs.data, history: { state: 'loading' } })
      void syncHistory(true)
      // The jobs covering it, named with their schedules, once /api/jobs has answered.
      if (record.schedule?.jobs.length && !jobs.data) {
        await ensureJobs()
        const c = detailContent
        if (current() && jobs.data && c?.kind === 'guest') showDetail({ ...c, jobs: jobs.data })
      }
    } else {
      const record = await loadOrphan(key)
      if (current()) showDetail({ kind: 'orphan', record })
    }
  } catch (error) {
    if (!current()) return
    const what = guest ? `guest ${key}` : `orphan ${key}`
    showDetail({
      kind: 'error',
      title: key,
      message: error instanceof ApiError && error.status === 404 ? `No ${what}.` : messageOf(error),
    })
  }
}

async function loadAll(): Promise<void> {
  const [nextIndex, nextStatus] = await Promise.all([loadIndex(), loadStatus()])
  table.reset()
  index = nextIndex
  status = nextStatus
  // Data health depends on the data, not on the view: drawn here and on the tick only.
  banner.render(status, nowSeconds())
  // Views already loaded are revalidated with the rest (a failure keeps what they showed).
  if (jobs.data || jobs.error) void ensureJobs(true)
  if (storage.data || storage.error) void ensureStorage(true)
  // The header's count comes with every reload, whatever the view.
  void alerts.ensure(true)
  alertsPage?.reload()
  for (const [key, a] of activity)
    if (a.data || a.error) void ensureActivity(Number(key.split('|')[0]) as HistoryRange, true)
  for (const [days, t] of trends) if (t.data || t.error) void ensureTrends(days, true)
}

async function refreshNow(): Promise<void> {
  banner.note('Refreshing…')
  try {
    await requestRefresh(readToken())
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
    saveToken(input.value)
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
}

function pageSlot(page: Page): HTMLElement | null {
  return {
    guests: null,
    jobs: jobsSlot,
    storage: storageSlot,
    alerts: alertsSlot,
    activity: activitySlot,
  }[page]
}

/** Moves focus to the view that was asked for, as a page load would. */
function focusView(): void {
  const slot = pageSlot(view.page)
  // Each view's heading; the hidden views' are still in the document.
  const title = slot ? slot.querySelector<HTMLElement>('h2[tabindex="-1"]') : root
  title?.focus()
}

/** The page's own links open in place; a middle-click or modified click is the browser's. */
function wireLinks(): void {
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.<HTMLAnchorElement>(
      'a[data-guest], a[data-orphan], a[data-page], a[data-view-link]',
    )
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    const { guest, orphan, page, viewLink } = link.dataset
    if (viewLink) {
      // Already resolved against the current view (subjectHref): the URL is the whole state.
      const next = parseViewState(new URL(link.href).search)
      scrollPending = next.job !== undefined || next.store !== undefined
      replaceView(next)
      if (!scrollPending && !next.guest && !next.orphan) focusView()
    } else if (page) {
      replaceView(pageState(page as Page))
      focusView()
    } else if (guest) change({ guest }, 'push')
    else if (orphan) change({ orphan }, 'push')
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
  root.replaceChildren(guestsSection, jobsSlot, storageSlot, alertsSlot, activitySlot, dialog)
  render()
  performance.mark('pulse:first-render')
  // A view opened by its URL is ready once its code has arrived (or failed to) and drawn.
  await chunkOf(view.page)?.ready()
  root.setAttribute('aria-busy', 'false')
  document.body.dataset.ready = 'true'
  if (view.guest || view.orphan) void syncDetail()
}

wireTable()
wireLinks()
installTooltip()
window.addEventListener('popstate', () => {
  const before = [view.guest, view.orphan]
  view = parseViewState(location.search)
  render()
  if (view.guest !== before[0] || view.orphan !== before[1]) void syncDetail()
})
setInterval(() => {
  render()
  if (status) banner.render(status, nowSeconds())
}, TICK_MS)
// Charts are laid out for the width they get: a resize lays them out again (once a frame).
let resizing = 0
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizing)
  resizing = requestAnimationFrame(() => render())
})
setInterval(() => {
  loadAll()
    .then(render)
    .catch((error: unknown) => banner.note(`Could not reload: ${messageOf(error)}`, true))
}, RELOAD_MS)
void start()

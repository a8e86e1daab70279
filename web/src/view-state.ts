// What the user is looking at, as plain data that round-trips through the URL query, so a
// view can be bookmarked and shared. Unknown or malformed parameters fall back to defaults.
import {
  AGE_STATUSES,
  type AgeStatus,
  BACKUP_FILTERS,
  type BackupFilter,
} from '../../shared/age.ts'
import { SEVERITIES, type Severity } from '../../shared/schema/alerts.ts'
import { ACTIVITY_RANGES } from '../../shared/schema/history.ts'

export const SORT_KEYS = [
  'attention',
  'name',
  'vmid',
  'cluster',
  'node',
  'type',
  'age',
  'pve',
  'pbs',
  'snapshots',
  'schedule',
  'job',
] as const
export type SortKey = (typeof SORT_KEYS)[number]

export const GUEST_KINDS = ['any', 'qemu', 'lxc'] as const
export type GuestKind = (typeof GUEST_KINDS)[number]

/** One-click views of the guests that most need a look. */
export const ONLY_VIEWS = ['any', 'no-backup', 'uncovered', 'missed', 'verify-failed'] as const
export type OnlyView = (typeof ONLY_VIEWS)[number]

/** The page's views, reachable from the header. */
export const PAGES = ['guests', 'jobs', 'storage', 'alerts', 'activity'] as const
export type Page = (typeof PAGES)[number]

/** The Alerts view's state filter: `open` = firing and neither acknowledged nor snoozed. */
export const ALERT_STATE_FILTERS = [
  'firing',
  'open',
  'acknowledged',
  'snoozed',
  'resolved',
] as const
export type AlertStateFilter = (typeof ALERT_STATE_FILTERS)[number]

/** Days a history view spans (activity chart, storage trends). */
export type HistoryRange = (typeof ACTIVITY_RANGES)[number]
/** Each history view's range when the URL names none (here, not in the views' own chunks: the
 * page starts loading a view's data while its code is still being fetched). */
export const ACTIVITY_DEFAULT_DAYS: HistoryRange = 30
export const TRENDS_DEFAULT_DAYS: HistoryRange = 90

const GUEST_KEY = /^[a-z0-9-]{1,32}\/\d{1,9}$/
/** As /api/orphans/:key accepts (functions/routes/api.ts): `cluster/vmid` or a PBS group path. */
const ORPHAN_KEY = /^[A-Za-z0-9._:/-]{1,300}$/
/** A job (`cluster/id`, `source/kind/id`) or store (`source/store`, `cluster[/node]/storage`). */
const ITEM_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]*(\/[A-Za-z0-9][A-Za-z0-9._:-]*){1,3}$/

export interface ViewState {
  filter: BackupFilter
  search: string
  sort: SortKey
  descending: boolean
  kind: GuestKind
  status: AgeStatus | null
  templates: boolean
  only: OnlyView
  /** `cluster/vmid` of the guest whose details are open. */
  guest: string | null
  /** Key of the orphan whose details are open (see OrphanSchema's `key`). */
  orphan: string | null
  page: Page
  /*
   * The fields below are absent when unset (not null), so that views bookmarked before they
   * existed parse to the same state.
   */
  /** The Jobs view's job to highlight and scroll to (an alert's link: `?view=jobs&job=`). */
  job?: string
  /** The Storage view's datastore or storage to highlight (`?view=storage&store=`). */
  store?: string
  /** The Alerts view's filters. */
  severity?: Severity
  alertState?: AlertStateFilter
  /**
   * The history views' range; absent (not null): each view's own default, and views bookmarked
   * before it existed parse to the same state.
   */
  days?: HistoryRange
}

export const DEFAULT_VIEW: ViewState = {
  filter: 'all',
  search: '',
  sort: 'attention',
  descending: false,
  kind: 'any',
  status: null,
  templates: false,
  only: 'any',
  guest: null,
  orphan: null,
  page: 'guests',
}

function oneOf<T extends string>(values: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback
}

export function parseViewState(query: string): ViewState {
  const p = new URLSearchParams(query)
  const guest = p.get('guest')
  const orphan = p.get('orphan')
  const status = p.get('status')
  const days = ACTIVITY_RANGES.find((d) => String(d) === p.get('days'))
  return {
    filter: oneOf(BACKUP_FILTERS, p.get('filter'), DEFAULT_VIEW.filter),
    search: (p.get('q') ?? '').slice(0, 200),
    sort: oneOf(SORT_KEYS, p.get('sort'), DEFAULT_VIEW.sort),
    descending: p.get('dir') === 'desc',
    kind: oneOf(GUEST_KINDS, p.get('type'), DEFAULT_VIEW.kind),
    status:
      status !== null && oneOf(AGE_STATUSES, status, 'never') === status
        ? (status as AgeStatus)
        : null,
    templates: p.get('templates') === '1',
    only: oneOf(ONLY_VIEWS, p.get('only'), DEFAULT_VIEW.only),
    guest: guest !== null && GUEST_KEY.test(guest) ? guest : null,
    // One drill-down at a time: a guest wins over an orphan.
    orphan: guest === null && orphan !== null && ORPHAN_KEY.test(orphan) ? orphan : null,
    page: oneOf(PAGES, p.get('view'), DEFAULT_VIEW.page),
    ...optional(p),
    ...(days === undefined ? {} : { days }),
  }
}

function optional(p: URLSearchParams): Partial<ViewState> {
  const out: Partial<ViewState> = {}
  const job = p.get('job')
  const store = p.get('store')
  const severity = p.get('severity')
  const state = p.get('state')
  if (job !== null && job.length <= 300 && ITEM_KEY.test(job)) out.job = job
  if (store !== null && store.length <= 300 && ITEM_KEY.test(store)) out.store = store
  if (severity !== null && (SEVERITIES as readonly string[]).includes(severity))
    out.severity = severity as Severity
  if (state !== null && (ALERT_STATE_FILTERS as readonly string[]).includes(state))
    out.alertState = state as AlertStateFilter
  return out
}

/**
 * Where an in-page link (an alert's) leads from the current view: a drill-down opens over the
 * view it was chosen from; a job or store opens its view, highlighted; the rest of the URL
 * state (filters, search, sort) is kept.
 */
export function followLink(current: ViewState, target: ViewState): ViewState {
  if (target.guest || target.orphan)
    return { ...current, guest: target.guest, orphan: target.orphan }
  const { job, store, ...rest } = current
  const next: ViewState = { ...rest, page: target.page, guest: null, orphan: null }
  if (target.job) next.job = target.job
  if (target.store) next.store = target.store
  return next
}

/** Only what differs from the defaults, so plain URLs stay plain. */
export function formatViewState(state: ViewState): string {
  const p = new URLSearchParams()
  if (state.page !== DEFAULT_VIEW.page) p.set('view', state.page)
  if (state.filter !== DEFAULT_VIEW.filter) p.set('filter', state.filter)
  if (state.search) p.set('q', state.search)
  if (state.sort !== DEFAULT_VIEW.sort) p.set('sort', state.sort)
  if (state.descending) p.set('dir', 'desc')
  if (state.kind !== DEFAULT_VIEW.kind) p.set('type', state.kind)
  if (state.status) p.set('status', state.status)
  if (state.templates) p.set('templates', '1')
  if (state.only !== DEFAULT_VIEW.only) p.set('only', state.only)
  if (state.days !== undefined) p.set('days', String(state.days))
  if (state.guest) p.set('guest', state.guest)
  else if (state.orphan) p.set('orphan', state.orphan)
  if (state.job) p.set('job', state.job)
  if (state.store) p.set('store', state.store)
  if (state.severity) p.set('severity', state.severity)
  if (state.alertState) p.set('state', state.alertState)
  const text = p.toString()
  return text ? `?${text}` : ''
}

// A guest's drill-down through time (GET /api/history/guests/:cluster/:vmid): how many restore
// points it has and the oldest, every day of its history at a glance, its backups' size per
// type and its jobs' run time over that history, and the backups prune has removed. Loaded when
// the drill-down opens; while loading or after a failure the record's own data stays shown.
import { html, nothing, type TemplateResult } from 'lit-html'
import { formatAge } from '../../shared/age.ts'
import type { BackupDate } from '../../shared/schema/guest.ts'
import type {
  GuestHistoryResponse,
  HistoryBackup,
  HistoryJobRun,
} from '../../shared/schema/history.ts'
import { buildDays, type CalendarDay, mergeEntries } from './calendar.ts'
import { barChart, type DailyBar } from './charts/bars.ts'
import { lazyDetails } from './charts/lazy.ts'
import { lineChart } from './charts/lines.ts'
import { type SeriesStyle, swatch } from './charts/patterns.ts'
import { byteAxis, durationAxis, formatDuration } from './charts/scale.ts'
import { dayRange, localDay, longDate } from './charts/time.ts'
import { formatBytes, formatLocalDate, formatLocalTime } from './format.ts'
import { YEAR_CHART_ID, YEAR_SERIES, yearOverview } from './history-year.ts'

export type GuestHistoryState =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'loaded'; data: GuestHistoryResponse }

export interface HistorySectionState {
  history: GuestHistoryState
  backupDates: readonly BackupDate[]
  now: number
  timeZone: string
  /** The drill-down body's width in CSS px. */
  width: number
  /** Opens a month (`YYYY-MM`) in the calendar. */
  onPick: (month: string) => void
  onRetry?: () => void
}

const KIND_LABEL = { pve: 'PVE', pbs: 'PBS', snapshot: 'Snapshot' } as const
const DURATION_SERIES: readonly SeriesStyle[] = [
  { key: 'ok', label: 'ok', texture: 'solid' },
  { key: 'warning', label: 'warnings', texture: 'dots' },
  { key: 'failed', label: 'failed', texture: 'hatch', flag: 'triangle' },
]
const DURATION_ID = 'history-duration'

/** Failed runs' times, for the calendars' marks. */
export const failedRunTimes = (runs: readonly HistoryJobRun[]) =>
  runs.filter((r) => r.outcome === 'failed').map((r) => r.end ?? r.start)

/** History that holds nothing for the guest (not recorded yet): said once, no empty charts. */
export const historyEmpty = (data: GuestHistoryResponse) =>
  data.backups.length === 0 && data.runs.length === 0

/** The first local day history has anything for: its first backup or run (else its `from`). */
export function historyStart(data: GuestHistoryResponse, timeZone: string): string {
  const firsts = [data.backups[0]?.time, data.runs[0]?.start].filter(
    (t): t is number => t !== undefined,
  )
  return localDay(firsts.length > 0 ? Math.min(...firsts) : data.from, timeZone)
}

/** Every day from history's start to today, with the record's and history's backups merged. */
export function historyDays(
  data: GuestHistoryResponse,
  backupDates: readonly BackupDate[],
  now: number,
  timeZone: string,
): CalendarDay[] {
  const dates = dayRange(historyStart(data, timeZone), localDay(now, timeZone))
  return buildDays(
    mergeEntries(backupDates, data.backups),
    dates,
    timeZone,
    failedRunTimes(data.runs),
  )
}

export interface SizePoint {
  date: string
  time: number
  pve: HistoryBackup | null
  pbs: HistoryBackup | null
}

/** The newest sized PVE archive and PBS snapshot of each local day (snapshots have no size). */
export function sizePoints(backups: readonly HistoryBackup[], timeZone: string): SizePoint[] {
  const byDay = new Map<string, SizePoint>()
  for (const b of backups) {
    if (b.size === null || b.kind === 'snapshot') continue
    const date = localDay(b.time, timeZone)
    const p = byDay.get(date) ?? { date, time: b.time, pve: null, pbs: null }
    const held = p[b.kind]
    if (!held || b.time >= held.time) p[b.kind] = b
    p.time = Math.max(p.time, b.time)
    byDay.set(date, p)
  }
  return [...byDay.values()].sort((a, b) => a.time - b.time)
}

interface DurationDay {
  runs: { seconds: number; outcome: 'ok' | 'warning' | 'failed'; error: string | null }[]
}

/**
 * Run time per local day: the guest's finished job runs; for a history without runs, the
 * durations its backups' tasks took.
 */
export function durationDays(
  data: GuestHistoryResponse,
  timeZone: string,
): Map<string, DurationDay> {
  const days = new Map<string, DurationDay>()
  const add = (t: number, run: DurationDay['runs'][number]) => {
    const date = localDay(t, timeZone)
    const d = days.get(date) ?? { runs: [] }
    d.runs.push(run)
    days.set(date, d)
  }
  for (const r of data.runs) {
    if (r.end === null || r.outcome === 'running') continue
    add(r.start, { seconds: Math.max(0, r.end - r.start), outcome: r.outcome, error: r.error })
  }
  if (days.size === 0)
    for (const b of data.backups)
      if (b.durationSeconds !== null)
        add(b.time, { seconds: b.durationSeconds, outcome: 'ok', error: null })
  return days
}

function durationBars(dates: readonly string[], days: Map<string, DurationDay>): DailyBar[] {
  return dates.map((date) => {
    const day = days.get(date)
    if (!day || day.runs.length === 0)
      return { date, values: [0, 0, 0], label: `${longDate(date)}: no run` }
    // The day's longest run, in the colour of the day's worst outcome.
    const longest = Math.max(...day.runs.map((r) => r.seconds))
    const worst = day.runs.some((r) => r.outcome === 'failed')
      ? 2
      : day.runs.some((r) => r.outcome === 'warning')
        ? 1
        : 0
    const values = [0, 0, 0]
    values[worst] = longest
    const runs = day.runs
      .map((r) => `${formatDuration(r.seconds)} ${r.outcome}${r.error ? ` (${r.error})` : ''}`)
      .join('; ')
    return { date, values, label: `${longDate(date)}: ${runs}` }
  })
}

function summary(data: GuestHistoryResponse, now: number): TemplateResult {
  const s = data.summary
  const since = (t: number | null) =>
    t === null ? '—' : `${formatLocalDate(t)} (${formatAge(now - t)} ago)`
  return html`<dl class="facts history-summary">
    <div><dt>Restore points on storage</dt> <dd data-restore-points=${s.restorePoints}>${s.restorePoints}</dd></div>
    <div><dt>Oldest restore point</dt> <dd data-oldest=${s.oldestRestorePoint ?? ''}>${since(s.oldestRestorePoint)}</dd></div>
    <div><dt>Pruned (in history only)</dt> <dd data-pruned=${s.pruned}>${s.pruned}</dd></div>
    <div><dt>History since</dt> <dd>${since(s.firstSeen)} <span class="note">kept ${data.retentionDays} days</span></dd></div>
  </dl>`
}

function sizeChart(data: GuestHistoryResponse, state: HistorySectionState): TemplateResult {
  const points = sizePoints(data.backups, state.timeZone)
  if (points.length === 0) return html`<p class="placeholder">No backup in history has a size.</p>`
  const kinds = (['pve', 'pbs'] as const).filter((k) => points.some((p) => p[k]))
  const max = Math.max(...points.flatMap((p) => kinds.map((k) => p[k]?.size ?? 0)))
  const few = points.length <= 60
  const words = (p: SizePoint) =>
    `${longDate(p.date)}: ${kinds
      .flatMap((k) => {
        const b = p[k]
        return b ? [`${KIND_LABEL[k]} ${formatBytes(b.size)}${b.pruned ? ' (pruned)' : ''}`] : []
      })
      .join(', ')}`
  return html`<ul class="chart-legend" aria-hidden="true">
      ${kinds.map((k) => html`<li><span class=${`line-key k-${k}${k === 'pbs' ? ' dashed' : ''}`}></span> ${KIND_LABEL[k]}</li>`)}
      ${few ? html`<li><span class="dot-key hollow"></span> pruned</li>` : nothing}
    </ul>
    ${lineChart({
      id: 'history-size',
      width: state.width,
      height: state.width < 500 ? 150 : 180,
      label: `Backup size per type over the guest's history (${kinds.map((k) => KIND_LABEL[k]).join(', ')}). Use the arrow keys for each day.`,
      timeZone: state.timeZone,
      times: points.map((p) => p.time),
      pointLabels: points.map(words),
      series: kinds.map((k) => ({
        key: k,
        label: KIND_LABEL[k],
        values: points.map((p) => p[k]?.size ?? null),
        dash: k === 'pbs' ? '7 3' : undefined,
        dots: few,
        hollow: points.map((p) => p[k]?.pruned ?? false),
      })),
      axis: byteAxis(max),
    })}`
}

function durationChart(
  data: GuestHistoryResponse,
  dates: readonly string[],
  state: HistorySectionState,
): TemplateResult {
  const days = durationDays(data, state.timeZone)
  if (days.size === 0) return html`<p class="placeholder">No finished job run in history.</p>`
  const bars = durationBars(dates, days)
  const max = Math.max(...bars.map((b) => Math.max(...b.values)))
  return html`<ul class="chart-legend" aria-label="Legend">
      ${DURATION_SERIES.map((s) => html`<li>${swatch(DURATION_ID, s.key)} ${s.label}</li>`)}
    </ul>
    ${barChart({
      id: DURATION_ID,
      width: state.width,
      height: state.width < 500 ? 140 : 170,
      label:
        "Job run time per day over the guest's history, the longest run of each day. Use the arrow keys for each day.",
      series: DURATION_SERIES,
      bars,
      axis: durationAxis(max),
    })}`
}

function prunedList(backups: readonly HistoryBackup[]): TemplateResult | typeof nothing {
  const pruned = backups.filter((b) => b.pruned).sort((a, b) => b.time - a.time)
  if (pruned.length === 0) return nothing
  return lazyDetails(
    'chart-table pruned-list',
    `Pruned backups (${pruned.length}): in history, no longer on storage`,
    () => html`<div class="scroll">
      <table class="backup-list">
        <caption class="sr-only">Backups prune or a deletion removed, newest first</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Storage / datastore</th><th scope="col">Size</th><th scope="col">Last seen</th></tr></thead>
        <tbody>
          ${pruned.map(
            (b) =>
              html`<tr data-time=${b.time}><td class="when">${formatLocalTime(b.time)}</td><td>${KIND_LABEL[b.kind]}</td><td>${b.location}</td><td class="num">${formatBytes(b.size)}</td><td class="when">${formatLocalTime(b.lastSeen)}</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`,
  )
}

function yearLegend(): TemplateResult {
  return html`<ul class="chart-legend" aria-label="Legend">
    ${YEAR_SERIES.map((s) => html`<li>${swatch(YEAR_CHART_ID, s.key)} ${s.label}</li>`)}
  </ul>`
}

/** Summary and every day at a glance, over the calendar; or why history is not shown. */
export function historyOverview(state: HistorySectionState): TemplateResult {
  const h = state.history
  if (h.state === 'loading')
    return html`<section class="history" data-history="loading">
      <h3>History</h3>
      <p class="placeholder">Loading history…</p>
    </section>`
  if (h.state === 'error')
    return html`<section class="history" data-history="error">
      <h3>History</h3>
      <div class="callout warn" role="status">
        <p>History could not be loaded: ${h.message}.</p>
        <p>The calendar and the list below show the backups on storage now.</p>
        ${state.onRetry ? html`<button type="button" class="retry" @click=${state.onRetry}>Try again</button>` : nothing}
      </div>
    </section>`
  const data = h.data
  if (historyEmpty(data))
    return html`<section class="history" data-history="empty">
      <h3>History</h3>
      <p class="meta">
        History holds nothing for this guest yet: it records what each refresh sees from then on
        (kept ${data.retentionDays} days). The calendar and the list below show the backups on
        storage now.
      </p>
    </section>`
  const days = historyDays(data, state.backupDates, state.now, state.timeZone)
  return html`<section class="history" data-history="loaded">
    <h3>History</h3>
    ${summary(data, state.now)}
    <figure class="chart-figure history-year">
      <figcaption class="caption-title">Every day (${state.timeZone}) <span class="note">choose a day to open its month below</span></figcaption>
      ${yearLegend()}
      <div class="scroll">${yearOverview(days, state.width, state.onPick)}</div>
    </figure>
  </section>`
}

/** Size and run-time trends and the pruned backups, under the calendar; nothing until loaded. */
export function historyTrends(state: HistorySectionState): TemplateResult | typeof nothing {
  const h = state.history
  if (h.state !== 'loaded' || historyEmpty(h.data)) return nothing
  const data = h.data
  const dates = dayRange(historyStart(data, state.timeZone), localDay(state.now, state.timeZone))
  return html`<section class="history-trends">
    <figure class="chart-figure history-size">
      <figcaption class="caption-title">Backup size per type <span class="note">PBS: logical size, before deduplication</span></figcaption>
      ${sizeChart(data, state)}
    </figure>
    <figure class="chart-figure history-duration">
      <figcaption class="caption-title">Job run time per day <span class="note">the longest run of each day</span></figcaption>
      ${durationChart(data, dates, state)}
    </figure>
    ${prunedList(data.backups)}
  </section>`
}

// Usage over time of every PBS datastore and PVE backup storage (GET /api/history/storage), in
// the Storage view: used against total as lines, and where an estimated full date is known, a
// dashed projection from today's usage to 100 % with that date marked. Each store's samples are
// also a table (one row per local day), and each point says its numbers on focus and hover.
import { html, nothing, type TemplateResult } from 'lit-html'
import {
  ACTIVITY_RANGES,
  type StorageTrend,
  type StorageTrendsResponse,
  type UsagePoint,
} from '../../shared/schema/history.ts'
import { lazyDetails } from './charts/lazy.ts'
import { lineChart, type Projection } from './charts/lines.ts'
import { byteAxis } from './charts/scale.ts'
import { localDay, longDate } from './charts/time.ts'
import { formatBytes, formatLocalDate, formatShortTime, relativeTime } from './format.ts'
import { errorState, loadingState, reloadFailed } from './view-parts.ts'
import type { HistoryRange } from './view-state.ts'

const DAY = 86_400
/** Card padding and border (history.css) subtracted from a column for the chart. */
const CARD_INSET = 26
const GAP = 16
/** Two columns of charts from this content width. */
const TWO_COLUMNS = 980

export interface TrendsState {
  trends: StorageTrendsResponse | null
  error: string | null
  days: HistoryRange
  width: number
  timeZone: string
  now: number
  onChange: (days: HistoryRange) => void
  onRetry: () => void
}

const percent = (p: UsagePoint) => (p.total > 0 ? Math.round((p.used / p.total) * 100) : 0)

/**
 * At most `max` points: all of them while they fit, else the last sample of each local day (a
 * refresh every 15 minutes makes ~35,000 a year; a line a few hundred px wide shows ~300).
 */
export function thinSamples(
  samples: readonly UsagePoint[],
  timeZone: string,
  max: number,
): UsagePoint[] {
  if (samples.length <= max) return [...samples]
  const byDay = new Map<string, UsagePoint>()
  for (const s of samples) byDay.set(localDay(s.at, timeZone), s)
  const daily = [...byDay.values()]
  if (daily.length <= max) return daily
  const step = Math.ceil(daily.length / max)
  return daily.filter((_, i) => i % step === 0 || i === daily.length - 1)
}

/** The last sample of each local day, newest first: the table under a chart. */
export function dailyRows(samples: readonly UsagePoint[], timeZone: string) {
  const byDay = new Map<string, UsagePoint>()
  for (const s of samples) byDay.set(localDay(s.at, timeZone), s)
  return [...byDay.entries()].reverse()
}

export interface TrendGeometry {
  domain: [number, number]
  projection: Projection | null
}

/**
 * The time axis and the projection to full: the axis reaches the estimated full date when it
 * is at most half the range again away; beyond that, the dashed line leaves the chart's edge
 * and its label says when.
 */
export function trendGeometry(
  trend: StorageTrend,
  from: number,
  to: number,
  now: number,
): TrendGeometry {
  const last = trend.samples.at(-1)
  const start = Math.min(from, trend.samples[0]?.at ?? from)
  const end = Math.max(to, last?.at ?? to)
  const full = trend.estimatedFull
  if (!last || full === null || last.total <= 0 || last.used >= last.total)
    return { domain: [start, end], projection: null }
  const reach = end + Math.max((end - start) / 2, DAY)
  const at = Math.max(full, last.at)
  const beyond = at > reach
  const label = `full ≈ ${formatLocalDate(full)}${full > now ? ` (${relativeTime(full, now)})` : ''}${beyond ? ' →' : ''}`
  return {
    domain: [start, beyond ? reach : at + (at - start) * 0.02],
    projection: {
      from: { t: last.at, v: last.used },
      to: { t: at, v: last.total },
      label,
      beyond,
    },
  }
}

function trendTable(trend: StorageTrend, timeZone: string): TemplateResult {
  const rows = dailyRows(trend.samples, timeZone)
  return lazyDetails(
    'chart-table',
    `Samples as a table (${rows.length} day(s))`,
    () => html`<div class="scroll">
      <table class="view-table trend-table">
        <caption class="sr-only">${trend.name}: usage at the last sample of each day, newest first</caption>
        <thead>
          <tr><th scope="col">Day</th><th scope="col" class="num">Used</th><th scope="col" class="num">Total</th><th scope="col" class="num">Used %</th></tr>
        </thead>
        <tbody>
          ${rows.map(
            ([date, p]) =>
              html`<tr data-date=${date}><th scope="row">${longDate(date)}</th><td class="num">${formatBytes(p.used)}</td><td class="num">${formatBytes(p.total)}</td><td class="num">${percent(p)} %</td></tr>`,
          )}
        </tbody>
      </table>
    </div>`,
  )
}

function fullText(trend: StorageTrend, now: number): string {
  const full = trend.estimatedFull
  if (full === null) return 'No full date estimated (not filling up, or too few samples).'
  return full > now
    ? `Estimated full ${formatLocalDate(full)} (${relativeTime(full, now)}).`
    : 'Estimated full any time now.'
}

function trendCard(
  trend: StorageTrend,
  state: TrendsState,
  from: number,
  to: number,
  chartWidth: number,
  index: number,
): TemplateResult {
  const { now, timeZone } = state
  const last = trend.samples.at(-1)
  const kind = trend.kind === 'datastore' ? 'PBS datastore' : 'PVE storage'
  const head = html`<figcaption>
    <span class="caption-title"><span class="store-id">${trend.name}</span> <span class="note">${kind}${trend.key !== trend.name ? ` · ${trend.key}` : ''}</span></span>
    <span class="caption-totals">${
      last
        ? `${formatBytes(last.used)} of ${formatBytes(last.total)} used (${percent(last)} %). `
        : ''
    }${last ? html`<span data-full=${trend.estimatedFull ?? 'none'}>${fullText(trend, now)}</span>` : nothing}</span>
  </figcaption>`
  if (trend.samples.length === 0)
    return html`<figure class="chart-figure trend-card" data-trend=${trend.key}>${head}<p class="placeholder">No usage samples in this range yet.</p></figure>`
  const points = thinSamples(trend.samples, timeZone, Math.floor(chartWidth / 3))
  const geometry = trendGeometry(trend, from, to, now)
  const max = Math.max(...trend.samples.map((s) => Math.max(s.total, s.used)))
  const label = `${trend.name} (${kind}): used and total over time${geometry.projection ? `, projected full ${formatLocalDate(geometry.projection.to.t)}` : ''}. Use the arrow keys for each sample.`
  return html`<figure class="chart-figure trend-card" data-trend=${trend.key}>
    ${head}
    <ul class="chart-legend" aria-hidden="true">
      <li><span class="line-key k-used"></span> used</li>
      <li><span class="line-key k-total dotted"></span> total</li>
      ${geometry.projection ? html`<li><span class="line-key k-proj dashed"></span> projected to full</li>` : nothing}
    </ul>
    ${lineChart({
      id: `trend-${index}`,
      width: chartWidth,
      height: chartWidth < 420 ? 170 : 200,
      label,
      timeZone,
      times: points.map((p) => p.at),
      pointLabels: points.map(
        (p) =>
          `${formatShortTime(p.at, now)}: ${formatBytes(p.used)} of ${formatBytes(p.total)} used (${percent(p)} %)`,
      ),
      series: [
        { key: 'used', label: 'used', values: points.map((p) => p.used), area: true },
        { key: 'total', label: 'total', values: points.map((p) => p.total), dash: '2 3' },
      ],
      domain: geometry.domain,
      axis: byteAxis(max),
      projection: geometry.projection,
    })}
    ${trendTable(trend, timeZone)}
  </figure>`
}

/** Datastores first, then PVE storages, as the tables above list them. */
const ordered = (trends: readonly StorageTrend[]) => [
  ...trends.filter((t) => t.kind === 'datastore'),
  ...trends.filter((t) => t.kind === 'storage'),
]

export function storageTrendsSection(state: TrendsState): TemplateResult {
  const { trends } = state
  const showing = trends
  let content: TemplateResult
  if (state.error && !showing)
    content = errorState(`Cannot load the usage history: ${state.error}`, state.onRetry)
  else if (!showing) content = loadingState('Loading usage history…')
  else if (showing.trends.length === 0)
    content = html`<p class="placeholder">No storage or datastore has usage history yet.</p>`
  else {
    const two = state.width >= TWO_COLUMNS
    const column = two ? (state.width - GAP) / 2 : state.width
    const chartWidth = Math.max(240, Math.floor(column - CARD_INSET))
    content = html`${reloadFailed(state.error)}<div class=${two ? 'trend-grid two' : 'trend-grid'}>
      ${ordered(showing.trends).map((t, i) => trendCard(t, state, showing.from, showing.to, chartWidth, i))}
    </div>`
  }
  return html`<section class="storage-trends" aria-labelledby="trends-title">
    <div class="section-head">
      <h3 id="trends-title">Usage over time</h3>
      <div class="tabs" role="group" aria-label="Range" data-toggles="days">
        ${ACTIVITY_RANGES.map(
          (d) =>
            html`<button type="button" data-value=${d} aria-pressed=${String(d === state.days)} @click=${() => state.onChange(d)}>${d} days</button>`,
        )}
      </div>
    </div>
    ${content}
  </section>`
}

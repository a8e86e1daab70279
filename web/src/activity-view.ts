// The Activity view (GET /api/history/activity): the fleet's backups per calendar day of the
// viewer's zone over 7 / 30 / 90 / 365 days, ok / failed / missed stacked, for one backup type
// or all (the same All / PVE / PBS / Snapshots choice as the guest table's, kept in the URL).
// A picture first, with the same numbers as a table and each day's in words on its bar.
import { html, nothing, type TemplateResult } from 'lit-html'
import type { BackupFilter } from '../../shared/age.ts'
import {
  ACTIVITY_RANGES,
  type ActivityCounts,
  type ActivityDay,
  type ActivityResponse,
} from '../../shared/schema/history.ts'
import { barChart, type DailyBar } from './charts/bars.ts'
import { lazyDetails } from './charts/lazy.ts'
import { flagSwatch, type SeriesStyle, swatch } from './charts/patterns.ts'
import { countAxis } from './charts/scale.ts'
import { longDate } from './charts/time.ts'
import { errorState, loadingState, reloadFailed } from './view-parts.ts'
import type { HistoryRange } from './view-state.ts'

const CHART_ID = 'activity'

export interface ActivityState {
  /** The response for `days` (null while loading or after a failure). */
  activity: ActivityResponse | null
  error: string | null
  days: HistoryRange
  filter: BackupFilter
  /** Content width in CSS px: the chart is laid out for it. */
  width: number
  onChange: (patch: { days?: HistoryRange; filter?: BackupFilter }) => void
  onRetry: () => void
}

export const OUTCOMES = ['ok', 'failed', 'missed'] as const
type Outcome = (typeof OUTCOMES)[number]

export const OUTCOME_SERIES: readonly SeriesStyle[] = [
  { key: 'ok', label: 'ok', texture: 'solid' },
  { key: 'failed', label: 'failed', texture: 'hatch', flag: 'triangle' },
  { key: 'missed', label: 'missed', texture: 'dots', flag: 'circle' },
]

const FILTERS: { id: BackupFilter; label: string; what: string }[] = [
  { id: 'all', label: 'All', what: 'PVE and PBS backups (guest snapshots under Snapshots)' },
  { id: 'pve', label: 'PVE', what: 'PVE backup archives' },
  { id: 'pbs', label: 'PBS', what: 'PBS snapshots' },
  { id: 'snapshots', label: 'Snapshots', what: 'guest snapshots' },
]

/** A day's counts for the chosen type: "All" is the backups, as the guest table's "All" is. */
export function countsFor(day: ActivityDay, filter: BackupFilter): ActivityCounts {
  const parts =
    filter === 'all'
      ? [day.pve, day.pbs]
      : filter === 'pve'
        ? [day.pve]
        : filter === 'pbs'
          ? [day.pbs]
          : [day.snapshots]
  return {
    ok: parts.reduce((n, c) => n + c.ok, 0),
    failed: parts.reduce((n, c) => n + c.failed, 0),
    missed: parts.reduce((n, c) => n + c.missed, 0),
  }
}

export function countsText(c: ActivityCounts): string {
  const total = c.ok + c.failed + c.missed
  if (total === 0) return 'nothing'
  return OUTCOMES.map((o) => `${c[o]} ${o}`).join(', ')
}

/** The bars: one per day, values in the order of OUTCOME_SERIES. */
export function activityBars(series: readonly ActivityDay[], filter: BackupFilter): DailyBar[] {
  return series.map((day) => {
    const c = countsFor(day, filter)
    return {
      date: day.date,
      values: OUTCOMES.map((o) => c[o]),
      label: `${longDate(day.date)}: ${countsText(c)}`,
    }
  })
}

function totals(series: readonly ActivityDay[], filter: BackupFilter): ActivityCounts {
  const t = { ok: 0, failed: 0, missed: 0 }
  for (const day of series) {
    const c = countsFor(day, filter)
    for (const o of OUTCOMES) t[o] += c[o]
  }
  return t
}

function legend(): TemplateResult {
  return html`<ul class="chart-legend" aria-label="Legend">
    ${OUTCOME_SERIES.map(
      (s) =>
        html`<li data-series=${s.key}>${swatch(CHART_ID, s.key)} ${s.label}${s.texture === 'solid' ? '' : ` (${s.texture === 'hatch' ? 'hatched' : 'dotted'}`}${s.flag ? html`, ${flagSwatch(s.flag, s.key)} over a day with any)` : s.texture === 'solid' ? '' : ')'}</li>`,
    )}
  </ul>`
}

function table(series: readonly ActivityDay[], filter: BackupFilter): TemplateResult {
  const rows = [...series].reverse()
  return lazyDetails(
    'chart-table',
    'The same numbers as a table',
    () => html`<div class="scroll">
      <table class="view-table activity-table">
        <caption class="sr-only">Backups per day, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            ${OUTCOMES.map((o) => html`<th scope="col" class="num">${o}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map((day) => {
            const c = countsFor(day, filter)
            return html`<tr data-date=${day.date}>
              <th scope="row">${longDate(day.date)}</th>
              ${OUTCOMES.map((o: Outcome) => html`<td class="num">${c[o]}</td>`)}
            </tr>`
          })}
        </tbody>
      </table>
    </div>`,
  )
}

function toggles<T extends string | number>(
  label: string,
  options: readonly { id: T; label: string }[],
  current: T,
  choose: (id: T) => void,
  name: string,
): TemplateResult {
  return html`<div class="tabs" role="group" aria-label=${label} data-toggles=${name}>
    ${options.map(
      (o) =>
        html`<button type="button" data-value=${o.id} aria-pressed=${String(o.id === current)} @click=${() => choose(o.id)}>${o.label}</button>`,
    )}
  </div>`
}

function chart(state: ActivityState, data: ActivityResponse): TemplateResult {
  const what = FILTERS.find((f) => f.id === state.filter)?.what ?? ''
  const t = totals(data.series, state.filter)
  const bars = activityBars(data.series, state.filter)
  const max = Math.max(0, ...bars.map((b) => b.values.reduce((a, v) => a + v, 0)))
  const caption = `${what}, per day over the last ${data.days} days (days in ${data.timeZone})`
  if (data.series.length === 0)
    return html`<p class="placeholder">No history yet: the chart fills in as backups are seen.</p>`
  return html`<figure class="chart-figure activity-chart" data-filter=${state.filter}>
      <figcaption>
        <span class="caption-title">${caption}</span>
        <span class="caption-totals" data-totals=${`${t.ok}/${t.failed}/${t.missed}`}>In all: ${countsText(t)}.</span>
      </figcaption>
      ${legend()}
      ${barChart({
        id: CHART_ID,
        width: state.width,
        height: state.width < 600 ? 200 : 260,
        label: `${caption}. ${countsText(t)}. Use the arrow keys for each day.`,
        series: OUTCOME_SERIES,
        bars,
        axis: countAxis(max),
      })}
      ${max === 0 ? html`<p class="placeholder">No backup was recorded in these ${data.days} days.</p>` : nothing}
    </figure>
    ${table(data.series, state.filter)}`
}

export function activityView(state: ActivityState): TemplateResult {
  const { activity } = state
  const showing = activity?.days === state.days ? activity : null
  let content: TemplateResult
  if (state.error && !showing)
    content = errorState(`Cannot load the activity: ${state.error}`, state.onRetry)
  else if (!showing) content = loadingState('Loading activity…')
  else content = html`${reloadFailed(state.error)}${chart(state, showing)}`
  return html`<section class="view activity-view" aria-labelledby="activity-title">
    <h2 id="activity-title" tabindex="-1">Backup activity</h2>
    <div class="chart-tools">
      ${toggles(
        'Range',
        ACTIVITY_RANGES.map((d) => ({ id: d, label: `${d} days` })),
        state.days,
        (days) => state.onChange({ days }),
        'days',
      )}
      ${toggles('Backup type', FILTERS, state.filter, (filter) => state.onChange({ filter }), 'filter')}
    </div>
    ${content}
  </section>`
}

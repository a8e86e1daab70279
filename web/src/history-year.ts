// A guest's whole history at a glance: one square per local day, a column per week (Sunday on
// top, as the month calendar), filled by what the day holds — a restore point still on storage,
// only pruned ones, a failed job, nothing. Arrow keys move by day (up / down) and week (left /
// right); Enter or a click opens that day's month in the calendar below.
import { html, svg, type TemplateResult } from 'lit-html'
import type { CalendarDay } from './calendar.ts'
import { fillOf, patternDefs, type SeriesStyle } from './charts/patterns.ts'
import { rovingKeydown } from './charts/roving.ts'
import { formatDate, longDate } from './charts/time.ts'

export type DayState = 'live' | 'pruned' | 'failed' | 'none'

export const YEAR_SERIES: readonly SeriesStyle[] = [
  { key: 'live', label: 'restore point on storage', texture: 'solid' },
  { key: 'pruned', label: 'pruned only (no longer on storage)', texture: 'hatch' },
  { key: 'failed', label: 'job failed, no backup', texture: 'cross' },
  { key: 'none', label: 'nothing', texture: 'solid' },
]

const CHART_ID = 'history-year'
const KIND_WORDS = { pve: 'PVE', pbs: 'PBS', snapshot: 'snapshot' } as const

export function dayState(day: CalendarDay): DayState {
  if (day.total > 0) return 'live'
  if (day.prunedTotal > 0) return 'pruned'
  if (day.failedRuns > 0) return 'failed'
  return 'none'
}

/** "Tue, Mar 3, 2026: 1 PBS, 1 PVE pruned; job failed" — a day's cell in words. */
export function dayWords(day: CalendarDay): string {
  const parts: string[] = []
  for (const k of ['pve', 'pbs', 'snapshot'] as const) {
    if (day.counts[k]) parts.push(`${day.counts[k]} ${KIND_WORDS[k]}`)
    if (day.pruned[k]) parts.push(`${day.pruned[k]} ${KIND_WORDS[k]} pruned`)
  }
  const failed = day.failedRuns ? `${parts.length ? '; ' : ''}job failed` : ''
  return `${longDate(day.date)}: ${parts.length || failed ? `${parts.join(', ')}${failed}` : 'no backup'}`
}

const TOP = 16
const LEFT = 30
const BLOCK_GAP = 10
/** Cells stay at least this big: a phone gets the year in two or more rows of weeks. */
const MIN_CELL = 10
const MAX_CELL = 15

export interface YearLayout {
  cell: number
  weeks: number
  /** Weeks per row of the grid. */
  perRow: number
  rows: number
  width: number
  height: number
}

export function yearLayout(days: readonly CalendarDay[], width: number): YearLayout {
  const lead = days[0]?.weekday ?? 0
  const weeks = Math.max(1, Math.ceil((lead + days.length) / 7))
  const room = Math.max(MIN_CELL, width - LEFT - 4)
  const fit = Math.floor(room / weeks)
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, fit))
  const perRow = Math.max(1, Math.min(weeks, Math.floor(room / cell)))
  const rows = Math.ceil(weeks / perRow)
  const block = TOP + 7 * cell
  return {
    cell,
    weeks,
    perRow,
    rows,
    width: LEFT + perRow * cell + 4,
    height: rows * block + (rows - 1) * BLOCK_GAP + 2,
  }
}

export function yearOverview(
  days: readonly CalendarDay[],
  width: number,
  onPick: (month: string) => void,
): TemplateResult {
  const layout = yearLayout(days, width)
  const { cell, perRow } = layout
  const lead = days[0]?.weekday ?? 0
  const last = days.length - 1
  const blockHeight = TOP + 7 * cell + BLOCK_GAP
  const pos = (i: number) => {
    const week = Math.floor((lead + i) / 7)
    return {
      col: week % perRow,
      top: Math.floor(week / perRow) * blockHeight,
      row: (lead + i) % 7,
    }
  }
  const pick = (target: EventTarget | null) => {
    const date = (target as Element | null)?.closest?.('[data-date]')?.getAttribute('data-date')
    if (date) onPick(date.slice(0, 7))
  }
  const keydown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      pick(e.target)
    } else rovingKeydown(e)
  }
  // A month's name over the week it starts in, where it does not run into the one before.
  const labels: { x: number; y: number; text: string }[] = []
  for (const [i, d] of days.entries()) {
    if (d.day !== 1 && i !== 0) continue
    const { col, top } = pos(i)
    const text = formatDate(d.date, { month: 'short' })
    const x = LEFT + col * cell
    const before = labels.at(-1)
    if (before && before.y === top + 11 && x < before.x + before.text.length * 6.5 + 4) {
      // The first label gives way to a month that starts right after it.
      if (labels.length === 1 && i > 0) labels.pop()
      else continue
    }
    labels.push({ x, y: top + 11, text })
  }
  return html`<svg
    class="chart year"
    viewBox=${`0 0 ${layout.width} ${layout.height}`}
    width=${layout.width}
    role="group"
    aria-label="Every day of the guest's history: use the arrow keys, Enter opens the day's month"
    data-rows=${layout.rows}
  >
    ${patternDefs(CHART_ID, YEAR_SERIES)}
    ${labels.map((l) => svg`<text class="tick" x=${l.x} y=${l.y}>${l.text}</text>`)}
    ${Array.from({ length: layout.rows }, (_, b) =>
      [1, 3, 5].map(
        (row) =>
          svg`<text class="tick" x=${LEFT - 4} y=${b * blockHeight + TOP + row * cell + cell * 0.75} text-anchor="end">${['', 'Mon', '', 'Wed', '', 'Fri'][row]}</text>`,
      ),
    )}
    <g class="items" data-step-x="7" @keydown=${keydown} @click=${(e: Event) => pick(e.target)}>
      ${days.map((d, i) => {
        const { col, row, top } = pos(i)
        const state = dayState(d)
        const words = dayWords(d)
        return svg`<rect class=${`item cell s-${state}`} data-item data-date=${d.date} data-state=${state} role="img" aria-label=${words} data-tip=${words} tabindex=${i === last ? 0 : -1} x=${LEFT + col * cell + 1} y=${top + TOP + row * cell + 1} width=${cell - 2} height=${cell - 2} rx="2" fill=${fillOf(CHART_ID, state)} />`
      })}
    </g>
  </svg>`
}

export const YEAR_CHART_ID = CHART_ID

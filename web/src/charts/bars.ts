// Stacked bars, one per calendar day, as an SVG sized for the width it is drawn at (so its
// text stays legible on a phone and on a wide screen alike). Every day is a keyboard stop of
// the chart (arrow keys, one tab stop) with its numbers in words as its name and tooltip; the
// bars' fills carry a texture as well as a colour (patterns.ts).
import { html, nothing, svg, type TemplateResult } from 'lit-html'
import { fillOf, flagShape, patternDefs, type SeriesStyle } from './patterns.ts'
import { rovingKeydown } from './roving.ts'
import type { Axis } from './scale.ts'
import { linear } from './scale.ts'
import { type DayTick, dayTicks, labelAnchor, type Room } from './time.ts'

export interface DailyBar {
  date: string
  /** One value per series, stacked bottom up in the order of `series`. */
  values: readonly number[]
  /** The day in words: the bar's accessible name and its tooltip. */
  label: string
}

export interface BarChartSpec {
  /** Unique in the page: prefixes the chart's pattern ids. */
  id: string
  width: number
  height: number
  /** What the chart shows, for screen readers (the figure's caption says it visibly). */
  label: string
  series: readonly SeriesStyle[]
  bars: readonly DailyBar[]
  axis: Axis
}

export const MARGIN = { top: 10, right: 8, bottom: 22, left: 44 }
/** A lane over the plot per flagged series: the marks of a year's problem days in a row. */
const LANE = 12
const ROOM: Room = { left: MARGIN.left - 4, right: MARGIN.right }

export interface BarLayout {
  /** Where the plot starts: under the lanes of marks. */
  top: number
  /** The y of each flagged series' lane of marks, by series key. */
  lanes: Map<string, number>
  plotWidth: number
  plotHeight: number
  band: number
  barWidth: number
  ticks: DayTick[]
  y: (v: number) => number
}

/** Where everything goes: pure, so tests can check it without a DOM. */
export function barLayout(
  spec: Pick<BarChartSpec, 'width' | 'height' | 'bars' | 'axis' | 'series'>,
): BarLayout {
  const flagged = spec.series.filter((s) => s.flag)
  const lanes = new Map(flagged.map((s, i) => [s.key, 6 + i * LANE]))
  const top = MARGIN.top + flagged.length * LANE
  const plotWidth = Math.max(10, spec.width - MARGIN.left - MARGIN.right)
  const plotHeight = Math.max(10, spec.height - top - MARGIN.bottom)
  const n = Math.max(1, spec.bars.length)
  const band = plotWidth / n
  // Gaps while bars are wide enough to have them; a year of days touches.
  const barWidth = band >= 6 ? Math.min(band * 0.72, 48) : Math.max(0.8, band - 0.4)
  return {
    top,
    lanes,
    plotWidth,
    plotHeight,
    band,
    barWidth,
    ticks: dayTicks(
      spec.bars.map((b) => b.date),
      plotWidth,
      ROOM,
    ),
    y: linear([0, spec.axis.max], [top + plotHeight, top]),
  }
}

const r = (v: number) => Math.round(v * 100) / 100

function barItem(
  spec: BarChartSpec,
  layout: BarLayout,
  bar: DailyBar,
  i: number,
  last: number,
): TemplateResult {
  const x = MARGIN.left + i * layout.band
  const bx = x + (layout.band - layout.barWidth) / 2
  let base = 0
  const segments = spec.series.map((s, k) => {
    const v = bar.values[k] ?? 0
    if (v <= 0) return nothing
    const y0 = layout.y(base)
    base += v
    const y1 = layout.y(base)
    return svg`<rect class=${`seg k-${s.key}`} data-series=${s.key} x=${r(bx)} y=${r(y1)} width=${r(layout.barWidth)} height=${r(Math.max(0.5, y0 - y1))} fill=${fillOf(spec.id, s.key)} />`
  })
  const flagged = spec.series.flatMap((s, k) =>
    s.flag && (bar.values[k] ?? 0) > 0 ? [{ s, v: bar.values[k] ?? 0 }] : [],
  )
  const cx = x + layout.band / 2
  // Counts beside the marks while the bars are wide enough to hold them.
  const counted = layout.band >= 34
  const flags = flagged.map(({ s, v }) => {
    const y = layout.lanes.get(s.key) ?? 6
    const fx = counted ? cx - 5 : cx
    return svg`${flagShape(s.flag ?? 'circle', s.key, fx, y)}${counted ? svg`<text class="flag-count" x=${r(fx + 7)} y=${r(y + 3.5)}>${v}</text>` : ''}`
  })
  return svg`<g class="item bar" data-item data-date=${bar.date} data-total=${base} role="img" aria-label=${bar.label} data-tip=${bar.label} tabindex=${i === last ? 0 : -1}><rect class="hit" x=${r(x)} y=${layout.top} width=${r(layout.band)} height=${r(layout.plotHeight)} />${segments}${flags}</g>`
}

export function yGrid(axis: Axis, y: (v: number) => number, left: number, right: number) {
  return axis.ticks.map(
    (t) =>
      svg`<line class="grid" x1=${left} x2=${right} y1=${r(y(t.value))} y2=${r(y(t.value))} /><text class="tick y" x=${left - 6} y=${r(y(t.value))} dy="0.32em" text-anchor="end">${t.label}</text>`,
  )
}

export function xLabels(
  ticks: readonly DayTick[],
  xOf: (t: DayTick) => number,
  bottom: number,
  left: number,
  right: number,
  room: Room = ROOM,
) {
  return ticks.map((t) => {
    const x = xOf(t)
    // A label that would leave the chart is anchored inside it (as dayTicks measured it).
    const anchor = labelAnchor(x - left, t.label, right - left, room)
    return svg`<line class="tick-mark" x1=${r(x)} x2=${r(x)} y1=${bottom} y2=${bottom + 4} /><text class="tick x" x=${r(x)} y=${bottom + 15} text-anchor=${anchor}>${t.label}</text>`
  })
}

export function barChart(spec: BarChartSpec): TemplateResult {
  const layout = barLayout(spec)
  const bottom = layout.top + layout.plotHeight
  const right = MARGIN.left + layout.plotWidth
  const last = spec.bars.length - 1
  return html`<svg
    class="chart bars"
    viewBox=${`0 0 ${spec.width} ${spec.height}`}
    width="100%"
    role="group"
    aria-label=${spec.label}
    data-days=${spec.bars.length}
  >
    ${patternDefs(spec.id, spec.series)}
    ${yGrid(spec.axis, layout.y, MARGIN.left, right)}
    <g class="items" data-step-x="1" @keydown=${rovingKeydown}>
      ${spec.bars.map((b, i) => barItem(spec, layout, b, i, last))}
    </g>
    <line class="axis" x1=${MARGIN.left} x2=${right} y1=${bottom} y2=${bottom} />
    ${xLabels(
      layout.ticks,
      (t) => MARGIN.left + (t.index + 0.5) * layout.band,
      bottom,
      MARGIN.left,
      right,
    )}
  </svg>`
}

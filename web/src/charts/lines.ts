// Lines over time (storage usage, backup sizes), as an SVG sized for the width it is drawn at.
// The x axis is time with its labels on the viewer's local days; each point is a keyboard
// stop (arrow keys, one tab stop) whose accessible name and tooltip say its values; series
// differ by dash as well as colour. A projection (dashed, to a marked date) can extend the line.
import { html, nothing, svg, type TemplateResult } from 'lit-html'
import { xLabels, yGrid } from './bars.ts'
import { rovingKeydown } from './roving.ts'
import { type Axis, linear } from './scale.ts'
import { type DayTick, dayRange, dayTicks, localDay, type Room, startOfDay } from './time.ts'

export interface LineSeries {
  /** Names the colour in CSS: `.k-<key>`. */
  key: string
  label: string
  /** One per point; null where the series has no value (the line joins across it). */
  values: readonly (number | null)[]
  /** An SVG dash array, so series differ without colour. */
  dash?: string
  /** Fill the area under it (one series at most: the "used" of a store). */
  area?: boolean
  /** Draw a dot at every point (few points), hollow where `hollow` says. */
  dots?: boolean
  hollow?: readonly boolean[]
}

export interface Projection {
  from: { t: number; v: number }
  to: { t: number; v: number }
  /** Marked at `to`: "full ≈ Mar 3, 2027". */
  label: string
  /** `to` lies beyond the chart's right edge: the line stops there, the label says so. */
  beyond: boolean
}

export interface LineChartSpec {
  id: string
  width: number
  height: number
  label: string
  timeZone: string
  /** Point times (epoch seconds), ascending. */
  times: readonly number[]
  /** The point in words, one per time: its accessible name and tooltip. */
  pointLabels: readonly string[]
  series: readonly LineSeries[]
  /** Time domain; defaults to the first and last point. */
  domain?: readonly [number, number]
  axis: Axis
  projection?: Projection | null
}

export const LINE_MARGIN = { top: 22, right: 12, bottom: 22, left: 58 }
const ROOM: Room = { left: LINE_MARGIN.left - 4, right: LINE_MARGIN.right }

export interface LineLayout {
  plotWidth: number
  plotHeight: number
  x: (t: number) => number
  y: (v: number) => number
  domain: readonly [number, number]
  ticks: { tick: DayTick; x: number }[]
}

export function lineLayout(
  spec: Pick<LineChartSpec, 'width' | 'height' | 'times' | 'domain' | 'axis' | 'timeZone'>,
): LineLayout {
  const m = LINE_MARGIN
  const plotWidth = Math.max(10, spec.width - m.left - m.right)
  const plotHeight = Math.max(10, spec.height - m.top - m.bottom)
  const first = spec.times[0] ?? 0
  const domain = spec.domain ?? [first, spec.times.at(-1) ?? first]
  const x = linear(domain, [m.left, m.left + plotWidth])
  const y = linear([0, spec.axis.max], [m.top + plotHeight, m.top])
  // Labels at local midnights: the days of the domain, thinned to what fits.
  const days = dayRange(localDay(domain[0], spec.timeZone), localDay(domain[1], spec.timeZone))
  // Labels are measured where they will be drawn: at each day's local midnight.
  const midnights = days.map((d) => x(startOfDay(d, spec.timeZone)))
  const inside = (px: number) => px >= m.left - 0.5 && px <= m.left + plotWidth + 0.5
  const ticks = dayTicks(
    days,
    plotWidth,
    ROOM,
    midnights.map((px) => (inside(px) ? px - m.left : Number.NaN)),
  )
    .map((tick) => ({ tick, x: midnights[tick.index] ?? m.left }))
    .filter((t) => inside(t.x))
  return { plotWidth, plotHeight, x, y, domain, ticks }
}

const r = (v: number) => Math.round(v * 100) / 100

/** The path through a series' points, joining across missing values. */
export function linePath(
  times: readonly number[],
  values: readonly (number | null)[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  const parts: string[] = []
  for (const [i, v] of values.entries()) {
    const t = times[i]
    if (v === null || v === undefined || t === undefined) continue
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${r(x(t))},${r(y(v))}`)
  }
  return parts.join(' ')
}

function areaPath(
  times: readonly number[],
  values: readonly (number | null)[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  const line = linePath(times, values, x, y)
  if (!line) return ''
  const known = values.flatMap((v, i) => (v === null ? [] : [times[i] as number]))
  const base = r(y(0))
  return `${line} L${r(x(known.at(-1) as number))},${base} L${r(x(known[0] as number))},${base} Z`
}

function pointItem(
  spec: LineChartSpec,
  layout: LineLayout,
  i: number,
  left: number,
  right: number,
): TemplateResult {
  const t = spec.times[i] as number
  const cx = layout.x(t)
  const dots = spec.series.map((s) => {
    const v = s.values[i]
    if (v === null || v === undefined) return nothing
    return svg`<circle class=${`dot k-${s.key}`} cx=${r(cx)} cy=${r(layout.y(v))} r="3.5" />`
  })
  const label = spec.pointLabels[i] ?? ''
  return svg`<g class="item point" data-item data-time=${t} role="img" aria-label=${label} data-tip=${label} tabindex=${i === spec.times.length - 1 ? 0 : -1}><rect class="hit" x=${r(left)} y=${LINE_MARGIN.top} width=${r(Math.max(1, right - left))} height=${r(layout.plotHeight)} /><line class="cursor" x1=${r(cx)} x2=${r(cx)} y1=${LINE_MARGIN.top} y2=${r(LINE_MARGIN.top + layout.plotHeight)} />${dots}</g>`
}

function projectionMarks(p: Projection, layout: LineLayout, right: number): TemplateResult {
  const x0 = layout.x(p.from.t)
  const y0 = layout.y(p.from.v)
  // Beyond the edge: the same line, cut where the chart ends.
  const end = p.beyond
    ? { x: right, y: linear([p.from.t, p.to.t], [y0, layout.y(p.to.v)])(layout.domain[1]) }
    : { x: layout.x(p.to.t), y: layout.y(p.to.v) }
  const top = LINE_MARGIN.top
  const bottom = top + layout.plotHeight
  const anchor = end.x > right - 90 ? 'end' : 'start'
  const dx = anchor === 'end' ? -6 : 6
  return svg`<g class="projection" data-projection=${p.beyond ? 'beyond' : 'within'}>
    <line class="proj-line" x1=${r(x0)} y1=${r(y0)} x2=${r(end.x)} y2=${r(end.y)} stroke-dasharray="6 4" />
    ${
      p.beyond
        ? svg`<path class="proj-arrow" d=${`M${r(end.x - 7)},${r(end.y - 5)} L${r(end.x)},${r(end.y)} L${r(end.x - 7)},${r(end.y + 5)}`} />`
        : svg`<line class="proj-date" x1=${r(end.x)} x2=${r(end.x)} y1=${top} y2=${bottom} stroke-dasharray="2 3" /><circle class="proj-dot" cx=${r(end.x)} cy=${r(end.y)} r="4.5" />`
    }
    <text class="proj-label" x=${r(end.x + dx)} y=${top - 7} text-anchor=${anchor}>${p.label}</text>
  </g>`
}

export function lineChart(spec: LineChartSpec): TemplateResult {
  const layout = lineLayout(spec)
  const m = LINE_MARGIN
  const right = m.left + layout.plotWidth
  const bottom = m.top + layout.plotHeight
  const xs = spec.times.map((t) => layout.x(t))
  // Each point owns the strip from halfway to its left neighbour to halfway to its right one.
  const edges = xs.map((x, i) => [
    i === 0 ? Math.max(m.left, x - 8) : (x + (xs[i - 1] as number)) / 2,
    i === xs.length - 1 ? Math.min(right, x + 8) : (x + (xs[i + 1] as number)) / 2,
  ])
  return html`<svg
    class="chart lines"
    viewBox=${`0 0 ${spec.width} ${spec.height}`}
    width="100%"
    role="group"
    aria-label=${spec.label}
    data-points=${spec.times.length}
  >
    ${yGrid(spec.axis, layout.y, m.left, right)}
    ${spec.series.map((s) =>
      s.area
        ? svg`<path class=${`area k-${s.key}`} d=${areaPath(spec.times, s.values, layout.x, layout.y)} />`
        : nothing,
    )}
    ${spec.series.map(
      (s) =>
        svg`<path class=${`line k-${s.key}`} data-series=${s.key} d=${linePath(spec.times, s.values, layout.x, layout.y)} stroke-dasharray=${s.dash ?? nothing} />${
          s.dots
            ? s.values.map((v, i) =>
                v === null
                  ? nothing
                  : svg`<circle class=${`mark-dot k-${s.key}${s.hollow?.[i] ? ' hollow' : ''}`} cx=${r(xs[i] as number)} cy=${r(layout.y(v))} r="2.6" />`,
              )
            : nothing
        }`,
    )}
    ${spec.projection ? projectionMarks(spec.projection, layout, right) : nothing}
    <g class="items" data-step-x="1" @keydown=${rovingKeydown}>
      ${spec.times.map((_, i) => pointItem(spec, layout, i, edges[i]?.[0] ?? m.left, edges[i]?.[1] ?? right))}
    </g>
    <line class="axis" x1=${m.left} x2=${right} y1=${bottom} y2=${bottom} />
    ${xLabels(
      layout.ticks.map((t) => t.tick),
      (t) => layout.ticks.find((x) => x.tick === t)?.x ?? m.left,
      bottom,
      m.left,
      right,
      ROOM,
    )}
  </svg>`
}

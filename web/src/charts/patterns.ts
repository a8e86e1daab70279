// Fills that do not depend on colour alone: each series has a colour from a palette that holds
// for the common colour-vision deficiencies (Okabe & Ito's; set in history.css) and a texture
// (solid, hatched, dotted, crossed), so "failed" and "missed" still differ in grey print or to
// a deuteranope. Patterns are SVG <pattern>s, coloured by class: no inline style (the CSP).
import { html, nothing, type SVGTemplateResult, svg, type TemplateResult } from 'lit-html'

export type Texture = 'solid' | 'hatch' | 'dots' | 'cross'

export interface SeriesStyle {
  /** Names the colour in CSS: `.k-<key>`. */
  key: string
  label: string
  texture: Texture
  /**
   * A day with any of it gets this mark over its bar: a few failures among forty backups are
   * a sliver of a bar, but a mark above it is found at a glance, even in a year of bars.
   */
  flag?: 'triangle' | 'circle'
}

/** A flag's shape centred at (x, y), about 8 px across. */
export function flagShape(
  shape: 'triangle' | 'circle',
  key: string,
  x: number,
  y: number,
): SVGTemplateResult {
  const r = (v: number) => Math.round(v * 10) / 10
  return shape === 'triangle'
    ? svg`<path class=${`flag k-${key}`} d=${`M${r(x)},${r(y - 4.5)} L${r(x + 4.5)},${r(y + 3.5)} L${r(x - 4.5)},${r(y + 3.5)} Z`} />`
    : svg`<circle class=${`flag k-${key}`} cx=${r(x)} cy=${r(y)} r="3.8" />`
}

/** The flag in a legend. */
export function flagSwatch(shape: 'triangle' | 'circle', key: string): TemplateResult {
  return html`<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">${flagShape(shape, key, 6, 6.5)}</svg>`
}

export const patternId = (chart: string, key: string) => `${chart}-p-${key}`
export const fillOf = (chart: string, key: string) => `url(#${patternId(chart, key)})`

const SIZE = 6

function marks(texture: Texture): SVGTemplateResult | string {
  switch (texture) {
    case 'solid':
      return ''
    case 'hatch':
      return svg`<line class="pat-fg" x1="0" y1="0" x2="0" y2=${SIZE} />`
    case 'dots':
      return svg`<circle class="pat-fg-dot" cx=${SIZE / 2} cy=${SIZE / 2} r="1.3" />`
    case 'cross':
      return svg`<line class="pat-fg" x1="0" y1="0" x2="0" y2=${SIZE} /><line class="pat-fg" x1="0" y1=${SIZE / 2} x2=${SIZE} y2=${SIZE / 2} />`
  }
}

/** The <defs> a chart's series fill with, ids prefixed with the chart's (unique) id. */
export function patternDefs(chart: string, series: readonly SeriesStyle[]): SVGTemplateResult {
  return svg`<defs>${series.map(
    (s) =>
      svg`<pattern id=${patternId(chart, s.key)} patternUnits="userSpaceOnUse" width=${SIZE} height=${SIZE} patternTransform=${s.texture === 'hatch' || s.texture === 'cross' ? 'rotate(45)' : nothing}><rect class=${`pat-bg k-${s.key}`} width=${SIZE} height=${SIZE} />${marks(s.texture)}</pattern>`,
  )}</defs>`
}

/** A legend swatch: a small SVG filled like the series (the chart's patterns are shared). */
export function swatch(chart: string, key: string): TemplateResult {
  return html`<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false"><rect x="0.5" y="0.5" width="13" height="13" rx="2" fill=${fillOf(chart, key)} class="swatch-edge" /></svg>`
}

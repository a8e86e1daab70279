// Renders a badge as SVG in shields.io's "flat" style (badge-maker's flat template): label on
// #555, message on the status colour, a faint top-light gradient, corners of radius 3, 11px
// Verdana with a 1px text shadow. Pure string building, so it runs in workerd without Node.
import { LABEL_COLOR, TONE_COLORS, textColorsOn } from './colors.ts'
import type { Badge } from './content.ts'
import { preferredWidth } from './text-width.ts'
import { cleanText, escapeXml } from './xml.ts'

const HEIGHT = 20
const HORIZONTAL_PADDING = 5
// Text is drawn at 10× and scaled down by 0.1, which positions it to a tenth of a pixel
// (shields.io PR #1132).
const SCALE = 10
const FONT_FAMILY = 'Verdana,Geneva,DejaVu Sans,sans-serif'

function renderText(text: string, left: number, width: number, background: string): string {
  if (text === '') return ''
  const colors = textColorsOn(background)
  const x = SCALE * (left + width / 2 + HORIZONTAL_PADDING)
  const length = SCALE * width
  const escaped = escapeXml(text)
  return (
    `<text aria-hidden="true" x="${x}" y="150" fill="${colors.shadow}" fill-opacity=".3" ` +
    `transform="scale(.1)" textLength="${length}">${escaped}</text>` +
    `<text x="${x}" y="140" transform="scale(.1)" fill="${colors.text}" ` +
    `textLength="${length}">${escaped}</text>`
  )
}

/** The badge as a complete SVG document; `<title>` and aria-label carry "label: message". */
export function renderBadgeSvg(badge: Badge): string {
  const label = cleanText(badge.label)
  const message = cleanText(badge.message)
  const color = TONE_COLORS[badge.tone]
  const labelWidth = label === '' ? 0 : preferredWidth(label)
  const messageWidth = preferredWidth(message)
  const leftWidth = label === '' ? 0 : labelWidth + 2 * HORIZONTAL_PADDING
  const rightWidth = messageWidth + 2 * HORIZONTAL_PADDING
  const width = leftWidth + rightWidth
  // badge-maker overlaps the message one pixel into the label box when there is a label.
  const messageLeft = label === '' ? 0 : leftWidth - 1
  const accessible = escapeXml(label === '' ? message : `${label}: ${message}`)
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" ` +
    `aria-label="${accessible}"><title>${accessible}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" ` +
    `stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${leftWidth}" height="${HEIGHT}" fill="#${LABEL_COLOR}"/>` +
    `<rect x="${leftWidth}" width="${rightWidth}" height="${HEIGHT}" fill="#${color}"/>` +
    `<rect width="${width}" height="${HEIGHT}" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="${FONT_FAMILY}" ` +
    `text-rendering="geometricPrecision" font-size="110">` +
    renderText(label, 1, labelWidth, LABEL_COLOR) +
    renderText(message, messageLeft, messageWidth, color) +
    '</g></svg>'
  )
}

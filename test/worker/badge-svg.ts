// Reads a badge SVG the way a browser would: checks it is well-formed XML, then returns the
// parts tests assert on, with entities decoded.
import { XMLParser, XMLValidator } from 'fast-xml-parser'

export interface BadgeSvg {
  width: number
  ariaLabel: string
  title: string
  /** Background of the label and message boxes, '#' included. */
  labelColor: string
  messageColor: string
  /** Every drawn text, shadows included. */
  texts: string[]
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'rect' || name === 'text' || name === 'g',
})

interface Node {
  [key: string]: unknown
}

export function readBadgeSvg(svg: string): BadgeSvg {
  const valid = XMLValidator.validate(svg)
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg}`)
  const root = (parser.parse(svg) as { svg: Node }).svg
  const groups = root.g as Node[]
  const rects = (groups[0]?.rect ?? []) as Node[]
  const texts = ((groups[1]?.text ?? []) as (Node | string)[]).map((t) =>
    typeof t === 'string' ? t : String(t['#text'] ?? ''),
  )
  return {
    width: Number(root.width),
    ariaLabel: String(root['aria-label']),
    title: String(root.title),
    labelColor: String(rects[0]?.fill),
    messageColor: String(rects[1]?.fill),
    texts,
  }
}

// Reading /metrics output in tests: the npm parser parse-prometheus-text-format (a port of the
// Prometheus clients' parsers, prom2json's output shape) plus a strict line grammar of the
// 0.0.4 format, because that parser is lenient where an escaping bug would hide (it accepts an
// unterminated label value and merges adjacent samples with equal labels).
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format'

export type { ParsedFamily }

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*'
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"'
const VALUE = '[+-]?(?:Inf|NaN|[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)'
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{(?:${LABEL}=${LABEL_VALUE}(?:,${LABEL}=${LABEL_VALUE})*)?\\})? (${VALUE})(?: -?[0-9]+)?$`,
)
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)

/**
 * Problems by the 0.0.4 grammar, with line numbers: lines that are no HELP, TYPE or sample;
 * HELP/TYPE twice or after a family's samples; a family's samples split; no final line feed.
 */
export function grammarProblems(text: string): string[] {
  const problems: string[] = []
  if (!text.endsWith('\n')) problems.push('the last line does not end with a line feed')
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
  const done = new Set<string>()
  const meta = new Map<string, Set<string>>()
  let current: string | null = null
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`
    const help = HELP.exec(line)
    const type = TYPE.exec(line)
    const sample = SAMPLE.exec(line)
    const name = help?.[1] ?? type?.[1] ?? sample?.[1]
    if (!name) {
      problems.push(`${at} is not valid: ${JSON.stringify(line)}`)
      return
    }
    if (name !== current) {
      if (current !== null) done.add(current)
      if (done.has(name)) problems.push(`${at}: family ${name} appears again after others`)
      current = name
    }
    if (help || type) {
      const kinds = meta.get(name) ?? new Set<string>()
      const kind = help ? 'HELP' : 'TYPE'
      if (kinds.has(kind)) problems.push(`${at}: second ${kind} for ${name}`)
      if (kinds.has('sample')) problems.push(`${at}: ${kind} for ${name} after its samples`)
      kinds.add(kind)
      meta.set(name, kinds)
    } else {
      meta.set(name, (meta.get(name) ?? new Set<string>()).add('sample'))
    }
  })
  return problems
}

/** The npm parser's families, by name (it throws on a line it cannot read). */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>()
  for (const family of parsePrometheusTextFormat(text)) {
    if (families.has(family.name)) throw new Error(`family ${family.name} parsed twice`)
    families.set(family.name, family)
  }
  return families
}

/** Sample lines per family name, counted from the text (the parser merges equal label sets). */
export function sampleLineCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const name = /^[^{ ]+/.exec(line)?.[0] ?? ''
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return counts
}

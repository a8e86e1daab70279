// The Prometheus text exposition format, version 0.0.4: one `# HELP` and one `# TYPE` line per
// family, then its samples, all lines of a family together, every line ending in \n. Label
// values and help texts are escaped exactly as the format says; nothing else is (UTF-8 passes
// through). Samples carry no timestamps: Prometheus stamps a scrape with its own time.
// Pure: no I/O, no clock.

export type MetricType = 'gauge' | 'counter'

export interface FamilySpec {
  /** Full metric name; a counter's ends in `_total` (0.0.4 names the family as its samples). */
  readonly name: string
  readonly type: MetricType
  readonly help: string
  /** Every sample of the family carries exactly these labels, in this order. */
  readonly labels: readonly string[]
}

export interface Sample<Label extends string = string> {
  readonly labels: Readonly<Record<Label, string>>
  readonly value: number
}

const LABEL_SPECIALS = /[\\"\n]/
const LABEL_SPECIALS_ALL = /[\\"\n]/g
const HELP_SPECIALS = /[\\\n]/
const HELP_SPECIALS_ALL = /[\\\n]/g

const escaped = (c: string) => (c === '\n' ? '\\n' : `\\${c}`)

/** A label value: backslash, double quote and line feed become `\\`, `\"` and `\n`. */
export function escapeLabelValue(value: string): string {
  // The test first: almost every value needs nothing, and the regex replace is the slow path.
  return LABEL_SPECIALS.test(value) ? value.replace(LABEL_SPECIALS_ALL, escaped) : value
}

/** A help text: backslash and line feed become `\\` and `\n` (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return HELP_SPECIALS.test(text) ? text.replace(HELP_SPECIALS_ALL, escaped) : text
}

/** A sample value as Go's ParseFloat reads it: `+Inf`, `-Inf`, `NaN`, else JavaScript's digits. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}

/** Appends one family (its HELP and TYPE even without samples) to `lines`. */
export function writeFamily(lines: string[], spec: FamilySpec, samples: readonly Sample[]): void {
  lines.push(`# HELP ${spec.name} ${escapeHelp(spec.help)}`, `# TYPE ${spec.name} ${spec.type}`)
  const { name, labels } = spec
  for (const sample of samples) {
    // Concatenation, not arrays and joins: this loop runs once per sample (thousands per scrape).
    let text = name
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] as string
      text += `${i === 0 ? '{' : ','}${label}="${escapeLabelValue(sample.labels[label] ?? '')}"`
    }
    if (labels.length > 0) text += '}'
    lines.push(`${text} ${formatValue(sample.value)}`)
  }
}

/** The whole exposition: the families in the order given, ending in a line feed. */
export function renderExposition(
  families: readonly { spec: FamilySpec; samples: readonly Sample[] }[],
): string {
  const lines: string[] = []
  for (const family of families) writeFamily(lines, family.spec, family.samples)
  return `${lines.join('\n')}\n`
}

// Types of the npm parser parse-prometheus-text-format (it ships none): prom2json's shape.
declare module 'parse-prometheus-text-format' {
  export interface ParsedSample {
    value?: string
    labels?: Record<string, string>
    timestamp_ms?: string
  }
  export interface ParsedFamily {
    name: string
    help: string
    /** Upper case: GAUGE, COUNTER, … UNTYPED when no TYPE line. */
    type: string
    metrics: ParsedSample[]
  }
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[]
}

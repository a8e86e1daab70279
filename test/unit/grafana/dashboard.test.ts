// grafana/pulse-edge.json against the exposition: every query is PromQL that Prometheus's own
// grammar (@prometheus-io/lezer-promql) reads without error, and every metric and label it
// names exists in what GET /metrics serves — so the dashboard and the metrics cannot drift.
import { readFileSync } from 'node:fs'
import { parser } from '@prometheus-io/lezer-promql'
import { describe, expect, it } from 'vitest'
import { FAMILIES } from '../../../functions/metrics/families.ts'
import { renderMetrics } from '../../../functions/metrics/render.ts'
import { fullInput } from '../functions/metrics/fixtures.ts'
import { parseExposition } from '../functions/metrics/read-exposition.ts'

/** A node of the PromQL syntax tree. */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode']

interface Target {
  expr: string
  legendFormat?: string
}
interface Panel {
  id: number
  type: string
  title: string
  gridPos: { x: number; y: number; w: number; h: number }
  targets?: Target[]
}
interface Variable {
  name: string
  type: string
  query: string | { query: string }
  current?: { value?: string }
}
interface Dashboard {
  panels: Panel[]
  templating: { list: Variable[] }
}

const dashboard = JSON.parse(
  readFileSync(new URL('../../../grafana/pulse-edge.json', import.meta.url), 'utf8'),
) as Dashboard
const served = parseExposition(renderMetrics(fullInput()))
const labelsOf = new Map<string, readonly string[]>(
  Object.values(FAMILIES).map((f) => [f.name, f.labels]),
)

/** Grafana replaces $variables before Prometheus sees the query: so does the test. */
function substitute(expr: string): string {
  let out = expr
  for (const v of dashboard.templating.list) {
    const value = v.type === 'custom' ? (v.current?.value ?? '') : '.*'
    out = out.replaceAll(`$${v.name}`, value)
  }
  return out
}

interface Query {
  where: string
  metrics: Map<string, string[]>
  grouping: string[]
  errors: string[]
}

function readQuery(where: string, expr: string): Query {
  const text = substitute(expr)
  const query: Query = { where, metrics: new Map(), grouping: [], errors: [] }
  const visit = (node: SyntaxNode) => {
    if (node.type.isError) query.errors.push(`syntax error at ${node.from} in ${text}`)
    if (node.name === 'VectorSelector') {
      const name = node.getChild('Identifier')
      const matchers = node.getChild('LabelMatchers')
      const labels: string[] = []
      for (let m = matchers?.firstChild; m; m = m.nextSibling) {
        const label = m.getChild('LabelName')
        if (label) labels.push(text.slice(label.from, label.to))
      }
      if (name) query.metrics.set(text.slice(name.from, name.to), labels)
    }
    if (node.name === 'GroupingLabels') {
      for (let l = node.firstChild; l; l = l.nextSibling) {
        if (l.name === 'LabelName') query.grouping.push(text.slice(l.from, l.to))
      }
    }
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child)
  }
  visit(parser.parse(text).topNode)
  return query
}

const targets = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t, i) => ({ where: `panel "${p.title}" query ${i + 1}`, ...t })),
)
const queries = targets.map((t) => ({ target: t, query: readQuery(t.where, t.expr) }))
const variableQueries = dashboard.templating.list
  .filter((v) => v.type === 'query')
  .map((v) => {
    const text = typeof v.query === 'string' ? v.query : v.query.query
    const call = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(text)
    return { name: v.name, selector: call?.[1] ?? '', label: call?.[2] ?? '' }
  })

describe('the Grafana dashboard', () => {
  it('has queries, each read by the PromQL grammar without error', () => {
    expect(queries.length).toBeGreaterThan(15)
    for (const { query } of queries) expect(query.errors, query.where).toEqual([])
  })

  it('queries only metrics GET /metrics serves, with labels those families carry', () => {
    for (const { query } of queries) {
      expect(query.metrics.size, `${query.where} names a metric`).toBeGreaterThan(0)
      for (const [metric, labels] of query.metrics) {
        expect(served.has(metric), `${query.where}: ${metric}`).toBe(true)
        for (const label of labels) {
          expect(labelsOf.get(metric), `${query.where}: ${metric}{${label}}`).toContain(label)
        }
      }
    }
  })

  it('groups, joins and names legends only by labels its metrics carry', () => {
    for (const { target, query } of queries) {
      const available = new Set([...query.metrics.keys()].flatMap((m) => labelsOf.get(m) ?? []))
      for (const label of query.grouping)
        expect([...available], `${query.where}: ${label}`).toContain(label)
      for (const [, label] of (target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
        expect([...available], `${query.where} legend: ${label}`).toContain(label)
      }
    }
  })

  it('takes its variables from served labels', () => {
    expect(variableQueries.length).toBeGreaterThan(0)
    for (const v of variableQueries) {
      const query = readQuery(`variable ${v.name}`, v.selector)
      expect(query.errors).toEqual([])
      for (const metric of query.metrics.keys()) {
        expect(labelsOf.get(metric), `variable ${v.name}`).toContain(v.label)
      }
    }
  })

  it('shows stale backups, age per guest, datastore usage with estimated full, and job success', () => {
    const used = new Set(queries.flatMap(({ query }) => [...query.metrics.keys()]))
    for (const metric of [
      'pulse_edge_backup_age_seconds',
      'pulse_edge_guest_info',
      'pulse_edge_datastore_used_bytes',
      'pulse_edge_datastore_total_bytes',
      'pulse_edge_datastore_estimated_full_timestamp_seconds',
      'pulse_edge_storage_estimated_full_timestamp_seconds',
      'pulse_edge_pve_job_last_run_success',
      'pulse_edge_pbs_job_last_run_success',
    ]) {
      expect(used, metric).toContain(metric)
    }
    const titles = dashboard.panels.map((p) => p.title)
    expect(titles).toEqual(
      expect.arrayContaining(['Stale backups', 'Estimated full', 'PVE backup jobs']),
    )
  })

  it("lays its panels out on Grafana's 24-column grid with unique ids", () => {
    const ids = dashboard.panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24)
    }
  })
})

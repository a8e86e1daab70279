// README "Prometheus" lists every family the Worker serves, with its type and labels, and
// nothing it does not serve: the table is what a user builds queries from.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FAMILIES } from '../../../../functions/metrics/families.ts'

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
const section = readme.slice(
  readme.indexOf('## Prometheus'),
  readme.indexOf('## Failure behaviour'),
)
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('| `pulse_edge_'))
  .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| /, '')))

describe('README "Prometheus"', () => {
  it('has one row per family, with its type and labels, in the order served', () => {
    expect(rows.map((r) => r[0])).toEqual(Object.values(FAMILIES).map((f) => `\`${f.name}\``))
    for (const family of Object.values(FAMILIES)) {
      const row = rows.find((r) => r[0] === `\`${family.name}\``)
      expect(row?.[1], family.name).toBe(family.type)
      const labels = family.labels.length ? family.labels.map((l) => `\`${l}\``).join(', ') : '—'
      expect(row?.[2], family.name).toBe(labels)
    }
  })

  it('shows a scrape config with the bearer token', () => {
    expect(section).toContain('metrics_path: /metrics')
    expect(section).toMatch(/authorization:\n\s+type: Bearer/)
  })
})

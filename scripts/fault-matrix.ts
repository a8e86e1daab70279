// `npm run faults`: runs the fault matrix (test/worker/fault-matrix.test.ts) inside workerd
// and prints one row per fault with the outcome of each check. Exit status 1 unless all ✓.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const FILE = 'test/worker/fault-matrix.test.ts'
const COLUMNS = ['kept data', 'error shown', 'others fresh', 'recovered']

interface Assertion {
  ancestorTitles: string[]
  title: string
  status: string
  failureMessages?: string[]
}

const dir = mkdtempSync(join(tmpdir(), 'pulse-faults-'))
const output = join(dir, 'results.json')
const run = spawnSync(
  'vitest',
  ['run', '--project', 'worker', FILE, '--reporter=json', `--outputFile=${output}`],
  { stdio: ['ignore', 'ignore', 'inherit'] },
)
if (run.error) throw run.error
let results: { testResults: { assertionResults: Assertion[] }[] }
try {
  results = JSON.parse(readFileSync(output, 'utf8'))
} catch {
  console.error(`faults: vitest wrote no results (exit ${run.status}); run npx vitest run ${FILE}`)
  process.exit(1)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const rows = new Map<string, Map<string, Assertion>>()
for (const assertion of results.testResults.flatMap((file) => file.assertionResults)) {
  const fault = assertion.ancestorTitles.at(-1) ?? '?'
  const row = rows.get(fault) ?? new Map<string, Assertion>()
  row.set(assertion.title, assertion)
  rows.set(fault, row)
}

const width = Math.max('fault'.length, ...[...rows.keys()].map((fault) => fault.length))
const cell = (text: string, size: number) => {
  const left = Math.floor((size - text.length) / 2)
  return ' '.repeat(left) + text + ' '.repeat(size - text.length - left)
}
const line = (first: string, cells: string[]) =>
  `| ${first.padEnd(width)} | ${cells.map((c, i) => cell(c, COLUMNS[i]?.length ?? 1)).join(' | ')} |`

console.log(line('fault', COLUMNS))
console.log(`|${'-'.repeat(width + 2)}|${COLUMNS.map((c) => '-'.repeat(c.length + 2)).join('|')}|`)
const failures: string[] = []
for (const [fault, checks] of rows) {
  const marks = COLUMNS.map((column) => {
    const check = checks.get(column)
    if (check?.status === 'passed') return '✓'
    const reason = check?.failureMessages?.[0]?.split('\n')[0] ?? 'not run'
    failures.push(`${fault} › ${column}: ${reason}`)
    return '✗'
  })
  console.log(line(fault, marks))
}
if (rows.size === 0) failures.push('no fault rows ran')
if (failures.length > 0) {
  console.log(`\n${failures.join('\n')}`)
  process.exit(1)
}
console.log(`\n${rows.size} faults × ${COLUMNS.length} checks: all ✓ (${FILE})`)

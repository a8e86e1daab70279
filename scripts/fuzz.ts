// `npm run fuzz [-- vitest options]`: the properties of test/unit/fuzz with many more cases
// and a fresh seed each run. FUZZ_RUNS (default 5000) and FUZZ_SEED (to replay a failure)
// override; `npm test` runs the same properties at 100 cases from a fixed seed.
import { spawnSync } from 'node:child_process'

const runs = process.env.FUZZ_RUNS ?? '5000'
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31))
const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz`

console.log(`fuzz: ${runs} cases per property, seed ${seed}`)
const result = spawnSync(
  'vitest',
  ['run', '--project', 'unit', 'test/unit/fuzz', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed } },
)
if (result.error) throw result.error
// Repeated after vitest's output, which is long when a property fails.
console.log(
  result.status === 0 ? `fuzz: passed (seed ${seed})` : `fuzz: failed; replay with ${replay}`,
)
process.exit(result.status ?? 1)

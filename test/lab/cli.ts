// Command line: start the lab on a port, print a summary, optionally write the source list.
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startLab } from './server.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8006' },
    seed: { type: 'string', default: '1' },
    preset: { type: 'string', default: 'demo' },
    'latency-ms': { type: 'string', default: '0' },
    /** The model's clock (epoch seconds), so another process can generate the same model. */
    now: { type: 'string' },
    /** HTTP keep-alive (StartLabOptions.reuseConnections), for the latency benches. */
    'reuse-connections': { type: 'boolean', default: false },
    'auth-delay-ms': { type: 'string', default: '0' },
    'sources-out': { type: 'string' },
    /** Backup job shapes per cluster, e.g. `8.x,9.2` (see LabOptions.pveJobShapes). */
    'pve-job-shapes': { type: 'string' },
  },
})

const int = (name: string, text: string): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got '${text}'`)
  return n
}

const preset = values.preset
if (preset !== 'demo' && preset !== 'tiny' && preset !== 'large')
  throw new Error(`--preset must be demo, tiny or large, got '${preset}'`)

const shapes = values['pve-job-shapes']?.split(',').map((s) => s.trim())
if (shapes?.some((s) => s !== '8.x' && s !== '9.2'))
  throw new Error(`--pve-job-shapes must list 8.x or 9.2, got '${values['pve-job-shapes']}'`)

const lab = await startLab({
  port: int('port', values.port),
  seed: int('seed', values.seed),
  preset,
  latencyMs: int('latency-ms', values['latency-ms']),
  ...(values.now !== undefined ? { now: int('now', values.now) } : {}),
  reuseConnections: values['reuse-connections'],
  authFailureDelayMs: int('auth-delay-ms', values['auth-delay-ms']),
  ...(shapes ? { pveJobShapes: shapes as ('8.x' | '9.2')[] } : {}),
})
// Written before the banner: whoever waits for the banner reads the file next.
if (values['sources-out'])
  writeFileSync(values['sources-out'], `${JSON.stringify(lab.sources, null, 2)}\n`)
const guests = lab.model.clusters.reduce((n, c) => n + c.guests.length, 0)
// The sources file is written before the banner: a parent waits for the banner, then reads it.
if (values['sources-out'])
  writeFileSync(values['sources-out'], `${JSON.stringify(lab.sources, null, 2)}\n`)
console.log(
  `pulse lab (${preset}, seed ${values.seed}) at ${lab.url}: ${lab.sources.map((s) => s.id).join(', ')}; ${guests} guests; controls at ${lab.url}/_lab/sources`,
)

const stop = (): void => {
  lab.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

// `npm run dev`: starts the simulated Proxmox lab, then `wrangler dev` wired to it, and
// triggers the first refresh so the dashboard at http://127.0.0.1:8787/ has data at once.
// Point the Worker at a real Proxmox instead with `.dev.vars` and `npm run dev:real`.
import { startLocalStack } from './local-stack.ts'

const PRESET = (process.env.PULSE_LAB_PRESET ?? 'demo') as 'demo' | 'tiny' | 'large'
/** This script's own settings; every other PULSE_* of the shell goes to the Worker. */
const OWN = new Set(['PULSE_LAB_PRESET', 'PULSE_LAB_PORT', 'PULSE_DEV_PORT'])
// e.g. an alert channel (README "Alerts": one ntfy topic on the demo lab).
const vars = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[0].startsWith('PULSE_') && !OWN.has(entry[0]) && typeof entry[1] === 'string',
  ),
)

const stack = await startLocalStack({
  preset: PRESET,
  labPort: Number(process.env.PULSE_LAB_PORT ?? 8006),
  workerPort: Number(process.env.PULSE_DEV_PORT ?? 8787),
  stateName: 'state-lab',
  verbose: true,
  vars,
})
console.log(
  `[dev] simulated Proxmox lab (${PRESET}) on ${stack.lab.url} — controls at ${stack.lab.url}/_lab/sources`,
)
if (Object.keys(vars).length > 0)
  console.log(`[dev] from the shell: ${Object.keys(vars).join(', ')}`)

const stop = async (code: number) => {
  await stack.stop()
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))

try {
  const report = await stack.refresh()
  console.log(`[dev] refresh: ${report.guests} guests, ${report.subrequests} upstream requests`)
  console.log(
    `\n[dev] Pulse Edge is ready: ${stack.base}/  (Ctrl-C stops the Worker and the lab)\n`,
  )
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`)
  await stop(1)
}

// `npm run dev`: starts the simulated Proxmox lab, then `wrangler dev` wired to it, replays a
// year of the lab's past into history (scripts/replay.ts; PULSE_LAB_REPLAY_DAYS=0 skips it) and
// triggers the first refresh so the dashboard at http://127.0.0.1:8787/ has data at once.
// Point the Worker at a real Proxmox instead with `.dev.vars` and `npm run dev:real`.
import { presets } from '../test/lab/presets.ts'
import { startLocalStack } from './local-stack.ts'
import { replayPast } from './replay.ts'

const PRESET = (process.env.PULSE_LAB_PRESET ?? 'demo') as 'demo' | 'tiny' | 'large'
/** This script's own settings; every other PULSE_* of the shell goes to the Worker. */
const OWN = new Set([
  'PULSE_LAB_PRESET',
  'PULSE_LAB_PORT',
  'PULSE_DEV_PORT',
  'PULSE_LAB_REPLAY_DAYS',
])
// e.g. an alert channel (README "Alerts": one ntfy topic on the demo lab).
const vars = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[0].startsWith('PULSE_') && !OWN.has(entry[0]) && typeof entry[1] === 'string',
  ),
)
/** Days of history replayed from the lab's past before the first refresh (0: none). */
const REPLAY_DAYS = Number(process.env.PULSE_LAB_REPLAY_DAYS ?? 365)
if (!Number.isInteger(REPLAY_DAYS) || REPLAY_DAYS < 0 || REPLAY_DAYS > 399) {
  console.error('[dev] PULSE_LAB_REPLAY_DAYS must be a whole number of days from 0 to 399')
  process.exit(2)
}
/** The lab keeps `days` of backups itself; the rest of the span is generated as its past. */
const LAB_DAYS = presets[PRESET].days

const stack = await startLocalStack({
  preset: PRESET,
  replayDays: Math.max(0, REPLAY_DAYS - LAB_DAYS),
  labPort: Number(process.env.PULSE_LAB_PORT ?? 8006),
  workerPort: Number(process.env.PULSE_DEV_PORT ?? 8787),
  stateName: 'state-lab',
  verbose: true,
  vars: { PULSE_DEV_REPLAY: REPLAY_DAYS > 0 ? 'true' : 'false', ...vars },
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
  if (REPLAY_DAYS > 0) {
    console.log(`[dev] replaying ${REPLAY_DAYS} days of the lab's past into history…`)
    const replay = await replayPast(
      stack.base,
      stack.lab,
      REPLAY_DAYS,
      (done, total) => {
        if (done % 30 === 0 || done === total) console.log(`[dev]   ${done} / ${total} days`)
      },
      stack.auth,
    )
    console.log(
      `[dev] replayed ${replay.steps} days in ${(replay.ms / 1000).toFixed(1)} s (${replay.historyRows} history rows)`,
    )
  }
  const report = await stack.refresh()
  console.log(`[dev] refresh: ${report.guests} guests, ${report.subrequests} upstream requests`)
  console.log(
    `\n[dev] Pulse Edge is ready: ${stack.base}/  (Ctrl-C stops the Worker and the lab)\n`,
  )
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`)
  await stop(1)
}

// Replays the lab's past into a running Worker (`npm run dev`): the lab's clock is stepped day by
// day over the days it generated before its own (LabOptions.replayDays), and at each step the
// Worker refreshes as of that moment (POST /api/dev/replay, PULSE_DEV_REPLAY) — the ordinary
// refresh pass, so history is written exactly as it is in production. Steps at 09:00 UTC: after
// every nightly job's deadline, so each night's misses are seen, and before the lab's day jobs.
import type { RunningLab } from '../test/lab/server.ts'

const DAY = 86_400
const STEP_SECONDS_OF_DAY = 9 * 3600

export interface ReplaySummary {
  steps: number
  ms: number
  historyRows: number
}

/** The replay's moments, oldest first: one a day, the newest before `now`. */
export function replaySteps(now: number, days: number): number[] {
  const steps: number[] = []
  for (let back = days; back >= 1; back--) {
    const day = Math.floor((now - back * DAY) / DAY) * DAY
    steps.push(day + STEP_SECONDS_OF_DAY)
  }
  return steps.filter((at) => at < now)
}

export async function replayPast(
  base: string,
  lab: RunningLab,
  days: number,
  progress: (done: number, total: number) => void = () => {},
  /** The bearer token's header when PULSE_API_TOKEN is set (the replay route takes it then). */
  headers: Record<string, string> = {},
): Promise<ReplaySummary> {
  const started = performance.now()
  const steps = replaySteps(lab.model.now, days)
  let historyRows = 0
  try {
    for (const [i, at] of steps.entries()) {
      lab.setClock(at)
      const response = await fetch(`${base}/api/dev/replay?at=${at}`, { method: 'POST', headers })
      if (!response.ok) throw new Error(`replay at ${at} answered ${response.status}`)
      historyRows += ((await response.json()) as { historyRows?: number }).historyRows ?? 0
      progress(i + 1, steps.length)
    }
  } finally {
    lab.setClock(null)
  }
  return { steps: steps.length, ms: performance.now() - started, historyRows }
}

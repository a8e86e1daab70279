// How a PBS job's last run went, from `last-run-state` by its forms only (proxmox-rest-server
// TaskState's Display): exactly `OK`; `WARNINGS: n`; anything else is the bare error text of a
// failed run (PBS writes no prefix, so the text is never searched for a word like "error").
import type { RunOutcome } from '../../shared/schema/jobs.ts'

export interface RunState {
  outcome: RunOutcome
  /** n of `WARNINGS: n`, else 0. */
  warnings: number
  /** The text of a failed run, else null. */
  error: string | null
}

const WARNINGS = /^WARNINGS: (\d+)$/

/**
 * `upid` without a state is a run PBS has started and not finished (its job state `Started`;
 * PBS turns a dead one into a finished `unknown` before answering): running.
 */
export function classifyRunState(state: string | undefined, upid?: string): RunState {
  if (state === undefined || state.trim() === '')
    return { outcome: upid ? 'running' : 'never', warnings: 0, error: null }
  if (state === 'OK') return { outcome: 'ok', warnings: 0, error: null }
  const warned = WARNINGS.exec(state)
  if (warned) return { outcome: 'warning', warnings: Number(warned[1]), error: null }
  return { outcome: 'failed', warnings: 0, error: state }
}

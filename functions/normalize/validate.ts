// Guards for the numbers the normalizer relies on: a bad fact is skipped with a warning
// instead of throwing, so one odd item never blanks the whole dashboard.

import { isEpoch, isFuture } from '../epoch.ts'

export { isEpoch }

/**
 * Why a time cannot be believed at `now`, or undefined. Facts from this release never hold
 * such times (the collectors drop them); older stored facts and hand-made input may.
 */
export function timeProblem(time: number, now: number): string | undefined {
  if (!isEpoch(time)) return 'invalid time'
  return isFuture(time, now) ? 'time in the future' : undefined
}

export function isVmid(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0
}

/** A size we can show, or nothing: a broken size must not drop an otherwise good backup. */
export function cleanSize(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
}

/** Code-unit order: unlike localeCompare it is the same on every runtime and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// Guards for the numbers the normalizer relies on: a bad fact is skipped with a warning
// instead of throwing, so one odd item never blanks the whole dashboard.

/** 9999-12-31T23:59:59Z: past it Date cannot print the four-digit-year ISO time we show. */
const MAX_EPOCH = 253_402_300_799

/** Whole epoch seconds in the range we can print. 0 is a real time, not "missing". */
export function isEpoch(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH
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

// Which timestamps are believed: the collectors drop (and count) items with any other, and
// the normalizer skips any that still reach it in facts stored by an older release.

/** 9999-12-31T23:59:59Z: past it Date cannot print the four-digit-year ISO time we show. */
export const MAX_EPOCH = 253_402_300_799

/**
 * How far ahead of the Worker's clock a Proxmox time may be and still count: a node clock a
 * few minutes fast yields an age of 0, never a negative one. Anything further ahead is a
 * wrong clock or a corrupt field, and believing it would show the guest fresh until that
 * date, so such an item is dropped with a warning until the time has come.
 */
export const FUTURE_SKEW_SECONDS = 900

/** Whole epoch seconds in the range we can print. 0 is a real time, not "missing". */
export function isEpoch(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_EPOCH
}

export function isFuture(time: number, now: number): boolean {
  return time > now + FUTURE_SKEW_SECONDS
}

// Which span of ascending bounds an instant falls in: [bounds[i], bounds[i + 1]) is span i. The
// activity chart's days (a calendar day of the viewer's zone each), counted by the history store.

/** The span's index; -1 outside them all. */
export function spanOf(bounds: readonly number[], at: number): number {
  const last = bounds.length - 1
  if (last < 1 || at < (bounds[0] as number) || at >= (bounds[last] as number)) return -1
  let low = 0
  let high = last - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if ((bounds[mid] as number) <= at) low = mid
    else high = mid - 1
  }
  return low
}

// How many of a digest's entries fit a receiver's limit: as many as fit in order, the rest
// summed up in one "…and N more" line with a link, so a long digest stays one message.

export interface Fitted<T> {
  shown: T[]
  omitted: number
}

/**
 * The longest prefix of `items` (at most `max`) for which `fits(shown, omitted)` holds. `fits`
 * must hold for fewer items whenever it holds for more, and for none at all (the caller clips
 * its fixed parts so they fit alone).
 */
export function fitPrefix<T>(
  items: readonly T[],
  fits: (shown: readonly T[], omitted: number) => boolean,
  max = items.length,
): Fitted<T> {
  let low = 0
  let high = Math.min(max, items.length)
  const ok = (n: number) => fits(items.slice(0, n), items.length - n)
  if (ok(high)) return { shown: items.slice(0, high), omitted: items.length - high }
  // ok(low) holds, ok(high) does not: find the largest n that fits.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (ok(mid)) low = mid
    else high = mid
  }
  return { shown: items.slice(0, low), omitted: items.length - low }
}

const encoder = new TextEncoder()

/** UTF-8 bytes: what ntfy and Teams limit. */
export const byteLength = (text: string): number => encoder.encode(text).length

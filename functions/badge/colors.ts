// Badge colours: one per age status (the dashboard's thresholds), plus "unknown" and "error".
// Fresh, stale, overdue and unknown use shields.io's named colours so badges sit well beside
// others; "never" gets its own darker red, as a guest without any backup is worse than a late one.
import type { AgeStatus } from '../../shared/age.ts'

export type BadgeTone = AgeStatus | 'unknown' | 'error'

/** Hex without '#': the form shields.io's endpoint `color` documents. */
export const TONE_COLORS: Record<BadgeTone, string> = {
  fresh: '4c1', // shields "brightgreen"
  stale: 'dfb317', // shields "yellow"
  overdue: 'e05d44', // shields "red"
  never: '9b1c1c',
  unknown: '9f9f9f', // shields "lightgrey"
  error: 'e05d44',
}

export const LABEL_COLOR = '555'

/** Perceived brightness, 0–1, with the BT.601 luma weights shields.io uses. */
function brightness(hex: string): number {
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16))
  return ((r ?? 0) * 299 + (g ?? 0) * 587 + (b ?? 0) * 114) / 255_000
}

/** White text on dark backgrounds, dark text on light ones; shields' threshold is 0.69. */
export function textColorsOn(hex: string): { text: string; shadow: string } {
  return brightness(hex) <= 0.69
    ? { text: '#fff', shadow: '#010101' }
    : { text: '#333', shadow: '#ccc' }
}

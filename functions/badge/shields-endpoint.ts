// The badge as shields.io endpoint JSON (https://shields.io/badges/endpoint-badge), so users
// can restyle it through img.shields.io. Shields rejects unknown keys: emit only schema fields.
import { TONE_COLORS } from './colors.ts'
import type { Badge } from './content.ts'
import { cleanText } from './xml.ts'

/** Shields ignores a cacheSeconds below its own floor of 300 s, so ask for exactly that. */
export const SHIELDS_CACHE_SECONDS = 300

export interface ShieldsEndpoint {
  schemaVersion: 1
  label: string
  message: string
  color: string
  isError?: true
  cacheSeconds: number
}

export function toShieldsEndpoint(badge: Badge): ShieldsEndpoint {
  const isError = badge.tone === 'unknown' || badge.tone === 'error'
  return {
    schemaVersion: 1,
    label: cleanText(badge.label),
    // Shields requires a non-empty message.
    message: cleanText(badge.message) || '?',
    color: TONE_COLORS[badge.tone],
    // An error badge keeps its colour even if the embedding URL asks for another.
    ...(isError ? { isError: true as const } : {}),
    cacheSeconds: SHIELDS_CACHE_SECONDS,
  }
}

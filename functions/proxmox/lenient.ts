// Lenient decoders for Perl-produced PVE JSON, mirroring Proxmox's own Rust client
// (pve-api-types): booleans may be 0/1, "1", "yes", "on", true; integers may be strings.
// Lists are read item by item, and every dropped item is counted with its reason.
import * as z from 'zod'
import { MAX_EPOCH } from '../epoch.ts'

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', ''])

export const perlBool = z.preprocess((value) => {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase()
    if (TRUE_WORDS.has(word)) return true
    if (FALSE_WORDS.has(word)) return false
  }
  return value
}, z.boolean())

export const looseInt = z.preprocess(
  (value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value),
  z.number().int(),
)

export const looseNumber = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number().finite(),
)

/** Epoch seconds we can show; the collectors also drop times too far in the future. */
export const epochSeconds = looseInt.pipe(z.number().int().min(0).max(MAX_EPOCH))

/**
 * A name that becomes one URL path segment: "." and ".." would climb out of it, and a lone
 * surrogate (half of a UTF-16 pair) makes encodeURIComponent throw.
 */
export const pathSegment = z
  .string()
  .min(1)
  .refine(
    (name) => name !== '.' && name !== '..' && !/\p{Cs}/u.test(name),
    'is not usable in a URL path',
  )

/** A list whose items are validated one by one, so one bad item never hides the others. */
export const itemList = z.array(z.unknown())

/** How many items one listing had and why some were dropped, for one counted warning. */
export interface Drops {
  listed: number
  reasons: Map<string, number>
}

export function createDrops(): Drops {
  return { listed: 0, reasons: new Map() }
}

export function countDrop(drops: Drops, reason: string): void {
  drops.reasons.set(reason, (drops.reasons.get(reason) ?? 0) + 1)
}

export function droppedCount(drops: Drops): number {
  let dropped = 0
  for (const count of drops.reasons.values()) dropped += count
  return dropped
}

/** "invalid ctime", "no volid": the first problem, named by field, never quoting the value. */
function reasonOf(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first || first.path.length === 0) return 'not an object'
  const field = first.path.join('.')
  return first.code === 'invalid_type' && first.message.endsWith('received undefined')
    ? `no ${field}`
    : `invalid ${field}`
}

export interface ItemsResult<T> {
  items: T[]
  dropped: number
}

export function parseItems<T extends z.ZodType>(
  raw: unknown[],
  schema: T,
  drops: Drops = createDrops(),
): ItemsResult<z.output<T>> {
  const items: z.output<T>[] = []
  let dropped = 0
  drops.listed += raw.length
  for (const item of raw) {
    const parsed = schema.safeParse(item)
    if (parsed.success) items.push(parsed.data)
    else {
      dropped += 1
      countDrop(drops, reasonOf(parsed.error))
    }
  }
  return { items, dropped }
}

/** The first item of each identity; later ones are counted as duplicates. */
export function keepFirst<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  drops: Drops,
  reason: string,
): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const key = keyOf(item)
    if (!seen.has(key)) {
      seen.add(key)
      return true
    }
    countDrop(drops, reason)
    return false
  })
}

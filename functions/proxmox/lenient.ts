// Lenient decoders for Perl-produced PVE JSON, mirroring Proxmox's own Rust client
// (pve-api-types): booleans may be 0/1, "1", "yes", "on", true; integers may be strings.
import * as z from 'zod'

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

/** A name that becomes one URL path segment: "." and ".." would climb out of it. */
export const pathSegment = z
  .string()
  .min(1)
  .refine((name) => name !== '.' && name !== '..', 'is not usable in a URL path')

/** A list whose items are validated one by one, so one bad item never hides the others. */
export const itemList = z.array(z.unknown())

export interface ItemsResult<T> {
  items: T[]
  dropped: number
}

export function parseItems<T extends z.ZodType>(
  raw: unknown[],
  schema: T,
): ItemsResult<z.output<T>> {
  const items: z.output<T>[] = []
  let dropped = 0
  for (const item of raw) {
    const parsed = schema.safeParse(item)
    if (parsed.success) items.push(parsed.data)
    else dropped += 1
  }
  return { items, dropped }
}

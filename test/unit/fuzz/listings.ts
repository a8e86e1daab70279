// Reading back what a breakable upstream served: which items were good, and whether a
// listing's dropped items were counted in a warning.
import { expect } from 'vitest'
import type { Served } from './upstream.ts'

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The fields that make two items of a listing the same item (the first one is kept). */
const IDENTITY: Record<string, string[]> = {
  '/cluster/resources': ['vmid'],
  '/cluster/status': ['type', 'name'],
  '/cluster/backup-info/not-backed-up': ['vmid'],
  '/storage': ['storage'],
  '/nodes/{node}/storage': ['storage'],
  '/nodes/{node}/storage/{storage}/content': ['volid'],
  '/nodes/{node}/qemu/{vmid}/snapshot': ['name'],
  '/nodes/{node}/lxc/{vmid}/snapshot': ['name'],
  '/nodes/{node}/tasks': ['upid'],
  '/cluster/tasks': ['upid'],
  '/admin/datastore': ['store'],
  '/admin/datastore/{store}/namespace': ['ns'],
  '/admin/datastore/{store}/groups': ['backup-type', 'backup-id'],
  '/admin/datastore/{store}/snapshots': ['backup-type', 'backup-id', 'backup-time'],
}

/** Unfiltered /cluster/resources: guests are one per vmid, storages one per node and id. */
export function resourceKind(value: unknown): 'guest' | 'storage' | 'other' {
  const type = isRecord(value) ? value.type : undefined
  if (type === 'storage') return 'storage'
  return typeof type === 'string' && ['node', 'sdn', 'pool', 'network', 'openvz'].includes(type)
    ? 'other'
    : 'guest'
}

function identity(pattern: string, value: unknown): string | null {
  if (pattern === '/cluster/resources' && isRecord(value)) {
    const kind = resourceKind(value)
    const fields = kind === 'guest' ? ['vmid'] : kind === 'storage' ? ['node', 'storage'] : ['id']
    return [kind, ...fields.map((f) => JSON.stringify(value[f]) ?? 'undefined')].join('\u0000')
  }
  const fields = IDENTITY[pattern]
  if (!fields || !isRecord(value)) return null
  // As the collector sees it: after JSON, so NaN is null and odd objects are plain.
  return fields.map((f) => JSON.stringify(value[f]) ?? 'undefined').join('\u0000')
}

/**
 * Baseline items no mutation touched, served in a list. An earlier item with the same
 * identity (a mutated copy) legitimately wins, so such an item is not counted as good.
 */
export function goodItems(served: Served): unknown[] {
  const items = served.items ?? []
  return items
    .filter((item, i) => {
      if (item.origin === null || item.mutated) return false
      const id = identity(served.pattern, item.value)
      return !items.slice(0, i).some((earlier) => identity(served.pattern, earlier.value) === id)
    })
    .map((item) => item.value)
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `total` items listed at `place`, `kept` of them in the facts: the rest are in a warning. */
export function expectDropCounted(
  warnings: readonly string[],
  total: number,
  kept: number,
  place: string,
): void {
  const dropped = total - kept
  expect(dropped, `${place}: more kept than listed`).toBeGreaterThanOrEqual(0)
  const about = warnings.filter((w) =>
    new RegExp(`^\\d+ of \\d+ ${literal(place)} dropped: `).test(w),
  )
  if (dropped === 0) expect(about).toEqual([])
  else
    expect(about).toEqual([
      expect.stringMatching(`^${dropped} of ${total} ${literal(place)} dropped: `),
    ])
}

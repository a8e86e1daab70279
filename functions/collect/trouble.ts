// How collectors record problems that do not fail the whole source.
import { isProxmoxError } from '../proxmox/errors.ts'
import { type Drops, droppedCount } from '../proxmox/lenient.ts'

export interface Trouble {
  warnings: string[]
  /** Work units skipped because the subrequest budget ran out, for the next run. */
  deferred: string[]
}

/**
 * Records a failure of one work unit: budget exhaustion defers the unit to the next run,
 * an upstream error becomes a warning; anything else is a bug and propagates.
 */
export function softFail(trouble: Trouble, error: unknown, unit: string): void {
  if (!isProxmoxError(error)) throw error
  if (error.kind === 'budget') trouble.deferred.push(unit)
  else trouble.warnings.push(error.message)
}

/** Puts the units the previous run deferred first, so a large fleet converges. */
export function deferredFirst<T>(
  items: T[],
  unitOf: (item: T) => string,
  previous: readonly string[] | undefined,
): T[] {
  if (!previous || previous.length === 0) return items
  const wanted = new Set(previous)
  return [
    ...items.filter((item) => wanted.has(unitOf(item))),
    ...items.filter((item) => !wanted.has(unitOf(item))),
  ]
}

/** Puts the items of the priority node (see PveCollectContext.priorityNode) first, stably. */
export function priorityFirst<T>(items: T[], isPriority: (item: T) => boolean): T[] {
  return [...items.filter(isPriority), ...items.filter((item) => !isPriority(item))]
}

/**
 * One warning per listing with bad items, counted and with reasons, e.g. "3 of 40 backup
 * volumes on storage local (node pve1) dropped: invalid ctime". It reaches /api/status.
 */
export function reportDrops(trouble: Trouble, drops: Drops, place: string): void {
  const dropped = droppedCount(drops)
  if (dropped === 0) return
  const reasons = [...drops.reasons]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reason, count]) => (drops.reasons.size === 1 ? reason : `${reason} (${count})`))
  trouble.warnings.push(`${dropped} of ${drops.listed} ${place} dropped: ${reasons.join(', ')}`)
}

/** Warnings in a stable order: concurrent listings finish in any order, the digest must not. */
export function sortedWarnings(trouble: Trouble): Trouble {
  return { warnings: [...new Set(trouble.warnings)].sort(), deferred: [...trouble.deferred].sort() }
}

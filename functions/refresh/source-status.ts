// The status of each source after a pass: fresh, or stale with the error while its last good
// facts stay served; warnings from the collector and from the normalizer; work units left;
// the parts held at their last good data.
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { SourceFacts } from '../collect/facts.ts'
import type { SourceConfig } from '../config.ts'
import type { Outcome } from './collect-source.ts'
import type { TokenPermissions } from './missing-privileges.ts'

function countsOf(facts: SourceFacts | null) {
  if (!facts) return { guests: 0, backups: 0, snapshots: 0 }
  return facts.kind === 'pve'
    ? {
        guests: facts.guests.length,
        backups: facts.backups.length,
        snapshots: facts.snapshots.length,
      }
    : { guests: 0, backups: facts.snapshots.length, snapshots: 0 }
}

/** The status of a source no refresh has tried yet. */
export function neverRefreshed(source: SourceConfig): SourceStatus {
  return {
    id: source.id,
    kind: source.kind,
    ...(source.name ? { name: source.name } : {}),
    lastAttempt: null,
    lastSuccess: null,
    lastError: null,
    stale: false,
    warnings: [],
    deferred: 0,
    counts: { guests: 0, backups: 0, snapshots: 0 },
  }
}

export function sourceStatus(
  source: SourceConfig,
  outcome: Outcome | undefined,
  facts: SourceFacts | null,
  previous: SourceStatus | undefined,
  now: number,
  /** What the normalizer skipped or could not place in this source's facts. */
  normalizeWarnings: readonly string[],
  /** From the facts served (missing-privileges.ts); undefined until first checked. */
  permissions?: TokenPermissions,
): SourceStatus {
  const { permissions: _old, ...status } = statusOf(
    source,
    outcome,
    facts,
    previous,
    now,
    normalizeWarnings,
  )
  return permissions ? { ...status, permissions } : status
}

function statusOf(
  source: SourceConfig,
  outcome: Outcome | undefined,
  facts: SourceFacts | null,
  previous: SourceStatus | undefined,
  now: number,
  normalizeWarnings: readonly string[],
): SourceStatus {
  const base = {
    id: source.id,
    kind: source.kind,
    ...(source.name ? { name: source.name } : {}),
    counts: countsOf(facts),
  }
  if (!outcome) {
    // Not refreshed in this pass: what it was, with warnings about the facts now served.
    const kept = previous ? { ...previous, ...base } : { ...neverRefreshed(source), ...base }
    return facts ? { ...kept, warnings: [...facts.warnings, ...normalizeWarnings] } : kept
  }
  if (outcome.ok === 'later') {
    // Its turn comes in the next invocation of this round: one unit (its base) is left.
    const kept = previous ? { ...previous, ...base } : { ...neverRefreshed(source), ...base }
    return { ...kept, lastAttempt: now, deferred: Math.max(1, kept.deferred) }
  }
  if (outcome.ok) {
    return {
      ...base,
      lastAttempt: now,
      lastSuccess: now,
      lastError: null,
      stale: false,
      warnings: [...outcome.facts.warnings, ...normalizeWarnings],
      deferred: outcome.facts.deferred.length,
    }
  }
  return {
    ...base,
    lastAttempt: now,
    lastSuccess: previous?.lastSuccess ?? null,
    lastError: outcome.error,
    stale: true,
    // The facts still served are the last good ones: their warnings, not a guess.
    warnings: [...(facts?.warnings ?? []), ...normalizeWarnings],
    deferred: previous?.deferred ?? 0,
  }
}

/**
 * The status with `held` from the facts served: each PBS datastore kept at its last good
 * snapshots because PBS refuses to read it (unit `datastore:<store>`), with why and since when.
 * So a source with a held store never reads as plainly fresh.
 */
export function withHeld(status: SourceStatus, facts: SourceFacts | null): SourceStatus {
  const { held: _previous, ...rest } = status
  const held =
    facts?.kind === 'pbs'
      ? facts.datastores.flatMap((d) =>
          d.held
            ? [{ unit: `datastore:${d.store}`, reason: d.held.reason, since: d.held.since }]
            : [],
        )
      : []
  return held.length > 0 ? { ...rest, held } : rest
}

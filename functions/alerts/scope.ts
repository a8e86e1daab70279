// Which guests alert at all, and the rules that apply to one guest after overrides.
//
// Scope: templates never alert; stopped guests only with `stoppedGuests`; a guest is excluded by
// key, cluster, pool, Proxmox tag (`pulse-ignore` by default) or a PBS group comment containing
// `no-monitor`. Exclusions are absolute: no override brings a guest back.
//
// Overrides, most specific wins, field by field: guest > tag > pool > cluster > the rule's own
// setting. When several of a guest's tags set the same field, the setting that alerts sooner
// wins (on over off, the lower threshold), so a tag can never silently hide another's alert.
import type { GuestSummary, Orphan } from '../../shared/schema/guest.ts'
import type { AlertRules, GuestOverride } from '../config/alert-rules.ts'

export interface AgeSetting {
  enabled: boolean
  warningHours: number
  criticalHours: number
}

export interface GuestRules {
  'age-all': AgeSetting
  'age-pve': AgeSetting
  'age-pbs': AgeSetting
  'age-snapshots': AgeSetting
  missed: { enabled: boolean; criticalAfterHours: number }
  'guest-failed': { enabled: boolean }
  'verify-failed': { enabled: boolean }
  'no-job': { enabled: boolean }
}

export const GUEST_RULES = [
  'age-all',
  'age-pve',
  'age-pbs',
  'age-snapshots',
  'missed',
  'guest-failed',
  'verify-failed',
  'no-job',
] as const satisfies readonly (keyof GuestRules)[]

// Why a subject never alerts, in the few words the Alerts view lists it with ("Not watched"):
// each reason is defined here once, naming what excludes it where that is cheap to tell.

function commentExclusion(comments: readonly string[] | undefined, marker: string | null) {
  if (marker === null || comments === undefined) return null
  const needle = marker.toLowerCase()
  return comments.some((comment) => comment.toLowerCase().includes(needle))
    ? `PBS group comment "${marker}"`
    : null
}

function clusterExclusion(cluster: string | null, config: AlertRules): string | null {
  return cluster !== null && config.exclude.clusters.includes(cluster)
    ? `excluded cluster ${cluster}`
    : null
}

/** Why the guest never alerts, or null when it is watched. */
export function guestExclusion(guest: GuestSummary, config: AlertRules): string | null {
  const { exclude } = config
  if (guest.template) return 'template'
  if (guest.status === 'stopped' && !config.stoppedGuests) return 'stopped'
  if (exclude.guests.includes(guest.key)) return 'excluded guest'
  const cluster = clusterExclusion(guest.cluster, config)
  if (cluster) return cluster
  if (guest.pool && exclude.pools.includes(guest.pool)) return `excluded pool ${guest.pool}`
  const tags = (guest.tags ?? []).map((t) => t.toLowerCase())
  const tag = exclude.tags.find((t) => tags.includes(t.toLowerCase()))
  if (tag !== undefined) return `tag ${tag}`
  return commentExclusion(guest.pbsGroupComments, exclude.pbsComment)
}

/** Why backups of a deleted guest never alert, or null when they are watched. */
export function orphanExclusion(orphan: Orphan, config: AlertRules): string | null {
  return (
    clusterExclusion(orphan.cluster, config) ??
    commentExclusion(orphan.pbsGroupComments, config.exclude.pbsComment)
  )
}

/** Why a PVE backup job never alerts (`job-failed`), or null when it is watched. */
export function jobExclusion(job: { enabled: boolean }): string | null {
  return job.enabled ? null : 'job disabled'
}

/**
 * Why a store, or a PBS job of a datastore, never alerts: the store (`source/store`,
 * `cluster/storage`, `cluster/node/storage`) is in `exclude.stores`. Null when watched.
 */
export function storeExclusion(storeKey: string, config: AlertRules): string | null {
  return config.exclude.stores.includes(storeKey) ? `excluded store ${storeKey}` : null
}

type Layer = GuestOverride

/** Several tags' overrides as one layer: per field, the setting that alerts sooner. */
function combineTags(layers: readonly Layer[]): Layer {
  const combined: Record<string, Record<string, number | boolean>> = {}
  for (const layer of layers) {
    for (const [rule, fields] of Object.entries(layer)) {
      if (!fields) continue
      const into = combined[rule] ?? {}
      combined[rule] = into
      for (const [field, value] of Object.entries(fields) as [string, number | boolean][]) {
        const had = into[field]
        if (had === undefined) into[field] = value
        else if (typeof value === 'boolean') into[field] = had === true || value
        else into[field] = Math.min(had as number, value)
      }
    }
  }
  return combined as Layer
}

function apply(rules: GuestRules, layer: Layer | undefined): void {
  if (!layer) return
  for (const rule of GUEST_RULES) {
    const fields = layer[rule]
    if (!fields) continue
    const target = rules[rule] as unknown as Record<string, unknown>
    for (const [field, value] of Object.entries(fields)) {
      if (value !== undefined) target[field] = value
    }
  }
}

/** The guest's rules: each rule's own setting, then cluster, pool, tags and guest overrides. */
export function guestRules(guest: GuestSummary, config: AlertRules): GuestRules {
  const r = config.rules
  const age = (s: AgeSetting): AgeSetting => ({
    enabled: s.enabled,
    warningHours: s.warningHours,
    criticalHours: s.criticalHours,
  })
  const rules: GuestRules = {
    'age-all': age(r['age-all']),
    'age-pve': age(r['age-pve']),
    'age-pbs': age(r['age-pbs']),
    'age-snapshots': age(r['age-snapshots']),
    missed: { enabled: r.missed.enabled, criticalAfterHours: r.missed.criticalAfterHours },
    'guest-failed': { enabled: r['guest-failed'].enabled },
    'verify-failed': { enabled: r['verify-failed'].enabled },
    'no-job': { enabled: r['no-job'].enabled },
  }
  const { overrides } = config
  apply(rules, overrides.clusters[guest.cluster])
  if (guest.pool) apply(rules, overrides.pools[guest.pool])
  const tagLayers = (guest.tags ?? []).flatMap((tag) => {
    const layer = overrides.tags[tag] ?? overrides.tags[tag.toLowerCase()]
    return layer ? [layer] : []
  })
  if (tagLayers.length > 0) apply(rules, combineTags(tagLayers))
  apply(rules, overrides.guests[guest.key])
  return rules
}

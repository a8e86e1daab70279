// Where backups are kept: a PBS datastore or PVE backup storage estimated full within N days
// (`store-full`), above X % used (`store-usage`), in maintenance longer than N hours
// (`store-maintenance`), or not mounted / not active (`store-unmounted`; a store in maintenance
// is judged by the maintenance rule alone, since an unmount puts it there on purpose).
import type { AlertRule, AlertSubjectView as AlertSubject } from '../../../shared/schema/alerts.ts'
import type { StorageIndex } from '../../../shared/schema/storage.ts'
import { alertId, type Condition } from '../condition.ts'
import { subjectLink } from '../links.ts'
import { storeExclusion } from '../scope.ts'
import type { RuleContext } from '../sink.ts'
import { ago, datastoreName, storageName, utc } from '../words.ts'

const STORE_RULES = [
  'store-full',
  'store-usage',
  'store-maintenance',
  'store-unmounted',
] as const satisfies readonly AlertRule[]

interface Store {
  subject: AlertSubject
  link: string
  /** Data of its source cannot be judged now. */
  unknown: boolean
  used: number | null
  total: number | null
  estimatedFull: number | null
  maintenance: { type: string; message: string | null; since: number } | null
  unmounted: boolean
}

function stores(storage: StorageIndex, ctx: RuleContext): Store[] {
  const { freshness, baseUrl } = ctx
  const pbs = storage.datastores.map(
    (d): Store => ({
      subject: { kind: 'datastore', key: d.key, name: datastoreName(d) },
      link: subjectLink(baseUrl, 'datastore', d.key),
      unknown: freshness.sources.get(d.source)?.unknown ?? false,
      used: d.used,
      total: d.total,
      estimatedFull: d.estimatedFull,
      maintenance: d.maintenance,
      unmounted: d.mountStatus === 'notmounted',
    }),
  )
  const pve = storage.storages.map(
    (s): Store => ({
      subject: { kind: 'storage', key: s.key, name: storageName(s) },
      link: subjectLink(baseUrl, 'storage', s.key),
      unknown: freshness.clusterUnknown(s.cluster),
      used: s.used,
      total: s.total,
      estimatedFull: s.estimatedFull,
      maintenance: null,
      unmounted: s.active === false,
    }),
  )
  return [...pbs, ...pve]
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`
}

type Make = (store: Store) => Omit<Condition, 'alertId' | 'rule' | 'subject' | 'link'> | null

function makers(ctx: RuleContext): Record<(typeof STORE_RULES)[number], Make> {
  const { config, now } = ctx
  const r = config.rules
  return {
    'store-full': (s) => {
      // PBS sends 0 or a negative date when it has no estimate: not an estimate of "now".
      if (s.estimatedFull === null || s.estimatedFull <= 0) return null
      const days = (s.estimatedFull - now) / 86_400
      if (days > r['store-full'].warningDays) return null
      return {
        severity: days <= r['store-full'].criticalDays ? 'critical' : 'warning',
        summary:
          days <= 0
            ? 'is estimated full already'
            : `is estimated full in ${Math.max(1, Math.round(days))} days (${utc(s.estimatedFull).slice(0, 10)})`,
        detail: null,
        since: null,
      }
    },
    'store-usage': (s) => {
      if (s.used === null || s.total === null || s.total <= 0) return null
      const percent = (s.used / s.total) * 100
      const rule = r['store-usage']
      if (percent < rule.warningPercent) return null
      return {
        severity: percent >= rule.criticalPercent ? 'critical' : 'warning',
        summary: `is ${percent.toFixed(0)} % used (${gib(s.used)} of ${gib(s.total)})`,
        detail: null,
        since: null,
      }
    },
    'store-maintenance': (s) => {
      const m = s.maintenance
      if (!m || now - m.since < r['store-maintenance'].afterHours * 3_600) return null
      return {
        severity: r['store-maintenance'].severity,
        summary: `has been in ${m.type} maintenance since ${ago(m.since, now)}`,
        detail: m.message,
        since: m.since,
      }
    },
    'store-unmounted': (s) => {
      if (!s.unmounted || s.maintenance) return null
      return {
        severity: r['store-unmounted'].severity,
        summary:
          s.subject.kind === 'datastore'
            ? 'is not mounted'
            : 'is not active (not mounted or unreachable)',
        detail: null,
        since: null,
      }
    },
  }
}

export function evaluateStores(storage: StorageIndex | null, ctx: RuleContext): void {
  const { sink, config } = ctx
  const enabled = STORE_RULES.filter((rule) => config.rules[rule].enabled)
  if (enabled.length === 0) return
  if (storage === null) {
    for (const rule of enabled) sink.holdRule(rule)
    return
  }
  const make = makers(ctx)
  for (const store of stores(storage, ctx)) {
    const exclusion = storeExclusion(store.subject.key, config)
    sink.subject(store.subject, exclusion)
    if (exclusion !== null) continue
    for (const rule of enabled) {
      const id = alertId(rule, store.subject.key)
      if (store.unknown) {
        sink.hold(id)
        continue
      }
      const found = make[rule](store)
      if (found)
        sink.fire({ ...found, alertId: id, rule, subject: store.subject, link: store.link })
    }
  }
}

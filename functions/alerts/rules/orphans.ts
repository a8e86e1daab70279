// Optional (off by default): backups whose guest no longer exists. Told once when they appear
// (no reminders by default: orphans are often kept on purpose); pruning them closes the alert
// silently. Held while any source cannot be judged: a PVE cluster not read makes every PBS
// group look orphaned.
import type { Orphan } from '../../../shared/schema/guest.ts'
import { alertId } from '../condition.ts'
import { subjectLink } from '../links.ts'
import { orphanExclusion } from '../scope.ts'
import type { RuleContext } from '../sink.ts'
import { orphanName, utc } from '../words.ts'

export function orphanKey(orphan: Orphan): string | null {
  if (orphan.key) return orphan.key
  return orphan.cluster === null ? null : `${orphan.cluster}/${orphan.guestId}`
}

export function evaluateOrphans(orphans: readonly Orphan[], ctx: RuleContext): void {
  const { sink, config, freshness } = ctx
  const rule = config.rules['orphan-new']
  if (!rule.enabled) return
  if (freshness.anyUnknown) {
    sink.holdRule('orphan-new')
    return
  }
  for (const orphan of orphans) {
    const key = orphanKey(orphan)
    if (key === null) continue
    const subject = { kind: 'orphan' as const, key, name: orphanName(orphan) }
    const exclusion = orphanExclusion(orphan, config)
    sink.subject(subject, exclusion)
    if (exclusion !== null) continue
    sink.fire({
      alertId: alertId('orphan-new', key),
      rule: 'orphan-new',
      severity: rule.severity,
      subject,
      summary: `${orphan.count} backup${orphan.count === 1 ? '' : 's'} of a guest that no longer exists`,
      detail: `Newest: ${utc(orphan.latestBackupTime)}\nWhere: ${orphan.locations.join(', ')}`,
      since: null,
      link: subjectLink(ctx.baseUrl, 'orphan', key),
    })
  }
}

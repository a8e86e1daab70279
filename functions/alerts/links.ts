// The dashboard URL of each kind of subject, so every message links to the view of it. The
// guest drill-down is web/src/view-state.ts's `?guest=cluster/vmid` (a unit test parses it back
// with the page's own parser). `view=` for jobs, storage and alerts, and `orphan=`, are the
// views issues 11 and 12 add: the page must accept these names.
import type { SubjectKind } from '../../shared/schema/alerts.ts'

function url(base: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString()
  return `${base.replace(/\/+$/, '')}/${query ? `?${query}` : ''}`
}

export function subjectLink(base: string, kind: SubjectKind, key: string): string {
  switch (kind) {
    case 'guest':
      return url(base, { guest: key })
    case 'orphan':
      return url(base, { orphan: key })
    case 'job':
    case 'pbs-job':
      return url(base, { view: 'jobs', job: key })
    case 'datastore':
    case 'storage':
      return url(base, { view: 'storage', store: key })
    case 'source':
      // The data-health line of the main view names each source's state.
      return url(base, {})
  }
}

export function alertsLink(base: string): string {
  return url(base, { view: 'alerts' })
}

/** The dashboard itself (a scheduled report links there). */
export function dashboardLink(base: string): string {
  return url(base, {})
}

// The alerts as the whole page needs them: /api/alerts, loaded with the rest from the start for
// the header's count of firing alerts on every view. The Alerts view itself (alerts-page.ts, its
// own chunk) reads and updates the same list.
import type { Alert, AlertsResponse } from '../../shared/schema/alerts.ts'
import type { Firing } from './alert-count.ts'
import { loadAlerts } from './alerts-api.ts'
import { ensure, type Loaded, notLoaded } from './loaded.ts'

export interface AlertsFeed {
  get(): Loaded<AlertsResponse>
  /** Loads once (or `again`); the page re-renders when it has answered. */
  ensure(again?: boolean): Promise<void>
  /** An alert as the Worker now has it (after an action), in place. */
  replace(next: Alert): void
  firing(): { firing: Firing | null; error: string | null }
}

export function createAlertsFeed(render: () => void): AlertsFeed {
  let alerts: Loaded<AlertsResponse> = notLoaded()
  return {
    get: () => alerts,
    ensure: (again = false) =>
      ensure(
        () => alerts,
        (n) => {
          alerts = n
        },
        loadAlerts,
        render,
        again,
      ),
    replace(next) {
      const data = alerts.data
      if (!data) return
      const list = data.alerts.map((a) => (a.id === next.id ? next : a))
      alerts = { ...alerts, data: { ...data, alerts: list } }
    },
    firing: () => ({ firing: alerts.data?.firing ?? null, error: alerts.error }),
  }
}

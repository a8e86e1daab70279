// What the owner does to an alert from the page or the API. Both live in the alert's record,
// so they survive refreshes, running backups and coordinator restarts:
// - acknowledge: no more reminders until the incident resolves (an escalation and the resolve
//   are still told); a re-fire within the flap window is the same incident and keeps it.
// - snooze: no notification at all about the alert until a time. What happened meanwhile is
//   recorded; when the snooze ends, what is still untold goes out (a fire never told, a resolve
//   of a fire that was told, a reminder that came due).
import type { AlertRecord, AlertState } from './state.ts'

export type AlertAction =
  | { kind: 'ack'; alertId: string; by: string | null; at: number }
  | { kind: 'unack'; alertId: string; at: number }
  | { kind: 'snooze'; alertId: string; until: number | null; at: number }

export type ActionResult = 'ok' | 'unknown-alert' | 'not-firing'

/** A copy of the state with the action applied, or the reason it was not (state unchanged). */
export function applyAction(
  state: AlertState,
  action: AlertAction,
): { state: AlertState; result: ActionResult } {
  const index = state.alerts.findIndex((a) => a.id === action.alertId)
  const record = state.alerts[index]
  if (!record) return { state, result: 'unknown-alert' }
  let next: AlertRecord
  switch (action.kind) {
    case 'ack':
      // An acknowledgement belongs to an incident; a resolved alert has none to acknowledge.
      if (record.state !== 'firing') return { state, result: 'not-firing' }
      next = { ...record, acknowledged: { by: action.by, at: action.at } }
      break
    case 'unack':
      next = { ...record, acknowledged: null }
      break
    case 'snooze':
      next = {
        ...record,
        snoozedUntil: action.until !== null && action.until > action.at ? action.until : null,
      }
      break
  }
  const alerts = [...state.alerts]
  alerts[index] = next
  return { state: { alerts }, result: 'ok' }
}

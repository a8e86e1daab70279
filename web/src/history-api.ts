// The history routes (GET /api/history/…), parsed with the shared schemas like every other
// answer. Loaded only when a history view or a drill-down asks: the guest index never waits
// for them, and a Worker without them (404) is told apart from one that failed.
import {
  type ActivityResponse,
  ActivityResponseSchema,
  type GuestHistoryResponse,
  GuestHistoryResponseSchema,
  type StorageTrendsResponse,
  StorageTrendsResponseSchema,
} from '../../shared/schema/history.ts'
import { ApiError, getJson } from './api.ts'

/** One guest's backups and runs over `days` (omitted: the whole retention). */
export const loadGuestHistory = (key: string, days?: number): Promise<GuestHistoryResponse> =>
  getJson(
    `/api/history/guests/${key}${days === undefined ? '' : `?days=${days}`}`,
    GuestHistoryResponseSchema,
  )

/** The fleet's backups per calendar day in `timeZone` (IANA) over `days`. */
export const loadActivity = (days: number, timeZone: string): Promise<ActivityResponse> =>
  getJson(
    `/api/history/activity?${new URLSearchParams({ days: String(days), tz: timeZone })}`,
    ActivityResponseSchema,
  )

export const loadStorageTrends = (days: number): Promise<StorageTrendsResponse> =>
  getJson(`/api/history/storage?days=${days}`, StorageTrendsResponseSchema)

/** A failure in words; a 404 (no history kept, or none for this guest) says that first. */
export function historyErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : 'Unknown error'
  if (error instanceof ApiError && error.status === 404)
    return `no history is available (${message})`
  return message
}

// How the rest of the Worker reaches the coordinator: one named Durable Object for the whole
// deployment. Routes, the cron and the queue consumer ask it; none of them writes state itself.
import type { ActivityResponse, GuestHistoryResponse } from '../../shared/schema/history.ts'
import type { Env } from '../env.ts'
import type { StoredBackup } from '../history/types.ts'
import type { SourceNames } from '../hooks/source-match.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { RefreshReport } from '../refresh.ts'
import type { TriggerInput, TriggerResult } from './core.ts'
import type { StoredStatus } from './state.ts'

export const COORDINATOR_NAME = 'coordinator'

/** The coordinator's RPC surface (see durable-object.ts). */
export interface CoordinatorApi {
  trigger(input: TriggerInput): Promise<TriggerResult>
  /** Queues a refresh and runs it within the call; its report (null: nothing to do). */
  refreshNow(input: TriggerInput): Promise<RefreshReport | null>
  status(): Promise<StoredStatus>
  /** True the first time a webhook id is seen, false for every replay. */
  claimWebhookId(id: string, now: number): Promise<boolean>
  sourceNames(): Promise<SourceNames[]>

  // ---- History (functions/history/, routes/history.ts) ----
  /** Null when history holds nothing for the key. */
  guestHistory(key: string, days: number | null): Promise<GuestHistoryResponse | null>
  activity(days: number, timeZone: string): Promise<ActivityResponse>
  usageHistory(keys: string[], since: number): Promise<UsageSample[]>
  newestBackups(): Promise<StoredBackup[]>
  /** Local development only (PULSE_DEV_REPLAY): a refresh as of `at`. */
  replay(at: number): Promise<RefreshReport | null>
}

export function coordinator(env: Env): CoordinatorApi {
  const namespace = env.PULSE_COORDINATOR
  return namespace.get(namespace.idFromName(COORDINATOR_NAME)) as unknown as CoordinatorApi
}

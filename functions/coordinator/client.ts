// How the rest of the Worker reaches the coordinator: one named Durable Object for the whole
// deployment. Routes, the cron and the queue consumer ask it; none of them writes state itself.
import type { ChannelsResponse, DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import type { ActivityResponse, GuestHistoryResponse } from '../../shared/schema/history.ts'
import type { Env } from '../env.ts'
import type { StoredBackup } from '../history/types.ts'
import type { SourceNames } from '../hooks/source-match.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { RefreshReport } from '../refresh.ts'
import type { ActionOutcome, AlertActionInput } from './alert-runner.ts'
import type { TriggerInput, TriggerResult } from './core.ts'
import type { StoredStatus } from './state.ts'

export const COORDINATOR_NAME = 'coordinator'

export type { ActionOutcome, AlertActionInput } from './alert-runner.ts'

/** The coordinator's RPC surface (see durable-object.ts). */
export interface CoordinatorApi {
  trigger(input: TriggerInput): Promise<TriggerResult>
  /** Queues a refresh and runs it within the call; its report (null: nothing to do). */
  refreshNow(input: TriggerInput): Promise<RefreshReport | null>
  /** `origin`: where the Worker was reached, remembered for alert links. */
  status(origin?: string): Promise<StoredStatus>
  /** True the first time a webhook id is seen, false for every replay. */
  claimWebhookId(id: string, now: number): Promise<boolean>
  sourceNames(): Promise<SourceNames[]>
  /** Acknowledge, unacknowledge or snooze an alert. */
  alertAction(input: AlertActionInput & { origin?: string }): Promise<ActionOutcome>
  /** Each channel's policy, what waits and its delivery log; never a secret. */
  alertChannels(): Promise<ChannelsResponse>
  /** Sends a channel's test message now; the attempt as logged, null for an unknown channel. */
  testChannel(channelId: string, origin?: string): Promise<DeliveryLogEntry | null>
  /** Monotonic counters for /metrics. */
  counters(): Promise<{ refreshes: number; notificationsSent: number }>

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

// The coordinator Durable Object (SQLite storage backend, included in the Workers Free plan):
// one instance for the whole deployment, named COORDINATOR_NAME. It hosts CoordinatorCore over
// its SQLite database and runs passes from its alarm, each alarm an invocation with its own
// subrequest budget — so a round the budget splits continues until nothing is left — and the
// alert work that is due without new data (deliveries, retries, reminders).
import { DurableObject } from 'cloudflare:workers'
import type { ChannelsResponse, DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import type { ActivityResponse, GuestHistoryResponse } from '../../shared/schema/history.ts'
import type { Env } from '../env.ts'
import type { StoredBackup } from '../history/types.ts'
import type { SourceNames } from '../hooks/source-match.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { RefreshReport } from '../refresh.ts'
import type { ActionOutcome, AlertActionInput, CoordinatorApi } from './client.ts'
import { CoordinatorCore, type TriggerInput, type TriggerResult } from './core.ts'
import { createSqliteState } from './sqlite-state.ts'
import type { StoredStatus } from './state.ts'

export class Coordinator extends DurableObject<Env> implements CoordinatorApi {
  private readonly core: CoordinatorCore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    // Migrations are synchronous SQLite work: nothing else can run before they finish.
    this.core = new CoordinatorCore(createSqliteState(ctx.storage), (at) =>
      ctx.storage.setAlarm(at),
    )
  }

  trigger(input: TriggerInput): Promise<TriggerResult> {
    return this.core.trigger(this.env, input)
  }

  refreshNow(input: TriggerInput): Promise<RefreshReport | null> {
    return this.core.refreshNow(this.env, input)
  }

  async status(origin?: string): Promise<StoredStatus> {
    return this.core.status(origin)
  }

  claimWebhookId(id: string, now: number): Promise<boolean> {
    return this.core.claimWebhookId(id, now)
  }

  async sourceNames(): Promise<SourceNames[]> {
    return this.core.sourceNames(this.env)
  }

  alertAction(input: AlertActionInput & { origin?: string }): Promise<ActionOutcome> {
    return this.core.alertAction(this.env, input)
  }

  async alertChannels(): Promise<ChannelsResponse> {
    return this.core.alertChannels(this.env)
  }

  testChannel(channelId: string, origin?: string): Promise<DeliveryLogEntry | null> {
    return this.core.testChannel(this.env, channelId, origin)
  }

  async counters(): Promise<{ refreshes: number; notificationsSent: number }> {
    return this.core.counters()
  }

  // ---- History (functions/history/) ----

  async guestHistory(key: string, days: number | null): Promise<GuestHistoryResponse | null> {
    return this.core.guestHistory(this.env, key, days)
  }

  async activity(days: number, timeZone: string): Promise<ActivityResponse> {
    return this.core.activity(days, timeZone)
  }

  async usageHistory(keys: string[], since: number): Promise<UsageSample[]> {
    return this.core.usageHistory(keys, since)
  }

  async newestBackups(): Promise<StoredBackup[]> {
    return this.core.newestBackups()
  }

  replay(at: number): Promise<RefreshReport | null> {
    return this.core.replay(this.env, at)
  }

  override async alarm(): Promise<void> {
    await this.core.alarm(this.env)
  }
}

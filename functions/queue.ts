// Fan-out through Cloudflare Queues, for fleets one invocation cannot refresh within its limits:
// the cron sends one message per source, and each message is one invocation running the same
// refresh() for that source (its own subrequest budget). Run the consumer with
// max_concurrency = 1 so two sources never write the guest index at the same time (KV has no
// transactions). Without a PULSE_QUEUE binding the cron refreshes everything itself and work
// left over continues on the next tick (deferred units).
import { type Config, readConfig } from './config.ts'
import type { Env } from './env.ts'
import { type RefreshMessage, RefreshMessageSchema } from './queue-message.ts'
import { refresh } from './refresh.ts'

export type { RefreshMessage } from './queue-message.ts'

/** Stop chasing a source whose work never shrinks (a bug upstream, not a big fleet). */
export const MAX_CONTINUATIONS = 50
const SEND_BATCH_LIMIT = 100
const RETRY_DELAY_SECONDS = 60

export async function enqueueRefresh(
  queue: Queue<RefreshMessage>,
  config: Config,
  reason: string,
  now: number,
): Promise<number> {
  const messages = config.sources.map((s) => ({
    body: { sourceId: s.id, reason, requestedAt: now, hop: 0 },
  }))
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    await queue.sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT))
  }
  return messages.length
}

export interface QueueRunReport {
  refreshed: string[]
  continued: string[]
  dropped: number
  retried: number
}

export async function consumeRefreshBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
): Promise<QueueRunReport> {
  const report: QueueRunReport = { refreshed: [], continued: [], dropped: 0, retried: 0 }
  const config = readConfig(env)
  const known = new Set(config.sources.map((s) => s.id))
  // Sequential on purpose: each refresh reads and rewrites the index.
  for (const message of batch.messages) {
    const parsed = RefreshMessageSchema.safeParse(message.body)
    if (!parsed.success || !known.has(parsed.data.sourceId)) {
      // Retrying cannot make a malformed message or a removed source valid.
      console.warn(
        `queue: dropped message ${message.id}: ${parsed.success ? `unknown source ${parsed.data.sourceId}` : 'not a refresh message'}`,
      )
      report.dropped += 1
      message.ack()
      continue
    }
    const body = parsed.data
    try {
      const result = await refresh(env, {
        now: nowSeconds(),
        reason: `${body.reason} (queue)`,
        sourceIds: [body.sourceId],
        subrequestBudget: config.refresh.subrequestBudget,
        continuation: body.hop > 0,
      })
      if (result.storeError) {
        // What was collected could not be stored; a later attempt may succeed.
        console.error(`queue: refresh of ${body.sourceId} not stored: ${result.storeError}`)
        report.retried += 1
        message.retry({ delaySeconds: RETRY_DELAY_SECONDS })
        continue
      }
      report.refreshed.push(body.sourceId)
      if (result.deferred > 0 && env.PULSE_QUEUE && body.hop < MAX_CONTINUATIONS) {
        await env.PULSE_QUEUE.send({ ...body, hop: body.hop + 1 })
        report.continued.push(body.sourceId)
      }
      message.ack()
    } catch (error) {
      // refresh() keeps per-source and storage failures inside its report; reaching here is
      // unexpected (e.g. reading KV failed), and a later attempt may not meet it.
      console.error(
        `queue: refresh of ${body.sourceId} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      )
      report.retried += 1
      message.retry({ delaySeconds: RETRY_DELAY_SECONDS })
    }
  }
  return report
}

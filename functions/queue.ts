// Fan-out through Cloudflare Queues (optional): the cron sends one message per source, and each
// message is one invocation in which the coordinator refreshes that source with the whole
// subrequest budget. The coordinator serializes passes, so consumers may run concurrently; work
// a pass defers continues in the coordinator's alarm. Without a PULSE_QUEUE binding the cron
// asks the coordinator directly.
import { type Config, readConfig } from './config.ts'
import { coordinator } from './coordinator/client.ts'
import type { Env } from './env.ts'
import { type RefreshMessage, RefreshMessageSchema } from './queue-message.ts'

export type { RefreshMessage } from './queue-message.ts'

const SEND_BATCH_LIMIT = 100
const RETRY_DELAY_SECONDS = 60

export async function enqueueRefresh(
  queue: Queue<RefreshMessage>,
  config: Config,
  reason: string,
  now: number,
): Promise<number> {
  const messages = config.sources.map((s) => ({
    body: { sourceId: s.id, reason, requestedAt: now },
  }))
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    await queue.sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT))
  }
  return messages.length
}

export interface QueueRunReport {
  refreshed: string[]
  dropped: number
  retried: number
}

export async function consumeRefreshBatch(
  batch: MessageBatch<unknown>,
  env: Env,
): Promise<QueueRunReport> {
  const report: QueueRunReport = { refreshed: [], dropped: 0, retried: 0 }
  const known = new Set(readConfig(env).sources.map((s) => s.id))
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
      const result = await coordinator(env).refreshNow({
        sourceIds: [body.sourceId],
        reason: `${body.reason} (queue)`,
      })
      if (result?.storeError) {
        // What was collected could not be stored; a later attempt may succeed.
        console.error(`queue: refresh of ${body.sourceId} not stored: ${result.storeError}`)
        report.retried += 1
        message.retry({ delaySeconds: RETRY_DELAY_SECONDS })
        continue
      }
      report.refreshed.push(body.sourceId)
      message.ack()
    } catch (error) {
      // The coordinator keeps per-source and storage failures inside its report; reaching here
      // is unexpected (e.g. the coordinator was unreachable), and a later attempt may not be.
      console.error(
        `queue: refresh of ${body.sourceId} failed: ${error instanceof Error ? error.message : 'unknown error'}`,
      )
      report.retried += 1
      message.retry({ delaySeconds: RETRY_DELAY_SECONDS })
    }
  }
  return report
}

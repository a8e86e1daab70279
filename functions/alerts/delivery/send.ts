// The API the coordinator calls: sendDigest(channel, digest, ctx) makes one attempt and says
// how it went, never throwing and never letting a secret through; sendAll sends a batch in
// parallel, so one channel's failure or slowness never holds up another.
import { type ChannelConfig, channelSecretValues } from '../../config/channels.ts'
import { SENDERS } from '../channels/index.ts'
import type { Digest } from '../message.ts'
import { shortError } from './classify.ts'
import type { SendContext } from './context.ts'
import { type DeliveryOutcome, type DeliveryResult, failed } from './outcome.ts'
import { redact } from './redact.ts'

/** Redacted first, then cut: the order matters (classify.ts shortError). */
function withoutSecrets(outcome: DeliveryOutcome, secrets: readonly string[]): DeliveryOutcome {
  return outcome.status === 'sent'
    ? outcome
    : { ...outcome, error: shortError(redact(outcome.error, secrets)) }
}

export async function sendDigest(
  channel: ChannelConfig,
  digest: Digest,
  ctx: SendContext,
): Promise<DeliveryResult> {
  // The table ties each sender to its own type; TypeScript cannot follow that through a
  // lookup by `channel.type` (a correlated union), hence the widening.
  const send = SENDERS[channel.type] as unknown as (
    channel: ChannelConfig,
    digest: Digest,
    ctx: SendContext,
  ) => Promise<DeliveryOutcome>
  let outcome: DeliveryOutcome
  try {
    outcome = await send(channel, digest, ctx)
  } catch (error) {
    // A message that cannot be built now cannot be built on a retry either.
    const message = error instanceof Error ? error.message : String(error)
    outcome = failed(`could not build the message: ${message}`)
  }
  return {
    channelId: channel.id,
    messageId: digest.messageId,
    at: ctx.now,
    outcome: withoutSecrets(outcome, channelSecretValues(channel)),
  }
}

export interface SendTarget {
  channel: ChannelConfig
  digest: Digest
}

/** One attempt per target, all at once; results in the targets' order. */
export function sendAll(
  targets: readonly SendTarget[],
  ctx: SendContext,
): Promise<DeliveryResult[]> {
  return Promise.all(targets.map(({ channel, digest }) => sendDigest(channel, digest, ctx)))
}

// A channel sends one digest in its receiver's format and reports the outcome; it never
// throws for a receiver's sake (sendDigest catches the rest) and decides nothing about alerts.

import type { ChannelType } from '../../config/channel-options.ts'
import type { ChannelOf } from '../../config/channels.ts'
import type { SendContext } from '../delivery/context.ts'
import type { DeliveryOutcome } from '../delivery/outcome.ts'
import type { Digest } from '../message.ts'

export type ChannelSender<T extends ChannelType> = (
  channel: ChannelOf<T>,
  digest: Digest,
  ctx: SendContext,
) => Promise<DeliveryOutcome>

// Every channel type's sender, by type: the one table delivery dispatches on.
import type { ChannelType } from '../../config/channel-options.ts'
import { sendApprise } from './apprise.ts'
import type { ChannelSender } from './channel.ts'
import { sendDiscord } from './discord.ts'
import { sendEmail } from './email.ts'
import { sendGotify } from './gotify.ts'
import { sendNtfy } from './ntfy.ts'
import { sendPushover } from './pushover.ts'
import { sendSlack } from './slack.ts'
import { sendTeams } from './teams.ts'
import { sendTelegram } from './telegram.ts'
import { sendWebhook } from './webhook.ts'

export const SENDERS: { [T in ChannelType]: ChannelSender<T> } = {
  ntfy: sendNtfy,
  discord: sendDiscord,
  slack: sendSlack,
  teams: sendTeams,
  telegram: sendTelegram,
  gotify: sendGotify,
  pushover: sendPushover,
  webhook: sendWebhook,
  email: sendEmail,
  apprise: sendApprise,
}

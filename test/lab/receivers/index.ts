// Every simulated receiver under one base URL, `<base>/<receiver>/…`, with fake secrets and the
// Worker settings (PULSE_ALERT_CHANNELS and PULSE_CHANNEL_* secrets) that point a channel of
// each HTTP type at them. `fetch` serves them in-process (Node or workerd tests); server.ts
// serves the same over loopback for `npm run dev` and end-to-end tests.
import { createAppriseReceiver } from './apprise.ts'
import { createDiscordReceiver } from './discord.ts'
import { createGotifyReceiver } from './gotify.ts'
import { createNtfyReceiver } from './ntfy.ts'
import { createPushoverReceiver } from './pushover.ts'
import type { Receiver } from './receiver.ts'
import { createSlackReceiver } from './slack.ts'
import { createTeamsReceiver } from './teams.ts'
import { createTelegramReceiver } from './telegram.ts'
import { createWebhookReceiver } from './webhook.ts'

/** Fake secrets, shaped like the real ones (lengths, alphabets), for the lab's receivers. */
export const LAB_RECEIVER_SECRETS = {
  ntfyTopic: 'pulse-lab-topic-4f1c9e2a',
  ntfyToken: 'tk_lab0ntfy0token0a1b2c3d4e5f6g7',
  discordId: '1234567890123456789',
  discordToken: 'lab-discord-Tok3n_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8',
  slackPath: '/services/T0LAB0TEAM/B0LAB0HOOK/labSlackSecret0a1b2c3d4e5',
  teamsPath:
    '/workflows/0lab0flow/triggers/manual/paths/invoke?api-version=1&sig=labTeamsSig0a1b2c3d4e5f6a7b8c9',
  telegramToken: '123456789:AAlab-Telegram_Token0a1b2c3d4e5f6a7b8',
  gotifyToken: 'AlabGotifyTok0a1',
  pushoverToken: 'alabpushoverapptoken0a1b2c3d4e',
  pushoverUser: 'ulabpushoveruserkey0a1b2c3d4e5',
  webhookPath: '/hooks/pulse-lab-0a1b2c3d',
  webhookSecret: `whsec_${btoa('lab-webhook-signing-key-0a1b2c3d4e5f')}`,
  appriseKey: 'pulse-lab',
} as const

export interface LabReceivers {
  base: string
  ntfy: Receiver
  discord: Receiver
  slack: Receiver
  teams: Receiver
  telegram: Receiver
  gotify: Receiver
  pushover: Receiver
  webhook: ReturnType<typeof createWebhookReceiver>
  apprise: Receiver
  all: Receiver[]
  /** Serves the receivers; any other URL fails like a network error. */
  fetch: typeof fetch
  reset(): void
}

export function createLabReceivers(
  base = 'http://receivers.lab',
  options: { now?: () => number } = {},
): LabReceivers {
  const origin = new URL(base).origin
  const s = LAB_RECEIVER_SECRETS
  const at = (name: string) => `${new URL(base).pathname.replace(/\/+$/, '')}/${name}`
  const receivers = {
    ntfy: createNtfyReceiver(at('ntfy'), { token: s.ntfyToken }),
    discord: createDiscordReceiver(at('discord'), { id: s.discordId, token: s.discordToken }),
    slack: createSlackReceiver(at('slack'), { path: s.slackPath }),
    teams: createTeamsReceiver(at('teams'), { path: s.teamsPath }),
    telegram: createTelegramReceiver(at('telegram'), { token: s.telegramToken }),
    gotify: createGotifyReceiver(at('gotify'), { token: s.gotifyToken }),
    pushover: createPushoverReceiver(at('pushover'), {
      token: s.pushoverToken,
      user: s.pushoverUser,
    }),
    webhook: createWebhookReceiver(at('webhook'), {
      path: s.webhookPath,
      secret: s.webhookSecret,
      ...(options.now ? { now: options.now } : {}),
    }),
    apprise: createAppriseReceiver(at('apprise'), { keys: [s.appriseKey] }),
  }
  const all = Object.values(receivers) as Receiver[]
  const fetchReceivers = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    const receiver = all.find(
      (r) =>
        url.origin === origin &&
        (url.pathname === at(r.name) || url.pathname.startsWith(`${at(r.name)}/`)),
    )
    if (!receiver)
      throw new TypeError(`fetch failed: no lab receiver at ${url.origin}${url.pathname}`)
    // As a real fetch: an aborted request stops waiting for the (slow) answer.
    const { signal } = request
    if (signal.aborted) throw signal.reason
    return Promise.race([
      receiver.handle(request),
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      ),
    ])
  }) as typeof fetch
  return {
    base,
    ...receivers,
    all,
    fetch: fetchReceivers,
    reset: () => {
      for (const r of all) r.reset()
    },
  }
}

/**
 * Worker settings with one channel of every HTTP type pointed at receivers under `base`
 * (ids: the type's name), and the fake secrets they need.
 */
export function labChannelVars(
  base: string,
  extra: Record<string, unknown>[] = [],
): Record<string, string> {
  const s = LAB_RECEIVER_SECRETS
  const root = base.replace(/\/+$/, '')
  const channels = [
    { id: 'ntfy', type: 'ntfy', tags: ['floppy_disk'] },
    { id: 'discord', type: 'discord' },
    { id: 'slack', type: 'slack' },
    { id: 'teams', type: 'teams' },
    { id: 'telegram', type: 'telegram', chatId: -1001234567890, apiUrl: `${root}/telegram` },
    { id: 'gotify', type: 'gotify', url: `${root}/gotify` },
    { id: 'pushover', type: 'pushover', apiUrl: `${root}/pushover` },
    { id: 'webhook', type: 'webhook' },
    { id: 'apprise', type: 'apprise', url: `${root}/apprise`, key: s.appriseKey, tags: ['pulse'] },
    ...extra,
  ]
  return {
    PULSE_ALERT_CHANNELS: JSON.stringify(channels),
    PULSE_CHANNEL_NTFY_URL: `${root}/ntfy/${s.ntfyTopic}`,
    PULSE_CHANNEL_NTFY_TOKEN: s.ntfyToken,
    PULSE_CHANNEL_DISCORD_URL: `${root}/discord/api/webhooks/${s.discordId}/${s.discordToken}`,
    PULSE_CHANNEL_SLACK_URL: `${root}/slack${s.slackPath}`,
    PULSE_CHANNEL_TEAMS_URL: `${root}/teams${s.teamsPath}`,
    PULSE_CHANNEL_TELEGRAM_TOKEN: s.telegramToken,
    PULSE_CHANNEL_GOTIFY_TOKEN: s.gotifyToken,
    PULSE_CHANNEL_PUSHOVER_TOKEN: s.pushoverToken,
    PULSE_CHANNEL_PUSHOVER_USER: s.pushoverUser,
    PULSE_CHANNEL_WEBHOOK_URL: `${root}/webhook${s.webhookPath}`,
    PULSE_CHANNEL_WEBHOOK_SECRET: s.webhookSecret,
  }
}

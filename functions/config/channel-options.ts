// The non-secret options of each notification channel type in PULSE_ALERT_CHANNELS, and the
// secrets each type needs (read from PULSE_CHANNEL_<ID>_<NAME>: channels.ts). Every entry also
// takes the engine's delivery policy (minSeverity, rules, maxPerHour, quietHours,
// quietCriticalBypass: alert-policy.ts). Limits and ranges are the receivers' own (README
// "Notification channels" cites each).
import * as z from 'zod'
import { ChannelPolicyShape } from './alert-policy.ts'

export const CHANNEL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/
/** A Worker binding's name, as wrangler accepts it and as the Env type names secrets. */
const BINDING_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/
/** One address, no display name: what Email Routing's EmailMessage takes as envelope from/to. */
const ADDRESS_PATTERN =
  /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/

/** An http(s) URL without credentials: anything that authenticates belongs in a secret. */
export function isPlainHttpUrl(value: string): boolean {
  if (!/^https?:\/\/[^\s/]+/.test(value) || !URL.canParse(value)) return false
  const url = new URL(value)
  return url.username === '' && url.password === ''
}

const serverUrl = z
  .string({ error: 'must be an http(s) URL' })
  .refine(isPlainHttpUrl, {
    error: 'must be an http(s) URL without a user name or password (those go in a secret)',
  })
  .transform((value) => value.replace(/\/+$/, ''))

function priorities(min: number, max: number, defaults: Record<PriorityLevel, number>) {
  const message = `must be a whole number from ${min} to ${max}`
  const level = (value: number) =>
    z
      .number({ error: message })
      .int({ error: message })
      .min(min, { error: message })
      .max(max, {
        error: message,
      })
      .default(value)
  return z
    .strictObject({
      warning: level(defaults.warning),
      critical: level(defaults.critical),
      resolved: level(defaults.resolved),
    })
    .prefault({})
}

/** Which priority a digest is sent with: its most urgent event (message.ts → text.ts). */
export type PriorityLevel = 'warning' | 'critical' | 'resolved'

const common = {
  id: z.string({ error: 'must be text' }).regex(CHANNEL_ID_PATTERN, {
    error: 'must be 1-32 lowercase letters, digits or dashes',
  }),
  /** Shown in the delivery log and the page; the id when unset. */
  name: z.string({ error: 'must be text' }).min(1).max(64).optional(),
  ...ChannelPolicyShape,
}

const tag = z.string({ error: 'must be text' }).min(1).max(64)

export const ChannelSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      ...common,
      type: z.literal('ntfy'),
      // ntfy priorities: 1 min … 3 default … 5 max (docs.ntfy.sh/publish "Message priority").
      priority: priorities(1, 5, { warning: 3, critical: 5, resolved: 2 }),
      /** Added to the severity's own tag (warning, rotating_light, white_check_mark). */
      tags: z.array(tag).max(5).default([]),
    }),
    z.strictObject({
      ...common,
      type: z.literal('discord'),
      // Webhook names: up to 80 characters, not containing "clyde" or "discord" (Create Webhook).
      username: z
        .string({ error: 'must be text' })
        .min(1)
        .max(80)
        .refine((name) => !/clyde|discord/i.test(name), {
          error: 'must not contain "clyde" or "discord" (Discord refuses such names)',
        })
        .default('Pulse Edge'),
    }),
    z.strictObject({ ...common, type: z.literal('slack') }),
    z.strictObject({ ...common, type: z.literal('teams') }),
    z.strictObject({
      ...common,
      type: z.literal('telegram'),
      /** A chat id (a number, negative for groups) or `@channelusername`. */
      chatId: z.union([z.int(), z.string().regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/)], {
        error: 'must be a chat id (a whole number) or "@channelusername"',
      }),
      /** A forum topic of the chat. */
      messageThreadId: z.int({ error: 'must be a whole number' }).positive().optional(),
      /** A local Bot API server (core.telegram.org/bots/api "Using a Local Bot API Server"). */
      apiUrl: serverUrl.default('https://api.telegram.org'),
    }),
    z.strictObject({
      ...common,
      type: z.literal('gotify'),
      /** The Gotify server, e.g. https://gotify.example.com. */
      url: serverUrl,
      // Gotify's Android client: 0 silent, 1-3 low, 4-7 sound, 8-10 high.
      priority: priorities(0, 10, { warning: 5, critical: 8, resolved: 2 }),
    }),
    z.strictObject({
      ...common,
      type: z.literal('pushover'),
      // Pushover: -2 lowest … 0 normal … 1 high … 2 emergency (repeats until acknowledged).
      priority: priorities(-2, 2, { warning: 0, critical: 1, resolved: -1 }),
      /** Only these of the user's devices (comma-separated names); all when unset. */
      device: z
        .string({ error: 'must be text' })
        .regex(/^[A-Za-z0-9_,-]{1,128}$/)
        .optional(),
      apiUrl: serverUrl.default('https://api.pushover.net'),
    }),
    z.strictObject({ ...common, type: z.literal('webhook') }),
    z.strictObject({
      ...common,
      type: z.literal('email'),
      /** The `send_email` binding in wrangler.toml (README "E-mail"). */
      binding: z
        .string({ error: 'must be text' })
        .regex(BINDING_PATTERN, { error: 'must be a binding name such as PULSE_EMAIL' })
        .default('PULSE_EMAIL'),
      from: z.string({ error: 'must be an e-mail address' }).regex(ADDRESS_PATTERN, {
        error: 'must be one e-mail address (user@example.com) on a domain with Email Routing',
      }),
      to: z.string({ error: 'must be an e-mail address' }).regex(ADDRESS_PATTERN, {
        error: 'must be one e-mail address, verified in Email Routing',
      }),
      /** Display name of the sender. */
      fromName: z.string({ error: 'must be text' }).min(1).max(64).default('Pulse Edge'),
    }),
    z.strictObject({
      ...common,
      type: z.literal('apprise'),
      /** The Apprise API server, e.g. http://apprise.lan:8000. */
      url: serverUrl,
      /** A saved configuration (`POST /notify/{key}`); unset = the stateless `POST /notify`. */
      key: z
        .string({ error: 'must be text' })
        .regex(/^[A-Za-z0-9_-]{1,128}$/, {
          error: 'must be 1-128 letters, digits, "_" or "-" (Apprise API keys)',
        })
        .optional(),
      /** Only the URLs with one of these tags (Apprise joins a comma-separated list with OR). */
      tags: z
        .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
        .max(10)
        .default([]),
    }),
  ],
  {
    error:
      'must have a "type": ntfy, discord, slack, teams, telegram, gotify, pushover, webhook, email or apprise',
  },
)

export type ChannelSettings = z.output<typeof ChannelSchema>
export type ChannelType = ChannelSettings['type']

/**
 * The secrets of each type, by the last part of their name (PULSE_CHANNEL_<ID>_<NAME>). A URL
 * secret is a whole URL that embeds a token (webhooks), or an ntfy topic URL: "the topic is
 * essentially a password" (docs.ntfy.sh/publish).
 */
export const CHANNEL_SECRETS = {
  ntfy: { required: ['URL'], optional: ['TOKEN'] },
  discord: { required: ['URL'], optional: [] },
  slack: { required: ['URL'], optional: [] },
  teams: { required: ['URL'], optional: [] },
  telegram: { required: ['TOKEN'], optional: [] },
  gotify: { required: ['TOKEN'], optional: [] },
  pushover: { required: ['TOKEN', 'USER'], optional: [] },
  webhook: { required: ['URL', 'SECRET'], optional: [] },
  email: { required: [], optional: [] },
  apprise: { required: [], optional: [] },
} as const satisfies Record<
  ChannelType,
  { required: readonly string[]; optional: readonly string[] }
>

export type SecretName = 'URL' | 'TOKEN' | 'USER' | 'SECRET'

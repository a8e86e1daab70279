// A channel's delivery policy as configured: routing, hourly cap and quiet hours. The channel
// entries of the channels' configuration embed these fields (`...ChannelPolicyShape`), so each
// channel is written in one object; the engine's digest reads the resulting ChannelPolicy.
import * as z from 'zod'
import { ALERT_RULES } from '../../shared/schema/alerts.ts'
import { parseDailyWindow } from '../alerts/daily-window.ts'
import { type ChannelPolicy, DEFAULT_MAX_PER_HOUR } from '../alerts/digest.ts'

const WINDOW_MESSAGE =
  'must be "HH:MM-HH:MM" with an optional IANA time zone, e.g. "22:00-07:00 Europe/Berlin"'

export const ChannelPolicyShape = {
  /** Only alerts of at least this severity (a resolve follows the severity that was told). */
  minSeverity: z
    .enum(['warning', 'critical'], { error: 'must be "warning" or "critical"' })
    .default('warning'),
  /** Only these rules (README "Alerts"); unset = all. */
  rules: z.array(z.enum(ALERT_RULES, { error: 'must name a rule' })).optional(),
  /** Digests per rolling hour; 0 = no cap. */
  maxPerHour: z
    .number({ error: 'must be a whole number, 0 or more' })
    .int({ error: 'must be a whole number, 0 or more' })
    .min(0, { error: 'must be a whole number, 0 or more' })
    .default(DEFAULT_MAX_PER_HOUR),
  /** e.g. "22:00-07:00 Europe/Berlin": events wait until it ends. */
  quietHours: z
    .string({ error: WINDOW_MESSAGE })
    .refine((text) => parseDailyWindow(text) !== null, { error: WINDOW_MESSAGE })
    .optional(),
  /** Critical events go out during quiet hours too. */
  quietCriticalBypass: z.boolean({ error: 'must be true or false' }).default(true),
}

const PolicySchema = z.object(ChannelPolicyShape)
export type ChannelPolicySettings = z.output<typeof PolicySchema>

export function channelPolicy(id: string, settings: ChannelPolicySettings): ChannelPolicy {
  return {
    id,
    minSeverity: settings.minSeverity,
    rules: settings.rules ?? null,
    maxPerHour: settings.maxPerHour,
    quietHours: settings.quietHours === undefined ? null : parseDailyWindow(settings.quietHours),
    quietCriticalBypass: settings.quietCriticalBypass,
  }
}

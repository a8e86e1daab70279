// A channel's `report` option in PULSE_ALERT_CHANNELS: a scheduled report of the fleet's state
// (README "Notification channels", "Scheduled reports"), off unless set:
//   "report": { "every": "daily", "at": "08:00", "timeZone": "Europe/Berlin" }
//   "report": { "every": "weekly", "weekday": "mon", "at": "07:30" }
// Read apart from the channel's other options: a bad report setting is named by field and the
// channel works on without a report (channels.ts).
import * as z from 'zod'
import { isTimeZone } from '../history/time-zone.ts'
import { type ReportSchedule, WEEKDAYS } from '../reports/schedule.ts'

const AT_MESSAGE = 'must be a time of day, "HH:MM" (00:00-23:59)'

export const ReportScheduleSchema = z
  .strictObject({
    every: z.enum(['daily', 'weekly'], { error: 'must be "daily" or "weekly"' }),
    at: z
      .string({ error: AT_MESSAGE })
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: AT_MESSAGE })
      .default('08:00'),
    /** Weekly reports only; Monday when unset. */
    weekday: z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }).optional(),
    /** Default: the time zone of the channel's quiet hours, else UTC. */
    timeZone: z
      .string({ error: 'must be an IANA time zone such as "Europe/Berlin"' })
      .refine(isTimeZone, { error: 'must be an IANA time zone such as "Europe/Berlin"' })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.every === 'daily' && value.weekday !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['weekday'],
        message: 'is for a weekly report only (set "every": "weekly")',
      })
    }
  })

export type ReportSettings = z.output<typeof ReportScheduleSchema>

export function reportSchedule(settings: ReportSettings, defaultTimeZone: string): ReportSchedule {
  const [h, m] = settings.at.split(':').map(Number)
  return {
    every: settings.every,
    at: (h ?? 0) * 60 + (m ?? 0),
    weekday: settings.weekday ?? 'mon',
    timeZone: settings.timeZone ?? defaultTimeZone,
  }
}

// A scheduled report as a Digest, so it goes out through the alert channels' own delivery
// (persisted before sending, retried with backoff, logged, counted). Its message id is the
// channel and the scheduled time: a retry or a restart re-sends the same message, and a
// receiver that drops repeats (Standard Webhooks' webhook-id, the e-mail Message-ID) sees one.
import type { Digest, ReportSummary } from '../alerts/message.ts'
import type { FleetReport } from './fleet-report.ts'

export const NO_DATA_TEXT = 'no data collected yet'

export interface ReportDigestInput {
  channelId: string
  every: ReportSummary['every']
  scheduledAt: number
  now: number
  /** Null when nothing has been published yet. */
  report: FleetReport | null
  /** Absolute URL of the dashboard. */
  dashboardLink: string
  firing: Digest['firing']
}

export function reportMessageId(channelId: string, scheduledAt: number): string {
  return `${channelId}:report:${scheduledAt}`
}

export function reportDigest(input: ReportDigestInput): Digest {
  const { report } = input
  const summary: ReportSummary = report
    ? {
        every: input.every,
        scheduledAt: input.scheduledAt,
        text: report.text,
        parts: [...report.parts],
        guests: report.guests,
        fresh: report.fresh,
        missed: report.missed,
        never: report.never,
        failedJobs: [...report.failedJobs],
        stores: report.stores.map((s) => ({ ...s })),
        hasData: true,
      }
    : {
        every: input.every,
        scheduledAt: input.scheduledAt,
        text: NO_DATA_TEXT,
        parts: [NO_DATA_TEXT],
        guests: 0,
        fresh: 0,
        missed: 0,
        never: 0,
        failedJobs: [],
        stores: [],
        hasData: false,
      }
  return {
    messageId: reportMessageId(input.channelId, input.scheduledAt),
    channelId: input.channelId,
    at: input.now,
    events: [],
    dashboardLink: input.dashboardLink,
    firing: input.firing,
    report: summary,
  }
}

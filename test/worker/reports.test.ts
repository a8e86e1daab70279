// Scheduled reports end to end, inside workerd: every channel of the lab configured with a
// daily report at 11:00 Berlin (09:00 UTC in June), the lab refreshed at 08:00 UTC, the clock
// moved past the report time. Each receiver gets exactly one report, its counts those of the
// dashboard's own API; a second alarm, a later refresh or a restart sends no second one; a
// receiver's failure is retried with the same message id and sent once; the channels API tells
// the next report time.
import { describe, expect, it } from 'vitest'
import { labChannelVars } from '../lab/receivers/index.ts'
import type { Receiver } from '../lab/receivers/receiver.ts'
import { type AlertLab, createAlertLab, LAB_START, RECEIVERS_BASE } from './alerts-lab.ts'

const HOUR = 3_600
/** 2026-06-10 11:00 in Berlin (CEST). */
const REPORT_AT = LAB_START + HOUR
const TITLE = 'Pulse Edge daily report'

function reportVars(report: Record<string, unknown>): Record<string, string> {
  const channels = JSON.parse(
    labChannelVars(RECEIVERS_BASE).PULSE_ALERT_CHANNELS ?? '[]',
  ) as Record<string, unknown>[]
  return { PULSE_ALERT_CHANNELS: JSON.stringify(channels.map((c) => ({ ...c, report }))) }
}

const DAILY = { every: 'daily', at: '11:00', timeZone: 'Europe/Berlin' }

/** The messages a receiver accepted that are reports (by their title). */
const reports = (r: Receiver) => r.accepted.filter((m) => JSON.stringify(m).includes(TITLE))
const reportCounts = (lab: AlertLab) =>
  Object.fromEntries(lab.receivers.all.map((r) => [r.name, reports(r).length]))
const each = (lab: AlertLab, n: number) =>
  Object.fromEntries(lab.receivers.all.map((r) => [r.name, n]))

interface ReportData {
  messageId: string
  scheduledAt: number
  text: string
  guests: number
  fresh: number
  missed: number
  never: number
  failedJobs: string[]
}

const webhookReports = (lab: AlertLab) =>
  (lab.receivers.webhook.accepted as { type: string; data: ReportData }[]).filter(
    (m) => m.type === 'report',
  )

async function startedLab(vars = reportVars(DAILY)) {
  const lab = createAlertLab({ vars })
  await lab.refresh()
  lab.receivers.reset()
  return lab
}

describe('a daily report', () => {
  it('reaches every receiver once at its time, with the counts the dashboard shows', async () => {
    const lab = await startedLab()
    // Before its time: nothing (the alerts of the first refresh went out before the reset).
    await lab.advance(HOUR - 60)
    expect(reportCounts(lab)).toEqual(each(lab, 0))
    const notifications = lab.core.counters().notificationsSent

    await lab.advance(120)
    expect(lab.receivers.all.flatMap((r) => r.rejected)).toEqual([])
    expect(reportCounts(lab)).toEqual(each(lab, 1))
    expect(lab.core.counters().notificationsSent).toBe(notifications + lab.receivers.all.length)

    // The figures are the dashboard's: its guest index and its jobs.
    const index = (await (await lab.request('/api/guests')).json()) as {
      guests: {
        template: boolean
        latestBackupTime: number | null
        schedule: { state: string } | null
      }[]
    }
    const guests = index.guests.filter((g) => !g.template)
    const jobs = (await (await lab.request('/api/jobs')).json()) as {
      pve: { key: string; lastRun: { outcome: string } | null }[]
      pbs: { key: string; outcome: string | null }[]
    }
    const failed = [
      ...jobs.pve.filter((j) => j.lastRun?.outcome === 'failed').map((j) => j.key),
      ...jobs.pbs.filter((j) => j.outcome === 'failed').map((j) => j.key),
    ].sort()
    const [report] = webhookReports(lab)
    expect(report?.data).toMatchObject({
      messageId: `webhook:report:${REPORT_AT}`,
      scheduledAt: REPORT_AT,
      guests: guests.length,
      missed: guests.filter((g) => g.schedule?.state === 'missed').length,
      never: guests.filter((g) => g.latestBackupTime === null).length,
      failedJobs: failed,
    })
    expect(guests.length).toBeGreaterThan(0)
    expect(report?.data.text).toMatch(
      new RegExp(`^${report?.data.fresh} of ${guests.length} guests fresh`),
    )
    // The demo lab has a guest whose nightly run was skipped: the report says so.
    expect(report?.data.missed).toBeGreaterThan(0)
    expect(report?.data.text).toContain(`${report?.data.missed} missed a scheduled backup`)
    // Every other channel's message says the same line.
    for (const r of lab.receivers.all) {
      expect(JSON.stringify(reports(r)[0]).replace(/\\\\/g, '')).toContain(
        `${report?.data.fresh} of ${guests.length} guests fresh`,
      )
    }
    // The delivery log has it, as any digest.
    const log = lab.state.deliveryLog('slack')
    expect(log[0]).toMatchObject({ messageId: `slack:report:${REPORT_AT}`, status: 'sent' })
  })

  it('is not sent again by a second alarm, a refresh, a restart or the next hours', async () => {
    const lab = await startedLab()
    await lab.advance(HOUR + 60)
    expect(reportCounts(lab)).toEqual(each(lab, 1))
    await lab.settle()
    await lab.core.alarm(lab.env)
    await lab.refresh()
    lab.restart()
    await lab.core.alarm(lab.env)
    await lab.advance(6 * HOUR)
    lab.restart()
    await lab.refresh()
    expect(reportCounts(lab)).toEqual(each(lab, 1))
    expect(lab.receivers.webhook.duplicates).toEqual([])
    // The next day's goes out at its time, once.
    await lab.advance(18 * HOUR)
    expect(reportCounts(lab)).toEqual(each(lab, 2))
    expect(webhookReports(lab).map((m) => m.data.scheduledAt)).toEqual([
      REPORT_AT,
      REPORT_AT + 24 * HOUR,
    ])
  })

  it('a receiver that fails is retried with the same message id and gets the report once', async () => {
    const lab = await startedLab()
    lab.receivers.webhook.script({ status: 503, headers: { 'retry-after': '120' } })
    lab.receivers.slack.script({ status: 500, body: 'boom' })
    await lab.advance(HOUR + 10)
    expect(reports(lab.receivers.webhook)).toHaveLength(0)
    expect(lab.state.deliveryLog('webhook')[0]).toMatchObject({ status: 'retry' })
    // The webhook asked for 2 minutes: not sooner.
    await lab.advance(60)
    expect(lab.receivers.webhook.requests).toHaveLength(1)
    await lab.advance(120)
    expect(reportCounts(lab)).toEqual(each(lab, 1))
    const ids = lab.receivers.webhook.requests.map((r) => r.headers['webhook-id'])
    expect(ids).toEqual([`webhook:report:${REPORT_AT}`, `webhook:report:${REPORT_AT}`])
    expect(lab.state.readDeliveries().filter((d) => d.digest.report)).toEqual([])
  })

  it('the channels API tells the schedule and the next report time', async () => {
    const lab = await startedLab()
    const before = (await (await lab.request('/api/alerts/channels')).json()) as {
      channels: {
        id: string
        report: { every: string; at: string; timeZone: string; next: number } | null
      }[]
    }
    expect(before.channels.find((c) => c.id === 'ntfy')?.report).toEqual({
      every: 'daily',
      at: '11:00',
      weekday: null,
      timeZone: 'Europe/Berlin',
      next: REPORT_AT,
    })
    await lab.advance(HOUR + 60)
    const after = (await (await lab.request('/api/alerts/channels')).json()) as typeof before
    expect(after.channels.find((c) => c.id === 'ntfy')?.report?.next).toBe(REPORT_AT + 24 * HOUR)
  })
})

it('a bad report setting leaves the channels working and sends no report', async () => {
  const lab = createAlertLab({ vars: reportVars({ every: 'daily', at: '11h' }) })
  await lab.refresh()
  // The first refresh's alerts still go out on every channel.
  expect(lab.receivers.all.every((r) => r.accepted.length === 1)).toBe(true)
  lab.receivers.reset()
  await lab.advance(30 * HOUR)
  expect(reportCounts(lab)).toEqual(each(lab, 0))
  const status = (await (await lab.request('/api/status')).json()) as {
    configIssues: { field: string }[]
  }
  expect(status.configIssues.map((i) => i.field)).toContain('PULSE_ALERT_CHANNELS[0].report.at')
})

import { describe, expect, it } from 'vitest'
import { parseDailyWindow } from '../../../../functions/alerts/daily-window.ts'
import {
  buildDigests,
  type ChannelPolicy,
  nextDigestDue,
} from '../../../../functions/alerts/digest.ts'
import { alertsLink } from '../../../../functions/alerts/links.ts'
import type { AlertEvent } from '../../../../functions/alerts/message.ts'
import { type Outbox, OutboxSchema } from '../../../../functions/alerts/state.ts'
import { agedGuest, BASE_URL, Harness, HOUR, input, MINUTE, NOW } from './builders.ts'

const policy = (overrides: Partial<ChannelPolicy> = {}): ChannelPolicy => ({
  id: 'ntfy',
  minSeverity: 'warning',
  rules: null,
  maxPerHour: 6,
  quietHours: null,
  quietCriticalBypass: true,
  ...overrides,
})

let serial = 0
const event = (overrides: Partial<AlertEvent> = {}): AlertEvent => {
  serial += 1
  const alertId = overrides.alertId ?? `age-all:pve-a/${100 + serial}`
  return {
    eventId: `${alertId}#1:fired`,
    alertId,
    kind: 'fired',
    rule: 'age-all',
    severity: 'warning',
    subject: { kind: 'guest', key: alertId.split(':')[1] ?? '', name: 'a guest' },
    summary: 'newest backup is 40h old',
    since: NOW - 4 * HOUR,
    at: NOW,
    link: `${BASE_URL}/?guest=x`,
    ...overrides,
  }
}

const FIRING = { warning: 3, critical: 1 }
const run = (events: AlertEvent[], policies: ChannelPolicy[], outboxes: Outbox[] = [], now = NOW) =>
  buildDigests({
    events,
    policies,
    outboxes,
    firing: FIRING,
    now,
    dashboardLink: alertsLink(BASE_URL),
  })

describe('digest', () => {
  it('carries every event of an evaluation in one message per channel', () => {
    // 40 guests overdue at once.
    const h = new Harness()
    const guests = Array.from({ length: 40 }, (_, i) =>
      agedGuest(50, { guestId: 200 + i, key: `pve-a/${200 + i}` }),
    )
    const events = h.run(input({ guests }), NOW)
    expect(events).toHaveLength(40)
    const { digests } = run(events, [policy(), policy({ id: 'mail' })])
    expect(digests.map((d) => [d.channelId, d.events.length])).toEqual([
      ['ntfy', 40],
      ['mail', 40],
    ])
    expect(digests[0]).toMatchObject({
      at: NOW,
      firing: FIRING,
      dashboardLink: 'https://pulse.example.com/?view=alerts',
    })
    expect(digests[0]?.messageId).not.toBe(digests[1]?.messageId)
  })

  it('sends nothing when nothing happened, and the message id is stable for the same events', () => {
    expect(run([], [policy()]).digests).toEqual([])
    const events = [event(), event()]
    expect(run(events, [policy()]).digests[0]?.messageId).toBe(
      run(events, [policy()]).digests[0]?.messageId,
    )
  })

  it('routes by severity and rule; a resolve follows the severity that was told', () => {
    const events = [
      event({ severity: 'warning' }),
      event({ severity: 'critical', rule: 'store-usage' }),
      event({ kind: 'resolved', severity: 'critical', rule: 'missed' }),
      event({ kind: 'test' }),
    ]
    const { digests } = run(events, [
      policy({ id: 'pager', minSeverity: 'critical' }),
      policy({ id: 'backups', rules: ['missed', 'age-all'] }),
    ])
    expect(digests.map((d) => [d.channelId, d.events.map((e) => `${e.rule} ${e.kind}`)])).toEqual([
      ['pager', ['store-usage fired', 'missed resolved']],
      ['backups', ['age-all fired', 'missed resolved']],
    ])
  })
})

describe('hourly cap', () => {
  it('rolls what exceeds the cap into the first digest the cap allows, dropping nothing', () => {
    const capped = policy({ maxPerHour: 2 })
    let outboxes: Outbox[] = []
    const sent: AlertEvent[][] = []
    const all: AlertEvent[] = []
    for (let i = 0; i < 5; i += 1) {
      const now = NOW + i * 10 * MINUTE
      const fresh = [event({ at: now })]
      all.push(...fresh)
      const result = run(fresh, [capped], outboxes, now)
      outboxes = result.outboxes.map((o) => OutboxSchema.parse(JSON.parse(JSON.stringify(o))))
      sent.push(...result.digests.map((d) => d.events))
    }
    // Two digests in the first hour; the other three events wait.
    expect(sent.map((e) => e.length)).toEqual([1, 1])
    expect(outboxes[0]?.pending).toHaveLength(3)
    expect(nextDigestDue([capped], outboxes, NOW + 40 * MINUTE)).toBe(NOW + HOUR)
    const later = run([], [capped], outboxes, NOW + HOUR)
    expect(later.digests[0]?.events).toEqual(all.slice(2))
    expect(later.outboxes[0]?.pending).toEqual([])
  })

  it('a waiting reminder gives way to newer news of the same alert, nothing else does', () => {
    const id = 'age-all:pve-a/900'
    const box: Outbox = {
      channelId: 'ntfy',
      pending: [event({ alertId: id, kind: 'repeat', eventId: `${id}#1:repeat:1` })],
      sentAt: [NOW - 10, NOW - 20],
    }
    const capped = policy({ maxPerHour: 2 })
    const resolved = event({ alertId: id, kind: 'resolved', eventId: `${id}#1:resolved` })
    const { outboxes } = run([resolved], [capped], [box])
    expect(outboxes[0]?.pending.map((e) => e.kind)).toEqual(['resolved'])
    const fired = event({ alertId: 'age-all:pve-a/901' })
    const repeat = event({ alertId: 'age-all:pve-a/901', kind: 'repeat', eventId: 'x:repeat' })
    const kept = run([fired, repeat], [capped], [box]).outboxes[0]?.pending.map((e) => e.kind)
    expect(kept).toEqual(['repeat', 'fired'])
  })
})

describe('quiet hours', () => {
  // NOW is 09:00 in Berlin; quiet 08:00-10:00 there.
  const quiet = policy({ quietHours: parseDailyWindow('08:00-10:00 Europe/Berlin') })

  it('holds events during quiet hours and sends them all when they end', () => {
    const held = run([event(), event()], [{ ...quiet, quietCriticalBypass: false }])
    expect(held.digests).toEqual([])
    expect(held.outboxes[0]?.pending).toHaveLength(2)
    expect(nextDigestDue([quiet], held.outboxes, NOW)).toBe(NOW + HOUR)
    const still = run([event()], [quiet], held.outboxes, NOW + 30 * MINUTE)
    expect(still.digests).toEqual([])
    const after = run([], [quiet], still.outboxes, NOW + HOUR)
    expect(after.digests.map((d) => d.events.length)).toEqual([3])
  })

  it('lets critical events through when bypass is on, keeping the rest for later', () => {
    const events = [event(), event({ severity: 'critical' })]
    const { digests, outboxes } = run(events, [quiet])
    expect(digests.map((d) => d.events.map((e) => e.severity))).toEqual([['critical']])
    expect(outboxes[0]?.pending.map((e) => e.severity)).toEqual(['warning'])
    const none = run(events, [{ ...quiet, quietCriticalBypass: false }])
    expect(none.digests).toEqual([])
  })

  it('forgets the outbox of a channel no longer configured', () => {
    const box: Outbox = { channelId: 'gone', pending: [event()], sentAt: [] }
    expect(run([], [policy()], [box]).outboxes).toEqual([
      { channelId: 'ntfy', pending: [], sentAt: [] },
    ])
  })
})

// What every StateStore must do with alert state, run against memory (unit) and the Durable
// Object's SQLite (test/coordinator): records one per id, the last Evaluation, outboxes,
// deliveries by due time, a delivery log capped per channel and newest first, counters, the
// remembered origin, forgetting a channel, and all of it inside transaction() or not at all.
import { expect } from 'vitest'
import type { Evaluation } from '../../../../functions/alerts/condition.ts'
import type { Delivery } from '../../../../functions/alerts/run-schemas.ts'
import type { AlertRecord } from '../../../../functions/alerts/state.ts'
import type { StateStore } from '../../../../functions/coordinator/state.ts'
import type { DeliveryLogEntry } from '../../../../shared/schema/alerts.ts'

const NOW = 1_750_000_000

export function alertRecord(id: string, changes: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id,
    rule: 'missed',
    subject: { kind: 'guest', key: id.split(':')[1] ?? id, name: 'db01 (VM 101, cluster pve-a)' },
    severity: 'warning',
    summary: 'missed its scheduled backup',
    detail: null,
    link: 'https://pulse.example.com/?guest=pve-a%2F101',
    state: 'firing',
    since: NOW - 3_600,
    openedAt: NOW - 3_000,
    resolvedAt: null,
    resolution: null,
    incident: 1,
    notifiedSeverity: 'warning',
    closed: false,
    lastNotified: NOW - 3_000,
    acknowledged: null,
    snoozedUntil: null,
    ...changes,
  }
}

const evaluation: Evaluation = {
  conditions: [
    {
      alertId: 'missed:pve-a/101',
      rule: 'missed',
      severity: 'warning',
      subject: { kind: 'guest', key: 'pve-a/101', name: 'db01 (VM 101, cluster pve-a)' },
      summary: 'missed its scheduled backup',
      detail: 'Jobs: pve-a/nightly',
      since: NOW - 3_600,
      link: 'https://pulse.example.com/?guest=pve-a%2F101',
    },
  ],
  held: { ids: ['age-all:pve-a/102'], rules: ['store-full'] },
  subjects: { 'guest:pve-a/101': 'watched', 'guest:pve-a/103': 'excluded' },
  excluded: [
    { kind: 'guest', key: 'pve-a/103', name: 'web03 (VM 103, cluster pve-a)', reason: 'template' },
  ],
  rules: ['missed', 'store-full'],
  off: { 'age-all:pve-a/101': 'replaced' },
}

function delivery(channelId: string, messageId: string, due: number, attempt = 0): Delivery {
  return {
    digest: {
      messageId,
      channelId,
      at: due,
      events: [
        {
          eventId: 'missed:pve-a/101#1:fired',
          alertId: 'missed:pve-a/101',
          kind: 'fired',
          rule: 'missed',
          severity: 'warning',
          subject: { kind: 'guest', key: 'pve-a/101', name: 'db01' },
          summary: 'missed its scheduled backup',
          since: NOW - 3_600,
          at: due,
          link: 'https://pulse.example.com/?guest=pve-a%2F101',
        },
      ],
      dashboardLink: 'https://pulse.example.com/?view=alerts',
      firing: { warning: 1, critical: 0 },
    },
    attempt,
    due,
  }
}

const logEntry = (channelId: string, attempt: number): DeliveryLogEntry => ({
  channelId,
  messageId: `${channelId}:${NOW}:m`,
  attempt,
  at: NOW + attempt,
  status: attempt < 3 ? 'retry' : 'sent',
  httpStatus: attempt < 3 ? 429 : 200,
  error: attempt < 3 ? 'HTTP 429' : null,
  nextAttemptAt: attempt < 3 ? NOW + attempt + 30 : null,
})

export function checkAlertStore(store: StateStore): void {
  // Records: one per id, sorted, replaced by id, dropped by id.
  expect(store.readAlerts()).toEqual([])
  store.writeAlerts([alertRecord('missed:pve-b/7'), alertRecord('age-all:pve-a/1')], [])
  store.writeAlerts([alertRecord('missed:pve-b/7', { acknowledged: { by: 'ops', at: NOW } })], [])
  expect(store.readAlerts().map((r) => [r.id, r.acknowledged?.by ?? null])).toEqual([
    ['age-all:pve-a/1', null],
    ['missed:pve-b/7', 'ops'],
  ])
  store.writeAlerts([], ['age-all:pve-a/1', 'never-there'])
  expect(store.readAlerts().map((r) => r.id)).toEqual(['missed:pve-b/7'])
  // Copies: changing what was read changes nothing stored.
  const read = store.readAlerts()[0] as AlertRecord
  read.summary = 'changed'
  expect(store.readAlerts()[0]?.summary).toBe('missed its scheduled backup')

  expect(store.readEvaluation()).toBeNull()
  store.writeEvaluation(evaluation)
  expect(store.readEvaluation()).toEqual(evaluation)

  // Outboxes, one per channel.
  store.writeOutbox({ channelId: 'ntfy', pending: [], sentAt: [NOW] })
  store.writeOutbox({
    channelId: 'discord',
    pending: delivery('discord', 'x', NOW).digest.events,
    sentAt: [],
  })
  store.writeOutbox({ channelId: 'ntfy', pending: [], sentAt: [NOW, NOW + 1] })
  expect(store.readOutboxes().map((o) => [o.channelId, o.pending.length, o.sentAt])).toEqual([
    ['discord', 1, []],
    ['ntfy', 0, [NOW, NOW + 1]],
  ])

  // Deliveries by due time, replaced by message id.
  store.writeDelivery(delivery('ntfy', 'ntfy:2', NOW + 60))
  store.writeDelivery(delivery('discord', 'discord:1', NOW))
  store.writeDelivery(delivery('ntfy', 'ntfy:1', NOW + 10))
  store.writeDelivery(delivery('ntfy', 'ntfy:2', NOW + 5, 1))
  expect(store.readDeliveries().map((d) => [d.digest.messageId, d.due, d.attempt])).toEqual([
    ['discord:1', NOW, 0],
    ['ntfy:2', NOW + 5, 1],
    ['ntfy:1', NOW + 10, 0],
  ])
  store.deleteDelivery('ntfy:1')
  expect(store.readDeliveries().map((d) => d.digest.messageId)).toEqual(['discord:1', 'ntfy:2'])

  // The log: capped per channel, newest first, channels apart.
  for (let attempt = 1; attempt <= 4; attempt++)
    store.appendDeliveryLog(logEntry('ntfy', attempt), 3)
  store.appendDeliveryLog(logEntry('discord', 1), 3)
  expect(store.deliveryLog('ntfy').map((e) => e.attempt)).toEqual([4, 3, 2])
  expect(store.deliveryLog('ntfy')[0]).toEqual(logEntry('ntfy', 4))
  expect(store.deliveryLog('discord').map((e) => e.attempt)).toEqual([1])
  expect(store.deliveryLog('slack')).toEqual([])

  // Counters and the origin.
  expect(store.readCounter('notifications')).toBe(0)
  store.addToCounter('notifications', 2)
  store.addToCounter('notifications', 1)
  store.addToCounter('refreshes', 1)
  expect([store.readCounter('notifications'), store.readCounter('refreshes')]).toEqual([3, 1])
  expect(store.readOrigin()).toBeNull()
  store.writeOrigin('https://pulse.example.com')
  expect(store.readOrigin()).toBe('https://pulse.example.com')

  // A channel no longer configured: its outbox, deliveries and log go; the others stay.
  store.deleteChannel('ntfy')
  expect(store.readOutboxes().map((o) => o.channelId)).toEqual(['discord'])
  expect(store.readDeliveries().map((d) => d.digest.messageId)).toEqual(['discord:1'])
  expect(store.deliveryLog('ntfy')).toEqual([])
  expect(store.deliveryLog('discord')).toHaveLength(1)

  // All or nothing.
  expect(() =>
    store.transaction(() => {
      store.writeAlerts([alertRecord('missed:pve-c/9')], ['missed:pve-b/7'])
      store.writeDelivery(delivery('slack', 'slack:1', NOW))
      store.appendDeliveryLog(logEntry('slack', 1), 3)
      store.addToCounter('notifications', 10)
      store.writeOutbox({ channelId: 'slack', pending: [], sentAt: [] })
      throw new Error('crash before commit')
    }),
  ).toThrow('crash before commit')
  expect(store.readAlerts().map((r) => r.id)).toEqual(['missed:pve-b/7'])
  expect(store.readDeliveries().map((d) => d.digest.messageId)).toEqual(['discord:1'])
  expect(store.deliveryLog('slack')).toEqual([])
  expect(store.readCounter('notifications')).toBe(3)
  expect(store.readOutboxes().map((o) => o.channelId)).toEqual(['discord'])

  // Report marks: a map read and written whole, copies, undone with a failed transaction; a
  // report's delivery keeps its report.
  expect(store.readReportMarks()).toEqual({})
  const marks = { ntfy: { schedule: 'daily 08:00 UTC', slot: NOW - 3_600 } }
  store.writeReportMarks(marks)
  const readMarks = store.readReportMarks()
  ;(readMarks.ntfy as { slot: number }).slot = 0
  expect(store.readReportMarks()).toEqual(marks)
  expect(() =>
    store.transaction(() => {
      store.writeReportMarks({ ntfy: { schedule: 'daily 08:00 UTC', slot: NOW } })
      throw new Error('crash before commit')
    }),
  ).toThrow('crash before commit')
  expect(store.readReportMarks()).toEqual(marks)
  const report = delivery('ntfy', 'ntfy:report:1', NOW)
  report.digest.events = []
  report.digest.report = {
    every: 'daily',
    scheduledAt: NOW,
    text: '3 of 4 guests fresh',
    parts: ['3 of 4 guests fresh'],
    guests: 4,
    fresh: 3,
    missed: 0,
    never: 0,
    failedJobs: [],
    stores: [{ key: 'pbs/store1', name: 'store1', estimatedFull: NOW + 86_400, days: 1 }],
    hasData: true,
  }
  store.writeDelivery(report)
  expect(store.readDeliveries().find((d) => d.digest.messageId === 'ntfy:report:1')).toEqual(report)
  store.deleteDelivery('ntfy:report:1')
}

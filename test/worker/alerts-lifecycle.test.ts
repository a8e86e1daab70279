// Alerts end to end with the lab's clock moved forward: a lab of each test's own (its model is
// changed as time passes: a backup starts and finishes, a guest is deleted, a source goes
// down), every channel's receiver counting what it accepted, the coordinator's core over memory
// stepping after every refresh and on its alarm. What the owner depends on: one message per
// channel per evaluation, once when an alert fires and once when it resolves, nothing from a
// running backup, a deleted guest or a source that is only briefly down, an acknowledgement
// that holds, a receiver's 429 honoured without a duplicate.
import { describe, expect, it } from 'vitest'
import { type AlertLab, createAlertLab, textOf } from './alerts-lab.ts'

const MISSED = 'missed:homelab/119'
const CHANNELS = [
  'ntfy',
  'discord',
  'slack',
  'teams',
  'telegram',
  'gotify',
  'pushover',
  'webhook',
  'apprise',
]

interface WebhookEvent {
  eventId: string
  alertId: string
  kind: string
  subject: { key: string; name: string }
}

/** The events of every digest the webhook receiver accepted (it carries the digest whole). */
function webhookEvents(lab: AlertLab): WebhookEvent[][] {
  return (lab.receivers.webhook.accepted as { data: { events: WebhookEvent[] } }[]).map(
    (m) => m.data.events,
  )
}

/** Messages each channel accepted since the receivers were last reset. */
function counts(lab: AlertLab): Record<string, number> {
  return Object.fromEntries(lab.receivers.all.map((r) => [r.name, r.accepted.length]))
}

const each = (n: number) => Object.fromEntries(CHANNELS.map((c) => [c, n]))

/** Nothing refused by any receiver: every message was within its service's format and limits. */
function noneRejected(lab: AlertLab) {
  expect(lab.receivers.all.flatMap((r) => r.rejected)).toEqual([])
}

const record = (lab: AlertLab, id: string) => lab.state.readAlerts().find((r) => r.id === id)

describe('a nightly guest whose run was skipped', () => {
  it('fires once per channel, a running backup changes nothing, its backup through a Proxmox webhook resolves it once', async () => {
    const lab = createAlertLab()
    await lab.refresh()
    // One message per channel, carrying every alert firing now, the skipped guest among them
    // (the webhook carries the whole digest; the others list the most urgent few).
    expect(counts(lab)).toEqual(each(1))
    const [first] = webhookEvents(lab)
    expect(first?.filter((e) => e.alertId === MISSED).map((e) => e.kind)).toEqual(['fired'])
    noneRejected(lab)

    // Later refreshes tell nothing new.
    for (let i = 0; i < 3; i++) {
      await lab.advance(300)
      await lab.refresh()
    }
    expect(counts(lab)).toEqual(each(1))

    // Its backup starts: running, the guest locked, an unfinished snapshot. Nothing changes.
    lab.backup({ cluster: 'homelab', vmid: 119, state: 'running' })
    const node = lab.model.clusters[0]?.guests.find((g) => g.vmid === 119)?.node ?? ''
    await lab.advance(60)
    await lab.refresh()
    await lab.advance(600)
    await lab.refresh()
    expect(counts(lab)).toEqual(each(1))
    expect(record(lab, MISSED)?.state).toBe('firing')

    // It finishes; Proxmox's notification webhook asks for the refresh.
    await lab.advance(300)
    lab.backup({ cluster: 'homelab', vmid: 119 })
    const hook = await lab.vzdumpHook(node)
    expect(hook.status).toBe(202)
    expect(counts(lab)).toEqual(each(2))
    const resolved = webhookEvents(lab)[1]
    expect(resolved?.map((e) => [e.alertId, e.kind])).toEqual([[MISSED, 'resolved']])
    for (const r of lab.receivers.all) {
      expect(textOf(r.accepted)[1], r.name).toContain('nightly-db')
    }
    expect(record(lab, MISSED)).toMatchObject({ state: 'resolved', resolution: 'ok' })

    // And it stays told: nothing more about it.
    for (let i = 0; i < 3; i++) {
      await lab.advance(900)
      await lab.refresh()
    }
    expect(counts(lab)).toEqual(each(2))
    noneRejected(lab)
  })
})

describe('an acknowledgement', () => {
  it('survives 10 refreshes, a running backup and a coordinator restart: no reminder until it resolves', async () => {
    // Reminders every hour, so 10 refreshes 15 minutes apart would bring two.
    const lab = createAlertLab({ rules: { repeatHours: 1 } })
    await lab.refresh()
    const ack = await lab.request(`/api/alerts/${encodeURIComponent(MISSED)}/ack`, {
      method: 'POST',
      headers: { authorization: 'Bearer alerts-test-api-token-4e5f6a7b' },
      body: JSON.stringify({ by: 'ops' }),
    })
    expect(ack.status).toBe(200)
    lab.receivers.reset()
    const node = lab.model.clusters[0]?.guests.find((g) => g.vmid === 119)?.node ?? ''
    for (let i = 0; i < 10; i++) {
      if (i === 4) lab.backup({ cluster: 'homelab', vmid: 119, state: 'running' })
      if (i === 6) lab.restart()
      await lab.advance(900)
      await lab.refresh()
      expect(record(lab, MISSED)?.acknowledged?.by, `refresh ${i + 1}`).toBe('ops')
    }
    const told = webhookEvents(lab).flat()
    // The other alerts, not acknowledged, were reminded of: the interval did come due.
    expect(told.filter((e) => e.kind === 'repeat').length).toBeGreaterThan(0)
    expect(told.filter((e) => e.alertId === MISSED)).toEqual([])
    for (const r of lab.receivers.all)
      expect(textOf(r.accepted).join('\n')).not.toContain('nightly-db')

    // After the restart the page still shows it acknowledged.
    const list = (await (await lab.request('/api/alerts')).json()) as {
      alerts: { id: string; acknowledged: { by: string } | null }[]
    }
    expect(list.alerts.find((a) => a.id === MISSED)?.acknowledged?.by).toBe('ops')

    // The backup finishes: the resolve is still told, once.
    lab.backup({ cluster: 'homelab', vmid: 119 })
    await lab.vzdumpHook(node)
    const resolved = webhookEvents(lab)
      .flat()
      .filter((e) => e.alertId === MISSED)
    expect(resolved.map((e) => e.kind)).toEqual(['resolved'])
    expect(record(lab, MISSED)?.acknowledged).toBeNull()
  })
})

describe('a source down for a while', () => {
  it('down 30 minutes with a grace of 60: no alert, and no false "resolved" for its guests', async () => {
    const lab = createAlertLab({ rules: { rules: { 'source-down': { afterMinutes: 60 } } } })
    await lab.refresh()
    lab.receivers.reset()
    lab.lab.faults = [{ kind: 'source-down', source: 'pve/homelab' }]
    for (let i = 0; i < 3; i++) {
      await lab.advance(600)
      await lab.refresh()
    }
    expect(lab.state.readStatus().sources.find((s) => s.id === 'homelab')?.stale).toBe(true)
    expect(record(lab, MISSED)?.state).toBe('firing')
    lab.lab.faults = []
    await lab.advance(300)
    await lab.refresh()
    expect(counts(lab)).toEqual(each(0))
    expect(record(lab, 'source-down:homelab')).toBeUndefined()
    expect(record(lab, MISSED)).toMatchObject({ state: 'firing', incident: 1 })
  })

  it('down longer than its grace: one message per channel saying so', async () => {
    const lab = createAlertLab({ rules: { rules: { 'source-down': { afterMinutes: 60 } } } })
    await lab.refresh()
    lab.receivers.reset()
    lab.lab.faults = [{ kind: 'source-down', source: 'pve/homelab' }]
    for (let i = 0; i < 5; i++) {
      await lab.advance(900)
      await lab.refresh()
    }
    expect(counts(lab)).toEqual(each(1))
    const events = webhookEvents(lab).flat()
    expect(events.map((e) => [e.alertId, e.kind])).toEqual([['source-down:homelab', 'fired']])
    // Its guests' alerts were held, not resolved.
    expect(record(lab, MISSED)?.state).toBe('firing')
  })
})

describe('a receiver that answers 429, then 200', () => {
  it('gets the message once, after the wait it asked for', async () => {
    const lab = createAlertLab()
    lab.receivers.ntfy.script({ status: 429, headers: { 'retry-after': '90' }, body: '' })
    lab.receivers.webhook.script({ status: 429, headers: { 'retry-after': '90' }, body: '' })
    await lab.refresh()
    expect(lab.receivers.ntfy.requests.length).toBe(1)
    expect(lab.receivers.ntfy.accepted.length).toBe(0)
    // The others were not held up.
    expect(lab.receivers.discord.accepted.length).toBe(1)
    const start = lab.now()
    // Not before the 90 s it asked for (the backoff alone would retry after 30 s).
    await lab.advance(60)
    expect(lab.receivers.ntfy.requests.length).toBe(1)
    await lab.advance(40)
    expect(lab.receivers.ntfy.requests.length).toBe(2)
    expect(lab.receivers.ntfy.accepted.length).toBe(1)
    expect(lab.receivers.webhook.accepted.length).toBe(1)
    // The same message id both times (a receiver may drop a repeat by it).
    const ids = lab.receivers.webhook.requests.map((r) => r.headers['webhook-id'])
    expect(new Set(ids).size).toBe(1)
    await lab.advance(7_200)
    await lab.refresh()
    expect(lab.receivers.ntfy.accepted.length).toBe(1)
    const channels = lab.core.alertChannels(lab.env).channels
    const log = channels.find((c) => c.id === 'ntfy')?.log ?? []
    expect(log.map((e) => [e.attempt, e.status, e.httpStatus])).toEqual([
      [2, 'sent', 200],
      [1, 'retry', 429],
    ])
    expect(log[1]?.nextAttemptAt).toBe(start + 90)
    expect(lab.core.counters().notificationsSent).toBe(9)
  })
})

describe('many guests overdue at once', () => {
  it('40 and more in one evaluation → one message per channel, each within its limits', async () => {
    // No reminders on the way: only what the clock's jump brings.
    const lab = createAlertLab({ rules: { repeatHours: 0 }, guestsPerCluster: 40 })
    await lab.refresh()
    lab.receivers.reset()
    await lab.advance(3 * 86_400)
    await lab.refresh()
    expect(counts(lab)).toEqual(each(1))
    const [events = []] = webhookEvents(lab)
    const guests = new Set(
      events.filter((e) => e.kind === 'fired' && e.subject.key.includes('/')).map((e) => e.alertId),
    )
    expect(guests.size).toBeGreaterThanOrEqual(40)
    noneRejected(lab)
  })
})

describe('a deleted guest', () => {
  it('never alerts: its firing alert closes silently, and it is never in a message again', async () => {
    const lab = createAlertLab({ rules: { repeatHours: 0 } })
    await lab.refresh()
    expect(record(lab, MISSED)?.state).toBe('firing')
    // The weekly-only guest would be overdue three days on; it is deleted first.
    const weekly = lab.model.facts.jobs.weeklyOnly.vmid
    lab.receivers.reset()
    lab.deleteGuest('homelab', 119)
    lab.deleteGuest('homelab', weekly)
    await lab.advance(600)
    await lab.refresh()
    expect(counts(lab)).toEqual(each(0))
    expect(record(lab, MISSED)).toMatchObject({ state: 'resolved', resolution: 'removed' })
    await lab.advance(3 * 86_400)
    await lab.refresh()
    const keys = webhookEvents(lab)
      .flat()
      .map((e) => e.subject.key)
    expect(keys.length).toBeGreaterThan(0)
    expect(keys).not.toContain('homelab/119')
    expect(keys).not.toContain(`homelab/${weekly}`)
    for (const r of lab.receivers.all) {
      expect(textOf(r.accepted).join('\n'), r.name).not.toContain('nightly-db')
    }
  })
})

describe('delivery', () => {
  it('persists each digest before it is sent: a restart between the two re-sends, never loses', async () => {
    const lab = createAlertLab()
    // The pass steps and stores its digests; the instance goes away before its alarm runs.
    await lab.core.trigger(lab.env, { reason: 'schedule' })
    await lab.core.runPass(lab.env)
    expect(counts(lab)).toEqual(each(0))
    expect(lab.state.readDeliveries()).toHaveLength(CHANNELS.length)
    lab.restart()
    await lab.settle()
    expect(counts(lab)).toEqual(each(1))
    expect(lab.state.readDeliveries()).toEqual([])
    await lab.advance(3_600)
    expect(counts(lab)).toEqual(each(1))
  })

  it('never lets a slow channel hold up the others', async () => {
    const lab = createAlertLab()
    lab.receivers.slack.script({ status: 200, body: 'ok', delayMs: 1_500 })
    await lab.core.trigger(lab.env, { reason: 'schedule' })
    await lab.core.runPass(lab.env)
    const tick = lab.core.alarm(lab.env)
    const logged = (id: string) =>
      lab.core.alertChannels(lab.env).channels.find((c) => c.id === id)?.log.length ?? 0
    for (let i = 0; i < 100 && logged('ntfy') === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    // Every other channel is sent and logged while slack still waits for its answer.
    for (const id of CHANNELS.filter((c) => c !== 'slack')) expect(logged(id), id).toBe(1)
    expect(logged('slack')).toBe(0)
    await tick
    expect(logged('slack')).toBe(1)
  })

  it('runs a refresh asked for while a slow receiver is still answering, and sends what it tells', async () => {
    const lab = createAlertLab()
    lab.receivers.slack.script({ status: 200, body: 'ok', delayMs: 2_000 })
    await lab.core.trigger(lab.env, { reason: 'schedule' })
    await lab.core.runPass(lab.env)
    const alarm = lab.core.alarm(lab.env)
    const logged = (id: string) =>
      lab.core.alertChannels(lab.env).channels.find((c) => c.id === id)?.log.length ?? 0
    const waitFor = async (done: () => boolean) => {
      for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 10))
    }
    await waitFor(() => logged('ntfy') === 1)
    // The skipped guest's backup arrives, and a webhook asks for a refresh meanwhile.
    lab.backup({ cluster: 'homelab', vmid: 119 })
    await lab.core.trigger(lab.env, { reason: 'webhook proxmox vzdump' })
    await waitFor(() => logged('ntfy') === 2)
    expect(logged('ntfy')).toBe(2)
    // Slack too got the new digest at once; its first one is still waiting for an answer.
    expect(logged('slack')).toBe(1)
    expect(lab.receivers.slack.requests).toHaveLength(2)
    expect(JSON.stringify(lab.receivers.ntfy.accepted[1])).toContain('Resolved')
    await alarm
    expect(logged('slack')).toBe(2)
  })
})

describe("the demo's replay of the past", () => {
  it('writes history only: a year of replayed days neither fires, resolves nor sends anything; the present refresh then alerts once', async () => {
    const lab = createAlertLab()
    // The days before the lab's "now", as `npm run dev` replays them (scripts/replay.ts).
    for (let back = 5; back >= 1; back--) {
      const report = await lab.core.replay(lab.env, lab.now() - back * 86_400)
      expect(report?.refreshed.length, `replay ${back} days back`).toBeGreaterThan(0)
      await lab.settle()
    }
    expect(counts(lab)).toEqual(each(0))
    expect(lab.state.readAlerts()).toEqual([])
    // The present is judged as ever: one message per channel with what fires now.
    await lab.refresh()
    expect(counts(lab)).toEqual(each(1))
    expect(record(lab, MISSED)?.state).toBe('firing')
    noneRejected(lab)
  })
})

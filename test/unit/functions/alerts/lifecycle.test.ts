import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyAction } from '../../../../functions/alerts/actions.ts'
import type { Condition, Evaluation } from '../../../../functions/alerts/condition.ts'
import { lifecycleSettings, nextDue, step } from '../../../../functions/alerts/lifecycle.ts'
import type { AlertEvent } from '../../../../functions/alerts/message.ts'
import {
  type AlertState,
  AlertStateSchema,
  EMPTY_ALERT_STATE,
  toPublicAlert,
} from '../../../../functions/alerts/state.ts'
import { DEFAULT_ALERT_RULES } from '../../../../functions/config/alert-rules.ts'
import { ALERT_RULES, AlertSchema } from '../../../../shared/schema/alerts.ts'
import type { GuestSchedule } from '../../../../shared/schema/guest.ts'
import {
  agedGuest,
  DAY,
  datastore,
  downSource,
  Harness,
  HOUR,
  input,
  MINUTE,
  NOW,
  pbsSource,
  rules,
  source,
} from './builders.ts'

const AGE = 'age-all:pve-a/101'
const TICK = 15 * MINUTE

/** The guest 100 h overdue at `now`, its newest backup fixed in time. */
const overdueAt = (now: number, overrides = {}) => agedGuest(100 + (now - NOW) / HOUR, overrides)
/** The guest freshly backed up at `at`. */
const freshAt = (at: number) =>
  agedGuest(0, { latestBackupTime: at, latestTimes: { pve: null, pbs: at, snapshots: null } })

describe('fire and resolve', () => {
  it('fires once and resolves once across many evaluations', () => {
    const h = new Harness()
    let now = NOW
    for (let i = 0; i < 40; i += 1, now += TICK) h.run(input({ guests: [overdueAt(now)] }), now)
    const backup = now
    for (let i = 0; i < 40; i += 1, now += TICK) h.run(input({ guests: [freshAt(backup)] }), now)
    expect(h.kinds()).toEqual(['fired', 'resolved'])
    const [fired, resolved] = h.events
    expect(fired).toMatchObject({
      eventId: `${AGE}#1:fired`,
      severity: 'critical',
      subject: { name: 'db01 (VM 101, cluster pve-a)' },
      since: NOW - 100 * HOUR + 36 * HOUR,
    })
    expect(resolved).toMatchObject({ eventId: `${AGE}#1:resolved`, at: backup })
    expect(h.record(AGE)).toMatchObject({ state: 'resolved', resolution: 'ok', closed: true })
  })

  it('repeats while firing at the configured interval, and never with 0', () => {
    const run = (config = DEFAULT_ALERT_RULES) => {
      const h = new Harness(config)
      for (let now = NOW; now <= NOW + 49 * HOUR; now += TICK) {
        h.run(input({ guests: [overdueAt(now)] }), now)
      }
      return h
    }
    const daily = run()
    expect(daily.kinds()).toEqual(['fired', 'repeat', 'repeat'])
    expect(daily.events.map((e) => e.at - NOW)).toEqual([0, 24 * HOUR, 48 * HOUR])
    expect(run(rules({ repeatHours: 0 })).kinds()).toEqual(['fired'])
    expect(run(rules({ repeatHours: 6 })).kinds().length).toBe(1 + 8)
  })

  it('tells an escalation once; falling back is silent and climbing again is not told again', () => {
    const h = new Harness()
    const used = [90, 90, 96, 96, 90, 96, 90]
    used.forEach((percent, i) => {
      const store = datastore({ used: percent * 10 * 2 ** 30 })
      h.run(input({ storage: { storages: [], datastores: [store] } }), NOW + i * TICK)
    })
    expect(h.kinds()).toEqual(['fired', 'escalated'])
    expect(h.events.map((e) => e.severity)).toEqual(['warning', 'critical'])
    expect(h.record('store-usage:pbs-main/store1')?.severity).toBe('warning')
  })

  it('a new incident after a told resolve fires again, counted as incident 2', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    h.run(input({ guests: [freshAt(NOW + TICK)] }), NOW + TICK)
    // Much later the backups stop again.
    const later = NOW + 10 * DAY
    h.run(input({ guests: [agedGuest(80)] }), later)
    expect(h.events.map((e) => e.eventId)).toEqual([
      `${AGE}#1:fired`,
      `${AGE}#1:resolved`,
      `${AGE}#2:fired`,
    ])
    expect(toPublicAlert(h.record(AGE) ?? fail()).incidents).toBe(2)
  })
})

function fail(): never {
  throw new Error('missing record')
}

describe('holding', () => {
  it('a running backup neither resolves nor re-fires: the alert and its acknowledgement stay', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    h.run(input({ guests: [overdueAt(NOW + TICK)] }), NOW + TICK, [
      { kind: 'ack', alertId: AGE, by: 'sam', at: NOW + TICK },
    ])
    // The backup runs for an hour; meanwhile PVE lists it as in progress only.
    for (let t = NOW + 2 * TICK; t < NOW + 6 * TICK; t += TICK) {
      h.run(input({ guests: [overdueAt(t, { backingUp: true })] }), t)
      expect(h.record(AGE)).toMatchObject({ state: 'firing', acknowledged: { by: 'sam' } })
    }
    h.run(input({ guests: [freshAt(NOW + 6 * TICK)] }), NOW + 6 * TICK)
    expect(h.kinds()).toEqual(['fired', 'resolved'])
  })

  it('a guest that becomes overdue while its backup runs does not fire until it ends', () => {
    const h = new Harness()
    // 35.5 h old at NOW: not overdue yet; the backup runs across the 36 h mark.
    const latest = NOW - 35.5 * HOUR
    const g = (backingUp: boolean) =>
      agedGuest(0, {
        latestBackupTime: latest,
        latestTimes: { pve: null, pbs: latest, snapshots: null },
        backingUp,
      })
    for (let i = 0; i < 6; i += 1) h.run(input({ guests: [g(true)] }), NOW + i * TICK)
    expect(h.events).toEqual([])
    h.run(input({ guests: [freshAt(NOW + 6 * TICK)] }), NOW + 6 * TICK)
    expect(h.events).toEqual([])
  })

  it('a source down for 30 minutes (grace 60) gives no alert and no false resolve for its guests', () => {
    const h = new Harness()
    const schedule = (state: GuestSchedule['state']): GuestSchedule => ({
      state,
      jobs: ['pve-a/backup-nightly'],
      previousRun: NOW - 8 * HOUR,
      nextRun: NOW + 16 * HOUR,
      deadline: NOW - 1 * HOUR,
      missedSince: state === 'missed' ? NOW - HOUR : null,
    })
    const missed = agedGuest(30, { schedule: schedule('missed') })
    h.run(input({ guests: [missed] }), NOW)
    expect(h.kinds()).toEqual(['fired'])
    // PVE goes dark; its last data is whatever it is (even a wrong "ok"): nothing changes.
    for (let t = NOW + TICK; t <= NOW + 30 * MINUTE; t += TICK) {
      const pve = downSource(source(), t - NOW, t)
      h.run(
        input({
          guests: [agedGuest(30, { schedule: schedule('ok') })],
          sources: [pve, pbsSource()],
        }),
        t,
      )
    }
    expect(h.kinds()).toEqual(['fired'])
    expect(h.record('missed:pve-a/101')?.state).toBe('firing')
    expect(h.record('source-down:pve-a')).toBeUndefined()
  })
})

describe('acknowledge and snooze', () => {
  it('an acknowledgement stops repeats, survives a restart (parsed back) and ends with the incident', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    const acked = applyAction(h.state, { kind: 'ack', alertId: AGE, by: null, at: NOW + 60 })
    expect(acked.result).toBe('ok')
    // The coordinator stores and restarts: the state is read back through its schema.
    h.state = AlertStateSchema.parse(JSON.parse(JSON.stringify(acked.state)))
    for (let t = NOW + TICK; t < NOW + 3 * DAY; t += TICK)
      h.run(input({ guests: [overdueAt(t)] }), t)
    expect(h.kinds()).toEqual(['fired'])
    expect(h.record(AGE)?.acknowledged).toEqual({ by: null, at: NOW + 60 })
    h.run(input({ guests: [freshAt(NOW + 3 * DAY)] }), NOW + 3 * DAY)
    expect(h.kinds()).toEqual(['fired', 'resolved'])
    expect(h.record(AGE)?.acknowledged).toBeNull()
    expect(AlertSchema.parse(toPublicAlert(h.record(AGE) ?? fail())).acknowledged).toBeNull()
  })

  it('refuses to acknowledge an unknown or resolved alert, and unack restores reminders', () => {
    const h = new Harness()
    expect(applyAction(h.state, { kind: 'ack', alertId: AGE, by: null, at: NOW }).result).toBe(
      'unknown-alert',
    )
    h.run(input({ guests: [overdueAt(NOW)] }), NOW, [])
    h.run(input({ guests: [overdueAt(NOW + TICK)] }), NOW + TICK, [
      { kind: 'ack', alertId: AGE, by: 'sam', at: NOW + TICK },
    ])
    h.run(input({ guests: [overdueAt(NOW + 25 * HOUR)] }), NOW + 25 * HOUR, [
      { kind: 'unack', alertId: AGE, at: NOW + 25 * HOUR },
    ])
    expect(h.kinds()).toEqual(['fired', 'repeat'])
    h.run(input({ guests: [freshAt(NOW + 26 * HOUR)] }), NOW + 26 * HOUR)
    expect(applyAction(h.state, { kind: 'ack', alertId: AGE, by: null, at: NOW }).result).toBe(
      'not-firing',
    )
  })

  it('snooze: nothing is told until it ends; a resolve meanwhile is recorded and told after', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    const until = NOW + 30 * HOUR
    h.run(input({ guests: [overdueAt(NOW + TICK)] }), NOW + TICK, [
      { kind: 'snooze', alertId: AGE, until, at: NOW + TICK },
    ])
    // Through the 24 h reminder: silent.
    for (let t = NOW + 2 * TICK; t < NOW + 26 * HOUR; t += TICK)
      h.run(input({ guests: [overdueAt(t)] }), t)
    h.run(input({ guests: [freshAt(NOW + 26 * HOUR)] }), NOW + 26 * HOUR)
    expect(h.record(AGE)).toMatchObject({
      state: 'resolved',
      resolvedAt: NOW + 26 * HOUR,
      closed: false,
    })
    expect(h.kinds()).toEqual(['fired'])
    h.run(input({ guests: [freshAt(NOW + 26 * HOUR)] }), until)
    expect(h.kinds()).toEqual(['fired', 'resolved'])
    expect(h.record(AGE)?.snoozedUntil).toBeNull()
  })

  describe('snooze across incidents', () => {
    const ID = 'store-usage:pbs-main/store1'
    const full = input({
      storage: { storages: [], datastores: [datastore({ used: 900 * 2 ** 30 })] },
    })
    const ok = input({ storage: { storages: [], datastores: [datastore()] } })
    /** Fired and resolved (told), then snoozed until NOW + 10 h. */
    const snoozedAfterResolve = () => {
      const h = new Harness()
      h.run(full, NOW)
      h.run(ok, NOW + HOUR)
      h.run(ok, NOW + 2 * HOUR)
      expect(h.events.map((e) => e.eventId)).toEqual([`${ID}#1:fired`, `${ID}#1:resolved`])
      h.run(ok, NOW + 3 * HOUR, [
        { kind: 'snooze', alertId: ID, until: NOW + 10 * HOUR, at: NOW + 3 * HOUR },
      ])
      return h
    }

    it('an alert that fires during it is told when it ends', () => {
      const h = snoozedAfterResolve()
      h.run(full, NOW + 5 * HOUR)
      h.run(full, NOW + 8 * HOUR)
      expect(h.events).toHaveLength(2)
      h.run(full, NOW + 10 * HOUR)
      expect(h.events.at(-1)).toMatchObject({ eventId: `${ID}#2:fired`, at: NOW + 10 * HOUR })
    })

    it('one that came and went during it is never told', () => {
      const h = snoozedAfterResolve()
      h.run(full, NOW + 5 * HOUR)
      h.run(ok, NOW + 6 * HOUR)
      h.run(ok, NOW + 10 * HOUR)
      h.run(ok, NOW + 11 * HOUR)
      expect(h.events).toHaveLength(2)
      expect(h.record(ID)).toMatchObject({ state: 'resolved', incident: 2, closed: true })
    })

    it('a resolve never told (snoozed) that fires again is still the same incident', () => {
      const h = new Harness()
      h.run(full, NOW)
      h.run(full, NOW + TICK, [
        { kind: 'snooze', alertId: ID, until: NOW + 10 * HOUR, at: NOW + TICK },
      ])
      h.run(ok, NOW + HOUR)
      h.run(ok, NOW + 3 * HOUR)
      h.run(full, NOW + 5 * HOUR)
      h.run(full, NOW + 10 * HOUR)
      expect(h.kinds()).toEqual(['fired'])
      expect(h.record(ID)).toMatchObject({ state: 'firing', incident: 1 })
    })
  })
})

describe('flap window', () => {
  it('a source that comes back and drops again within the window is one incident', () => {
    const h = new Harness()
    const up = (t: number) => source({ lastSuccess: t - 60, lastAttempt: t - 60 })
    const sequence: [number, boolean][] = [
      [0, false], // down 2 h already at NOW
      [TICK, true],
      [2 * TICK, false],
      [3 * TICK, true],
      [4 * TICK, true],
      [5 * TICK, true],
    ]
    for (const [offset, isUp] of sequence) {
      const t = NOW + offset
      const pve = isUp ? up(t) : downSource(source(), offset === 0 ? 2 * HOUR : 2 * HOUR, t)
      h.run(input({ guests: [], sources: [pve, pbsSource()] }), t)
    }
    expect(h.kinds()).toEqual(['fired', 'resolved'])
    expect(h.events[1]?.at).toBe(NOW + 5 * TICK) // 30 min after it last came back
    expect(h.record('source-down:pve-a')?.incident).toBe(1)
  })

  it('tells a resolve held by the window as soon as the window passed (nextDue names when)', () => {
    const h = new Harness()
    h.run(input({ guests: [], sources: [downSource(source(), 2 * HOUR), pbsSource()] }), NOW)
    const back = NOW + TICK
    h.run(input({ guests: [], sources: [source({ lastSuccess: back }), pbsSource()] }), back)
    expect(nextDue(h.state, h.settings, back)).toBe(back + 30 * MINUTE)
    h.run(
      input({ guests: [], sources: [source({ lastSuccess: back }), pbsSource()] }),
      back + 30 * MINUTE,
    )
    expect(h.kinds()).toEqual(['fired', 'resolved'])
  })
})

describe('subjects that go away', () => {
  it('a deleted guest closes silently as removed, never with a message', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    for (let t = NOW + TICK; t < NOW + 2 * HOUR; t += TICK) h.run(input({ guests: [] }), t)
    expect(h.kinds()).toEqual(['fired'])
    expect(h.record(AGE)).toMatchObject({ state: 'resolved', resolution: 'removed', closed: true })
  })

  it('an excluded guest closes silently; stopped and started within the window is one incident', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW, [])
    h.run(input({ guests: [overdueAt(NOW + TICK, { status: 'stopped' })] }), NOW + TICK, [
      { kind: 'ack', alertId: AGE, by: null, at: NOW + TICK },
    ])
    expect(h.record(AGE)?.resolution).toBe('excluded')
    h.run(input({ guests: [overdueAt(NOW + 2 * TICK)] }), NOW + 2 * TICK)
    expect(h.kinds()).toEqual(['fired'])
    expect(h.record(AGE)).toMatchObject({
      state: 'firing',
      incident: 1,
      acknowledged: { by: null },
    })
  })

  it('an age alert replaced by the schedule once a job covers the guest closes silently', () => {
    const h = new Harness()
    h.run(input({ guests: [agedGuest(40)] }), NOW)
    const covered = agedGuest(40 + 0.25, {
      schedule: {
        state: 'missed',
        jobs: ['pve-a/backup-nightly'],
        previousRun: NOW - 8 * HOUR,
        nextRun: NOW + 16 * HOUR,
        deadline: NOW - HOUR,
        missedSince: NOW - HOUR,
      },
    })
    h.run(input({ guests: [covered] }), NOW + TICK)
    expect(h.events.map((e) => `${e.alertId} ${e.kind}`)).toEqual([
      `${AGE} fired`,
      'missed:pve-a/101 fired',
    ])
    expect(h.record(AGE)?.resolution).toBe('replaced')
  })

  it('a rule switched off closes its alerts silently', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    const off = new Harness(rules({ rules: { 'age-all': { enabled: false } } }))
    off.state = h.state
    off.run(input({ guests: [overdueAt(NOW + TICK)] }), NOW + TICK)
    expect(off.events).toEqual([])
    expect(off.record(AGE)?.resolution).toBe('disabled')
  })

  it('drops resolved alerts from the history after a week and reports which rows changed', () => {
    const h = new Harness()
    h.run(input({ guests: [overdueAt(NOW)] }), NOW)
    expect(h.last?.changed).toEqual([AGE])
    // Same text ("4d 4h old"), nothing told: no row to write.
    h.run(input({ guests: [overdueAt(NOW + TICK)] }), NOW + TICK)
    expect(h.last?.changed).toEqual([])
    h.run(input({ guests: [overdueAt(NOW + 2 * HOUR)] }), NOW + 2 * HOUR)
    expect(h.last?.changed).toEqual([AGE])
    h.run(input({ guests: [freshAt(NOW + 3 * HOUR)] }), NOW + 3 * HOUR)
    h.run(input({ guests: [freshAt(NOW + 3 * HOUR)] }), NOW + 4 * HOUR)
    expect(h.last?.changed).toEqual([])
    h.run(input({ guests: [freshAt(NOW + 8 * DAY)] }), NOW + 8 * DAY)
    expect(h.last?.dropped).toEqual([AGE])
    expect(h.state.alerts).toEqual([])
  })
})

// Property tests over synthetic evaluations: a few alerts whose conditions come and go (with
// changing severity, and holds) at random times.
const IDS = ['missed:c/1', 'source-down:s1', 'store-usage:p/s'] as const
const RULE_OF: Record<(typeof IDS)[number], Condition['rule']> = {
  'missed:c/1': 'missed',
  'source-down:s1': 'source-down',
  'store-usage:p/s': 'store-usage',
}

function synthetic(present: Map<string, 'warning' | 'critical'>, held: Set<string>): Evaluation {
  const conditions: Condition[] = []
  for (const [id, severity] of present) {
    if (held.has(id)) continue
    conditions.push({
      alertId: id,
      rule: RULE_OF[id as (typeof IDS)[number]],
      severity,
      subject: { kind: 'guest', key: id, name: id },
      summary: 'wrong',
      detail: null,
      since: null,
      link: 'https://pulse.example.com/',
    })
  }
  const subjects: Evaluation['subjects'] = {}
  for (const id of IDS) subjects[`guest:${id}`] = 'watched'
  return {
    conditions,
    held: { ids: [...held], rules: [] },
    subjects,
    excluded: [],
    rules: [...ALERT_RULES],
    off: {},
  }
}

const tick = fc.record({
  gap: fc.integer({ min: 60, max: 6 * HOUR }),
  present: fc.subarray([...IDS]),
  critical: fc.subarray([...IDS]),
  held: fc.subarray([...IDS], { maxLength: 1 }),
  action: fc.option(
    fc.record({
      kind: fc.constantFrom('ack' as const, 'unack' as const, 'snooze' as const),
      id: fc.constantFrom(...IDS),
      snoozeFor: fc.integer({ min: 60, max: 12 * HOUR }),
    }),
    { nil: undefined },
  ),
})

interface Tick {
  gap: number
  present: string[]
  critical: string[]
  held: string[]
  action: { kind: 'ack' | 'unack' | 'snooze'; id: string; snoozeFor: number } | undefined
}

function simulate(ticks: Tick[], withActions: boolean) {
  const settings = lifecycleSettings(DEFAULT_ALERT_RULES)
  let state: AlertState = EMPTY_ALERT_STATE
  let now = NOW
  const events: AlertEvent[] = []
  const incidents = new Set<string>()
  for (const t of ticks) {
    now += t.gap
    const present = new Map<string, 'warning' | 'critical'>(
      t.present.map((id) => [id, t.critical.includes(id) ? 'critical' : 'warning']),
    )
    const a = withActions ? t.action : undefined
    const actions = a
      ? [
          a.kind === 'snooze'
            ? { kind: 'snooze' as const, alertId: a.id, until: now + a.snoozeFor, at: now }
            : a.kind === 'ack'
              ? { kind: 'ack' as const, alertId: a.id, by: null, at: now }
              : { kind: 'unack' as const, alertId: a.id, at: now },
        ]
      : []
    const result = step(state, synthetic(present, new Set(t.held)), now, settings, actions)
    state = result.state
    events.push(...result.events)
    for (const r of state.alerts) if (r.state === 'firing') incidents.add(`${r.id}#${r.incident}`)
  }
  return { events, incidents, state }
}

function perIncident(events: AlertEvent[]): Map<string, string[]> {
  const byIncident = new Map<string, string[]>()
  for (const e of events) {
    // eventId is `<alertId>#<incident>:<kind>[:<at>]`.
    const key = `${e.alertId}#${e.eventId.slice(e.alertId.length + 1).split(':')[0]}`
    byIncident.set(key, [...(byIncident.get(key) ?? []), e.kind])
  }
  return byIncident
}

describe('lifecycle properties', () => {
  it('each incident is told fired exactly once and resolved at most once, after it', () => {
    fc.assert(
      fc.property(fc.array(tick, { minLength: 1, maxLength: 60 }), (ticks) => {
        const { events, incidents } = simulate(ticks, false)
        const told = perIncident(events)
        // Without snoozes every incident is told the moment it starts.
        expect([...told.keys()].sort()).toEqual([...incidents].sort())
        for (const kinds of told.values()) {
          expect(kinds.filter((k) => k === 'fired')).toHaveLength(1)
          expect(kinds[0]).toBe('fired')
          expect(kinds.filter((k) => k === 'resolved').length).toBeLessThanOrEqual(1)
          expect(kinds.filter((k) => k === 'escalated').length).toBeLessThanOrEqual(1)
          const resolved = kinds.indexOf('resolved')
          if (resolved >= 0) expect(resolved).toBe(kinds.length - 1)
        }
        expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length)
      }),
      { numRuns: 300 },
    )
  })

  it('with acknowledgements and snoozes, no incident is told fired or resolved twice', () => {
    fc.assert(
      fc.property(fc.array(tick, { minLength: 1, maxLength: 60 }), (ticks) => {
        const { events, state } = simulate(ticks, true)
        for (const kinds of perIncident(events).values()) {
          expect(kinds.filter((k) => k === 'fired').length).toBeLessThanOrEqual(1)
          expect(kinds.filter((k) => k === 'resolved').length).toBeLessThanOrEqual(1)
          if (kinds.includes('resolved') || kinds.includes('repeat')) expect(kinds[0]).toBe('fired')
        }
        // Whatever happened, the state parses back as the coordinator will read it.
        expect(AlertStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state)
      }),
      { numRuns: 300 },
    )
  })
})

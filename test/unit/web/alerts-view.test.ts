// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import type { Alert } from '../../../shared/schema/alerts.ts'
import type { ActionsUi } from '../../../web/src/alert-actions.ts'
import { type AlertsState, alertsView } from '../../../web/src/alerts-view.ts'
import { alertFixture, alertsFixture, allClear, JOB_ERROR, SYNC_ERROR } from './alerts-fixtures.ts'
import { all, mount, text } from './render.ts'
import { NOW } from './summaries.ts'

const HOUR = 3_600
const data = alertsFixture(NOW, {
  base: 'https://pulse.example',
  cluster: 'homelab',
  vmids: [100, 101, 102],
  names: ['web', 'db', 'mail'],
})
const emptyUi: ActionsUi = { busy: new Map(), notes: new Map(), prompt: null }

function state(patch: Partial<AlertsState> = {}, on: Partial<AlertsState['on']> = {}) {
  const handlers = {
    act: vi.fn(),
    refuse: vi.fn(),
    token: vi.fn(),
    cancelToken: vi.fn(),
    test: vi.fn(),
    retry: vi.fn(),
    retryChannels: vi.fn(),
    filter: vi.fn(),
    actor: vi.fn(),
    ...on,
  }
  const s: AlertsState = {
    alerts: data,
    error: null,
    filter: {},
    channels: { channels: null, error: null },
    now: NOW,
    timeZone: 'America/New_York',
    ui: emptyUi,
    actor: () => '',
    subjectHref: (a: Alert) => ({ href: `/x?${a.id}`, inPage: a.subject.kind !== 'source' }),
    on: handlers,
    ...patch,
  }
  return { s, on: handlers }
}

const ids = (root: Element, selector = '.alert-list > li') =>
  all(root, selector).map((li) => li.getAttribute('data-alert-id'))
const item = (root: Element, id: string) =>
  root.querySelector(`li[data-alert-id="${id}"]`) as HTMLElement
const click = (el: Element | null) => (el as HTMLElement).click()

describe('the Alerts view', () => {
  it('lists what fires, critical first, then what resolved recently, newest first', () => {
    const root = mount(alertsView(state().s))
    expect(ids(root, '.alert-list.firing > li')).toEqual([
      'missed:homelab/100',
      'pbs-job:pbs/sync/pull-offsite',
      'source-down:pbs-offsite',
      'guest-failed:homelab/101',
      'store-usage:pbs/main',
    ])
    expect(ids(root, '.alert-list.resolved > li')).toEqual([
      'age-all:homelab/102',
      'verify-failed:homelab/4242',
    ])
    expect(text(root.querySelector('.view-summary'))).toBe(
      '5 firing (2 critical, 3 warning), 2 of them acknowledged or snoozed · 2 resolved recently. Times are in your time zone (America/New_York).',
    )
  })

  it('says each alert in words: severity, subject linked to its view, rule, summary, error text', () => {
    const root = mount(alertsView(state().s))
    const sync = item(root, 'pbs-job:pbs/sync/pull-offsite')
    expect(text(sync.querySelector('.alert-head'))).toBe(
      'critical sync job pull-offsite on pbs PBS job failed or warned',
    )
    expect(text(sync.querySelector('.alert-detail'))).toBe(SYNC_ERROR)
    const link = sync.querySelector('a.subject') as HTMLAnchorElement
    expect(link.getAttribute('href')).toBe('/x?pbs-job:pbs/sync/pull-offsite')
    expect(link.dataset.viewLink).toBe('true')
    // A link the page cannot open itself is a plain link.
    const source = item(root, 'source-down:pbs-offsite').querySelector('a.subject') as HTMLElement
    expect(source.dataset.viewLink).toBeUndefined()
    expect(text(item(root, 'guest-failed:homelab/101').querySelector('.alert-detail'))).toBe(
      JOB_ERROR,
    )
  })

  it('shows since when, incidents, last notice, acknowledgement and snooze, in local days', () => {
    const root = mount(alertsView(state().s))
    const fact = (id: string, name: string) =>
      text(item(root, id).querySelector(`[data-fact="${name}"]`))
    expect(fact('missed:homelab/100', 'since')).toMatch(/^yesterday 09:00 AM \(26h ago\)$/)
    expect(fact('missed:homelab/100', 'incidents')).toBe('2')
    expect(fact('missed:homelab/100', 'notified')).toMatch(/^today 09:00 AM \(2h ago\)$/)
    expect(fact('guest-failed:homelab/101', 'acknowledged')).toMatch(
      /^by ann, Fri, Nov 21, .* \(3d ago\)$/,
    )
    expect(fact('store-usage:pbs/main', 'snoozed')).toMatch(/^until today 04:00 PM \(in 5h\)$/)
    expect(item(root, 'store-usage:pbs/main').dataset.handled).toBe('snoozed')
    expect(fact('verify-failed:homelab/4242', 'resolved')).toMatch(
      /\(30h ago\): its subject no longer exists$/,
    )
    expect(text(item(root, 'age-all:homelab/102').querySelector('dt:nth-of-type(1)'))).toBe('Since')
    expect(fact('age-all:homelab/102', 'resolved')).toMatch(/^today 08:00 AM \(3h ago\)$/)
  })

  it('treats a snooze that has run out as no snooze', () => {
    const expired = alertFixture({ id: 'age-all:homelab/100', snoozedUntil: NOW - 60, since: NOW })
    const root = mount(
      alertsView(
        state({ alerts: { alerts: [expired], firing: { critical: 0, warning: 1 }, excluded: [] } })
          .s,
      ),
    )
    expect(item(root, expired.id).querySelector('[data-fact="snoozed"]')).toBeNull()
    expect(text(item(root, expired.id).querySelector('summary'))).toBe('Snooze…')
    expect(item(root, expired.id).querySelector('[data-snooze="end"]')).toBeNull()
  })

  it('filters by severity and by state, counting what each state choice would show', () => {
    const { s, on } = state({ filter: { severity: 'warning' } })
    const root = mount(alertsView(s))
    expect(ids(root)).toEqual([
      'source-down:pbs-offsite',
      'guest-failed:homelab/101',
      'store-usage:pbs/main',
      'age-all:homelab/102',
      'verify-failed:homelab/4242',
    ])
    const states = all(root, '[data-state-filter]').map(text)
    expect(states).toEqual([
      'All (5)',
      'Firing (3)',
      'Not handled (1)',
      'Acknowledged (1)',
      'Snoozed (1)',
      'Resolved (2)',
    ])
    expect(
      root.querySelector('[data-severity-filter="warning"]')?.getAttribute('aria-pressed'),
    ).toBe('true')
    click(root.querySelector('[data-state-filter="open"]'))
    expect(on.filter).toHaveBeenCalledWith({ severity: 'warning', alertState: 'open' })
    const open = mount(alertsView(state({ filter: { alertState: 'open' } }).s))
    expect(ids(open)).toEqual([
      'missed:homelab/100',
      'pbs-job:pbs/sync/pull-offsite',
      'source-down:pbs-offsite',
    ])
    const resolved = mount(alertsView(state({ filter: { alertState: 'resolved' } }).s))
    expect(all(resolved, 'h3').map(text)).toEqual([
      'Recently resolved (2)',
      'Notification channels',
    ])
  })

  it('says all clear with no alert, and what to do when a filter hides everything', () => {
    const root = mount(alertsView(state({ alerts: allClear() }).s))
    expect(text(root.querySelector('[data-empty="all-clear"]'))).toBe(
      'All clear. No alert is firing and none resolved recently.',
    )
    expect(root.querySelector('.alert-filters')).toBeNull()
    const onlyResolved = { ...data, alerts: data.alerts.filter((a) => a.state === 'resolved') }
    const calm = mount(alertsView(state({ alerts: onlyResolved }).s))
    expect(text(calm.querySelector('[data-empty="all-clear"]'))).toBe(
      'All clear: nothing is firing.',
    )
    const { s, on } = state({ alerts: onlyResolved, filter: { alertState: 'firing' } })
    const none = mount(alertsView(s))
    expect(text(none.querySelector('[data-empty="filtered"]'))).toBe(
      'No alert matches these filters. Show all alerts',
    )
    click(none.querySelector('.show-all'))
    expect(on.filter).toHaveBeenCalledWith({})
  })

  it('acknowledges with the name typed in, and unacknowledges an acknowledged one', () => {
    const { s, on } = state({ actor: () => ' sam ' })
    const root = mount(alertsView(s))
    click(item(root, 'missed:homelab/100').querySelector('button.ack'))
    expect(on.act).toHaveBeenCalledWith(data.alerts[1], { kind: 'ack', by: 'sam' }, 'Acknowledge')
    const acked = item(root, 'guest-failed:homelab/101').querySelector('button.ack') as HTMLElement
    expect(text(acked)).toBe('Unacknowledge')
    click(acked)
    expect(on.act).toHaveBeenLastCalledWith(data.alerts[2], { kind: 'unack' }, 'Unacknowledge')
    // A resolved alert has nothing to acknowledge.
    expect(item(root, 'age-all:homelab/102').querySelector('.alert-actions')).toBeNull()
  })

  it('snoozes for 1, 8 or 24 hours, until a chosen time, or ends a snooze', () => {
    const { s, on } = state()
    const root = mount(alertsView(s))
    const missed = item(root, 'missed:homelab/100')
    expect(all(missed, '.snooze-menu button').map(text)).toEqual([
      '1 hour',
      '8 hours',
      '24 hours',
      'Snooze until then',
    ])
    click(missed.querySelector('[data-snooze="8"]'))
    expect(on.act).toHaveBeenCalledWith(
      data.alerts[1],
      { kind: 'snooze', until: NOW + 8 * HOUR, by: undefined },
      'Snooze',
    )
    const input = missed.querySelector('input[name="until"]') as HTMLInputElement
    const form = missed.querySelector('form.snooze-until') as HTMLFormElement
    const local = new Date((NOW + 30 * HOUR) * 1000)
    const pad = (n: number) => String(n).padStart(2, '0')
    input.value = `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T${pad(local.getHours())}:${pad(local.getMinutes())}`
    form.requestSubmit()
    expect(on.act).toHaveBeenLastCalledWith(
      data.alerts[1],
      { kind: 'snooze', until: NOW + 30 * HOUR, by: undefined },
      'Snooze',
    )
    input.value = '2020-01-01T08:00'
    form.requestSubmit()
    expect(on.refuse).toHaveBeenCalledWith(
      data.alerts[1],
      'Choose a time in the future to snooze until.',
    )
    expect(on.act).toHaveBeenCalledTimes(2)
    const snoozed = item(root, 'store-usage:pbs/main')
    expect(text(snoozed.querySelector('summary'))).toBe('Snoozed: change…')
    click(snoozed.querySelector('[data-snooze="end"]'))
    expect(on.act).toHaveBeenLastCalledWith(
      data.alerts[4],
      { kind: 'snooze', until: null, by: undefined },
      'End snooze',
    )
  })

  it("shows an action in progress, the Worker's answer and the token form beside its alert", () => {
    const key = 'alert:missed:homelab/100'
    const { s, on } = state({
      ui: {
        busy: new Map([[key, 'Acknowledging…']]),
        notes: new Map([['alert:pbs-job:pbs/sync/pull-offsite', { text: 'Nope.', bad: true }]]),
        prompt: { key, label: 'Acknowledge', refused: false },
      },
    })
    const root = mount(alertsView(s))
    const missed = item(root, 'missed:homelab/100')
    expect(text(missed.querySelector('.busy'))).toBe('Acknowledging…')
    expect(missed.querySelector('button.ack')?.getAttribute('aria-disabled')).toBe('true')
    click(missed.querySelector('button.ack'))
    expect(on.act).not.toHaveBeenCalled()
    const note = item(root, 'pbs-job:pbs/sync/pull-offsite').querySelector('.action-note')
    expect(text(note)).toBe('Nope.')
    expect(note?.classList.contains('bad')).toBe(true)
    expect(note?.getAttribute('role')).toBe('status')
    expect(text(missed.querySelector('.token-why'))).toBe(
      'Acknowledge needs the API token (PULSE_API_TOKEN); it is kept for this tab only.',
    )
    const input = missed.querySelector('form.action-token input') as HTMLInputElement
    expect(input.type).toBe('password')
    input.value = 's3cret'
    ;(missed.querySelector('form.action-token') as HTMLFormElement).requestSubmit()
    expect(on.token).toHaveBeenCalledWith('s3cret')
    // Only one form on the page, beside the alert that asked.
    expect(all(root, 'form.action-token')).toHaveLength(1)
  })

  it('shows an error with a retry when the alerts cannot be loaded, and keeps old data on a failed reload', () => {
    const { s, on } = state({ alerts: null, error: '/api/alerts: 500 boom' })
    const root = mount(alertsView(s))
    expect(text(root.querySelector('.error-state p'))).toBe(
      'Cannot load the alerts: /api/alerts: 500 boom',
    )
    click(root.querySelector('.error-state button'))
    expect(on.retry).toHaveBeenCalled()
    const stale = mount(alertsView(state({ error: 'offline' }).s))
    expect(text(stale.querySelector('.reload-failed'))).toBe(
      'Could not reload: offline. Showing what was loaded before.',
    )
    expect(ids(stale)).toHaveLength(7)
  })

  it('lists what is not watched and why, collapsed below the alerts, and nothing when none is', () => {
    const excluded = [
      {
        kind: 'guest',
        key: 'homelab/9000',
        name: 'tmpl (VM 9000, cluster homelab)',
        reason: 'template',
      },
      {
        kind: 'job',
        key: 'homelab/old',
        name: 'backup job old, cluster homelab',
        reason: 'job disabled',
      },
    ] as const
    for (const alerts of [data, allClear()]) {
      const root = mount(alertsView(state({ alerts: { ...alerts, excluded: [...excluded] } }).s))
      const details = root.querySelector('details.not-watched') as HTMLDetailsElement
      expect(details.open).toBe(false)
      expect(text(details.querySelector('summary'))).toBe('Not watched (2)')
      expect(all(details, 'li').map((li) => text(li))).toEqual([
        'tmpl (VM 9000, cluster homelab) guest template',
        'backup job old, cluster homelab PVE backup job job disabled',
      ])
      expect(details.querySelector('[aria-live]')).toBeNull()
      // Below the alerts.
      const last = all(root, '.alert-list, .all-clear').at(-1)
      expect(last?.compareDocumentPosition(details)).toBe(Node.DOCUMENT_POSITION_FOLLOWING)
    }
    // A document from before the field (the fixtures omit it) reads as none: no section.
    expect(allClear().excluded).toEqual([])
    expect(mount(alertsView(state().s)).querySelector('details.not-watched')).toBeNull()
  })
})

// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import type { ActionsUi } from '../../../web/src/alert-actions.ts'
import {
  type ChannelsState,
  channelsView,
  quietText,
  reportText,
} from '../../../web/src/channels-view.ts'
import { channelsFixture, noChannels } from './alerts-fixtures.ts'
import { all, mount, text } from './render.ts'
import { NOW } from './summaries.ts'

const emptyUi: ActionsUi = { busy: new Map(), notes: new Map(), prompt: null }

function state(patch: Partial<ChannelsState> = {}) {
  const on = { test: vi.fn(), retry: vi.fn(), token: vi.fn(), cancelToken: vi.fn() }
  const s: ChannelsState = {
    channels: channelsFixture(NOW),
    error: null,
    now: NOW,
    timeZone: 'America/New_York',
    ui: emptyUi,
    on,
    ...patch,
  }
  return { s, on }
}

const card = (root: Element, id: string) =>
  root.querySelector(`article[data-channel="${id}"]`) as HTMLElement
const facts = (el: Element) =>
  all(el, '.channel-facts > div').map(
    (d) => `${text(d.querySelector('dt'))}: ${text(d.querySelector('dd'))}`,
  )

describe("the Alerts view's channels", () => {
  it('shows how each channel routes: minimum severity, rules, cap, quiet hours, waiting', () => {
    const root = mount(channelsView(state().s))
    expect(text(root.querySelector('h3'))).toBe('Notification channels (3)')
    expect(text(card(root, 'team').querySelector('.channel-head'))).toBe(
      'Team Discord discord · team Send test',
    )
    expect(facts(card(root, 'team'))).toEqual([
      'Tells: warning and critical',
      'Rules: all',
      'Cap: 6 message(s) per hour',
      'Quiet hours: 22:00–07:00 Europe/Berlin, critical goes out at once',
      'Report: none',
      'Waiting: 2 event(s) (quiet hours, cap or a retry)',
    ])
    expect(facts(card(root, 'mail'))).toEqual([
      'Tells: critical only',
      'Rules: Missed scheduled backup, Source unreachable',
      'Cap: no cap',
      'Quiet hours: none',
      'Report: none',
      'Waiting: nothing',
    ])
  })

  it("shows a channel's scheduled report and when the next one goes out", () => {
    const root = mount(channelsView(state().s))
    const report = card(root, 'phone').querySelector('[data-fact="report"]') as HTMLElement
    expect(text(report)).toMatch(/^daily at 08:00 Europe\/Berlin, next today .+ in 3h$/)
    expect(
      reportText({ every: 'weekly', at: '07:30', weekday: 'mon', timeZone: 'UTC', next: 0 }),
    ).toBe('weekly, Mondays at 07:30 UTC')
  })

  it('lists the delivery log newest first: time, attempt, status, HTTP status, error, next attempt', () => {
    const root = mount(channelsView(state().s))
    const rows = all(card(root, 'team'), '.delivery-log tbody tr')
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['retry', 'retry'])
    const cells = all(rows[0] as Element, 'td').map(text)
    expect(cells[0]).toMatch(/^today 10:50 AM 10m ago$/)
    expect(cells.slice(1, 5)).toEqual([
      '2',
      'failed, will retry',
      '429',
      'rate limited (Retry-After: 600)',
    ])
    expect(cells[5]).toMatch(/^today 11:20 AM in 20m$/)
    expect(all(card(root, 'phone'), '.delivery-log tbody td:nth-child(5)').map(text)).toEqual([
      '—',
      '—',
    ])
    expect(text(card(root, 'mail').querySelector('.placeholder'))).toBe('Nothing sent yet.')
  })

  it('sends a test on request and shows its result, busy state and token form', () => {
    const { s, on } = state()
    const root = mount(channelsView(s))
    ;(card(root, 'phone').querySelector('button.test') as HTMLElement).click()
    expect(on.test).toHaveBeenCalledWith(s.channels?.channels[0])
    const busy = state({
      ui: {
        busy: new Map([['channel:team', 'Sending a test message…']]),
        notes: new Map([['channel:phone', { text: 'Test message sent (HTTP 200).', bad: false }]]),
        prompt: { key: 'channel:mail', label: 'Send test', refused: true },
      },
    })
    const again = mount(channelsView(busy.s))
    expect(text(card(again, 'team').querySelector('.busy'))).toBe('Sending a test message…')
    ;(card(again, 'team').querySelector('button.test') as HTMLElement).click()
    expect(busy.on.test).not.toHaveBeenCalled()
    expect(text(card(again, 'phone').querySelector('.action-note'))).toBe(
      'Test message sent (HTTP 200).',
    )
    expect(text(card(again, 'mail').querySelector('.token-why'))).toBe(
      'The Worker refused the API token. Enter it again (PULSE_API_TOKEN):',
    )
  })

  it('points to the README when no channel is configured, and says when some were left out', () => {
    const root = mount(channelsView(state({ channels: noChannels(true) }).s))
    expect(text(root.querySelector('.empty-channels'))).toMatch(
      /^No notification channel is configured: alerts are shown here, but nobody is told\. Add one to PULSE_ALERT_CHANNELS: the README's "Alerts" section .* "Notification channels" has a copy-paste example per channel/,
    )
    expect(text(root.querySelector('.callout.warn'))).toMatch(
      /^Some entries of PULSE_ALERT_CHANNELS were left out/,
    )
  })

  it('shows an error with a retry when the channels cannot be loaded', () => {
    const { s, on } = state({ channels: null, error: '/api/alerts/channels: 503' })
    const root = mount(channelsView(s))
    expect(text(root.querySelector('.error-state p'))).toBe(
      'Cannot load the channels: /api/alerts/channels: 503',
    )
    ;(root.querySelector('.error-state button') as HTMLElement).click()
    expect(on.retry).toHaveBeenCalled()
  })

  it('writes quiet hours as local clock times in their zone', () => {
    expect(quietText(null)).toBe('none')
    expect(quietText({ start: 0, end: 450, timeZone: 'UTC', criticalBypass: false })).toBe(
      '00:00–07:30 UTC, critical waits too',
    )
  })
})

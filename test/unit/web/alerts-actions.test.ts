// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import type { Alert, DeliveryLogEntry } from '../../../shared/schema/alerts.ts'
import { type ActionDeps, createAlertActions } from '../../../web/src/alert-actions.ts'
import { NetworkError } from '../../../web/src/alerts-api.ts'
import { ApiError } from '../../../web/src/api.ts'
import { alertFixture, logEntry } from './alerts-fixtures.ts'
import { NOW } from './summaries.ts'

const alert = alertFixture({ id: 'missed:homelab/100', rule: 'missed', since: NOW - 3600 })
const KEY = 'alert:missed:homelab/100'

function setup(patch: Partial<ActionDeps> = {}) {
  let token: string | undefined
  const deps = {
    send: vi.fn(
      async (_id: string, _a: unknown, _t: string | undefined): Promise<Alert> => ({
        ...alert,
        acknowledged: { by: 'from-the-worker', at: NOW },
      }),
    ),
    test: vi.fn(async (): Promise<DeliveryLogEntry> => logEntry({ at: NOW })),
    token: {
      read: vi.fn(() => token),
      save: vi.fn((t: string) => {
        token = t
      }),
      forget: vi.fn(() => {
        token = undefined
      }),
    },
    allowed: () => true,
    now: () => NOW,
    timeZone: () => 'America/New_York',
    onAlert: vi.fn(),
    onStale: vi.fn(),
    onTested: vi.fn(),
    changed: vi.fn(),
    focusPrompt: vi.fn(),
    ...patch,
  }
  return { deps, actions: createAlertActions(deps), setToken: (t: string) => (token = t) }
}

const unauthorized = () => new ApiError('/api/alerts/x/ack: 401 A valid API token is required', 401)

describe('acting on alerts from the page', () => {
  it("shows the Worker's answer, not the request: who it recorded, and when", async () => {
    const { deps, actions } = setup()
    await actions.alert(alert, { kind: 'ack', by: 'sam' }, 'Acknowledge')
    expect(deps.send).toHaveBeenCalledWith(alert.id, { kind: 'ack', by: 'sam' }, undefined)
    expect(deps.onAlert).toHaveBeenCalledWith(
      expect.objectContaining({ acknowledged: { by: 'from-the-worker', at: NOW } }),
    )
    expect(actions.ui().notes.get(KEY)?.text).toMatch(/^Acknowledged by from-the-worker, today /)
    expect(actions.ui().busy.size).toBe(0)
  })

  it('says so when the Worker did not do what was asked', async () => {
    const { actions } = setup({ send: vi.fn(async () => ({ ...alert, snoozedUntil: null })) })
    await actions.alert(alert, { kind: 'snooze', until: NOW + 60 }, 'Snooze')
    expect(actions.ui().notes.get(KEY)).toEqual({
      text: 'Not snoozed: the Worker did not keep that time.',
      bad: true,
    })
    await actions.alert(alert, { kind: 'snooze', until: null }, 'End snooze')
    expect(actions.ui().notes.get(KEY)).toEqual({
      text: 'Snooze ended: notifications resume.',
      bad: false,
    })
  })

  it('is busy while the request runs and ignores a second click meanwhile', async () => {
    let answer: (a: Alert) => void = () => {}
    const { deps, actions } = setup({ send: vi.fn(() => new Promise<Alert>((r) => (answer = r))) })
    const first = actions.alert(alert, { kind: 'unack' }, 'Unacknowledge')
    expect(actions.ui().busy.get(KEY)).toBe('Removing the acknowledgement…')
    await actions.alert(alert, { kind: 'unack' }, 'Unacknowledge')
    expect(deps.send).toHaveBeenCalledTimes(1)
    answer({ ...alert, acknowledged: null })
    await first
    expect(actions.ui().busy.has(KEY)).toBe(false)
    expect(actions.ui().notes.get(KEY)?.text).toBe('Acknowledgement removed: reminders resume.')
  })

  it('asks for the token on a 401 beside the button, then retries with it', async () => {
    const send = vi.fn(async (_id: string, _a: unknown, token: string | undefined) => {
      if (token !== 'tok') throw unauthorized()
      return { ...alert, acknowledged: { by: null, at: NOW } }
    })
    const { deps, actions } = setup({ send })
    await actions.alert(alert, { kind: 'ack' }, 'Acknowledge')
    expect(actions.ui().prompt).toEqual(
      expect.objectContaining({ key: KEY, label: 'Acknowledge', refused: false }),
    )
    expect(actions.ui().notes.has(KEY)).toBe(false)
    expect(deps.focusPrompt).toHaveBeenCalledWith(KEY)
    expect(deps.onAlert).not.toHaveBeenCalled()
    await actions.submitToken('tok')
    expect(deps.token.save).toHaveBeenCalledWith('tok')
    expect(send).toHaveBeenLastCalledWith(alert.id, { kind: 'ack' }, 'tok')
    expect(actions.ui().prompt).toBeNull()
    expect(actions.ui().notes.get(KEY)?.text).toMatch(/^Acknowledged, today /)
  })

  it('forgets a token the Worker refused and asks again, saying it was refused', async () => {
    const { deps, actions, setToken } = setup({
      send: vi.fn(async () => Promise.reject(unauthorized())),
    })
    setToken('old')
    await actions.alert(alert, { kind: 'ack' }, 'Acknowledge')
    expect(deps.token.forget).toHaveBeenCalled()
    expect(actions.ui().prompt?.refused).toBe(true)
    actions.cancelPrompt()
    expect(actions.ui().prompt).toBeNull()
  })

  it('explains instead of sending when the Worker has no API token at all', async () => {
    const { deps, actions } = setup({ allowed: () => false })
    await actions.alert(alert, { kind: 'ack' }, 'Acknowledge')
    expect(deps.send).not.toHaveBeenCalled()
    expect(actions.ui().notes.get(KEY)).toEqual({
      text: 'Acknowledge needs the API token, and this Worker has none: set PULSE_API_TOKEN (README, "API") to act on alerts from the page.',
      bad: true,
    })
  })

  it.each([
    [
      new ApiError('x: 409 Not firing', 409),
      'Not done: the alert is no longer firing, so there is nothing to acknowledge. The list was reloaded.',
      true,
    ],
    [
      new ApiError('x: 404 No alert', 404),
      'This alert no longer exists on the Worker; the list was reloaded.',
      true,
    ],
    [
      new NetworkError('Failed to fetch'),
      'Could not reach the Worker (Failed to fetch): it may not have been saved. Try again.',
      false,
    ],
    [
      new ApiError('/api/alerts/x/ack: 500 boom', 500),
      'The Worker refused it: /api/alerts/x/ack: 500 boom.',
      false,
    ],
  ])(
    'says what went wrong (%s), and reloads the list when it is out of date',
    async (error, text, stale) => {
      const { deps, actions } = setup({ send: vi.fn(async () => Promise.reject(error)) })
      await actions.alert(alert, { kind: 'ack' }, 'Acknowledge')
      expect(actions.ui().notes.get(KEY)).toEqual({ text, bad: true })
      expect(deps.onStale).toHaveBeenCalledTimes(stale ? 1 : 0)
      expect(deps.onAlert).not.toHaveBeenCalled()
    },
  )

  it("reports a channel test's attempt, and reloads the channel's log either way", async () => {
    const retry = logEntry({
      status: 'retry',
      httpStatus: 429,
      error: 'rate limited',
      nextAttemptAt: NOW + 600,
    })
    const { deps, actions } = setup({ test: vi.fn(async () => retry) })
    await actions.test('team', 'Send test')
    expect(deps.test).toHaveBeenCalledWith('team', undefined)
    expect(actions.ui().notes.get('channel:team')?.text).toMatch(
      /^Test message not delivered; it will be retried \(HTTP 429\): rate limited\. Next attempt today /,
    )
    expect(deps.onTested).toHaveBeenCalledTimes(1)
    const failing = setup({
      test: vi.fn(async () => Promise.reject(new ApiError('x: 404 No channel', 404))),
    })
    await failing.actions.test('gone', 'Send test')
    expect(failing.actions.ui().notes.get('channel:gone')?.text).toBe(
      'This channel is no longer configured; the list was reloaded.',
    )
    expect(failing.deps.onTested).toHaveBeenCalledTimes(1)
    expect(failing.deps.onStale).not.toHaveBeenCalled()
  })
})

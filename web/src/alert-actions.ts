// What happens when the viewer acknowledges, snoozes or tests from the Alerts view: the request
// goes out with the API token (the same one Refresh uses), the button says it is busy, and
// what is then shown is the Worker's answer, never the request's hope. A 401 asks for the
// token beside the button and retries with it; 404 / 409 / network errors are said in words.
import type { Alert, DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import { dayTime } from './alert-words.ts'
import type { AlertAction } from './alerts-api.ts'
import { NetworkError } from './alerts-api.ts'
import { ApiError } from './api.ts'

export interface ActionNote {
  text: string
  bad: boolean
}

/** The token form, shown beside what asked for it. */
export interface TokenPrompt {
  key: string
  /** The button's word ("Acknowledge"), repeated on the form's submit. */
  label: string
  /** A token was sent and refused (rather than none sent). */
  refused: boolean
}

/** What the Alerts view shows of the actions, keyed `alert:<id>` / `channel:<id>`. */
export interface ActionsUi {
  busy: ReadonlyMap<string, string>
  notes: ReadonlyMap<string, ActionNote>
  prompt: TokenPrompt | null
}

export interface ActionDeps {
  send(id: string, action: AlertAction, token: string | undefined): Promise<Alert>
  test(id: string, token: string | undefined): Promise<DeliveryLogEntry>
  token: { read(): string | undefined; save(token: string): void; forget(): void }
  /** From /api/status: false when the Worker has no token and no anonymous opt-out. */
  allowed(): boolean
  now(): number
  timeZone(): string
  /** The alert as the Worker now has it. */
  onAlert(alert: Alert): void
  /** The list is out of date (the alert vanished or resolved meanwhile): reload it. */
  onStale(): void
  /** A test was attempted: the channel's delivery log has a new entry. */
  onTested(): void
  changed(): void
  /** The token form for `key` was just drawn: put the cursor in it. */
  focusPrompt(key: string): void
}

export const alertKey = (id: string) => `alert:${id}`
export const channelKey = (id: string) => `channel:${id}`

const BUSY: Record<AlertAction['kind'] | 'test', string> = {
  ack: 'Acknowledging…',
  unack: 'Removing the acknowledgement…',
  snooze: 'Saving the snooze…',
  test: 'Sending a test message…',
}

const NO_TOKEN_SET =
  'needs the API token, and this Worker has none: set PULSE_API_TOKEN (README, "API") to act on alerts from the page.'

/** The Worker's answer to an action, in words; `bad` when it did not do what was asked. */
export function actionResult(
  action: AlertAction,
  alert: Alert,
  now: number,
  timeZone: string,
): ActionNote {
  const at = (t: number) => dayTime(t, now, timeZone)
  switch (action.kind) {
    case 'ack': {
      const a = alert.acknowledged
      if (!a) return { text: 'The Worker did not record the acknowledgement.', bad: true }
      return { text: `Acknowledged${a.by ? ` by ${a.by}` : ''}, ${at(a.at)}.`, bad: false }
    }
    case 'unack':
      return alert.acknowledged
        ? { text: 'The Worker still has it acknowledged.', bad: true }
        : { text: 'Acknowledgement removed: reminders resume.', bad: false }
    case 'snooze':
      if (alert.snoozedUntil !== null && alert.snoozedUntil > now)
        return { text: `Snoozed until ${at(alert.snoozedUntil)}.`, bad: false }
      return action.until === null
        ? { text: 'Snooze ended: notifications resume.', bad: false }
        : { text: 'Not snoozed: the Worker did not keep that time.', bad: true }
  }
}

const STATUS_WORDS: Record<DeliveryLogEntry['status'], string> = {
  sent: 'sent',
  retry: 'not delivered; it will be retried',
  failed: 'refused',
  'gave-up': 'not delivered; given up',
}

export function testResult(entry: DeliveryLogEntry, now: number, timeZone: string): ActionNote {
  const http = entry.httpStatus !== null ? ` (HTTP ${entry.httpStatus})` : ''
  if (entry.status === 'sent') return { text: `Test message sent${http}.`, bad: false }
  const error = entry.error ? `: ${entry.error}` : ''
  const next =
    entry.nextAttemptAt !== null
      ? ` Next attempt ${dayTime(entry.nextAttemptAt, now, timeZone)}.`
      : ''
  return { text: `Test message ${STATUS_WORDS[entry.status]}${http}${error}.${next}`, bad: true }
}

function failure(error: unknown, what: 'alert' | 'channel', action: string): ActionNote {
  if (error instanceof NetworkError)
    return {
      text: `Could not reach the Worker (${error.message}): it may not have been saved. Try again.`,
      bad: true,
    }
  if (error instanceof ApiError && error.status === 404)
    return what === 'alert'
      ? { text: 'This alert no longer exists on the Worker; the list was reloaded.', bad: true }
      : { text: 'This channel is no longer configured; the list was reloaded.', bad: true }
  if (error instanceof ApiError && error.status === 409)
    return {
      text: `Not done: the alert is no longer firing, so there is nothing to ${action}. The list was reloaded.`,
      bad: true,
    }
  const message = error instanceof Error ? error.message : 'unknown error'
  return { text: `The Worker refused it: ${message}.`, bad: true }
}

export interface AlertActions {
  ui(): ActionsUi
  alert(alert: Alert, action: AlertAction, label: string): Promise<void>
  test(channelId: string, label: string): Promise<void>
  /** A note the page itself has for an item (e.g. a snooze time in the past). */
  note(key: string, note: ActionNote): void
  submitToken(token: string): Promise<void>
  cancelPrompt(): void
}

export function createAlertActions(deps: ActionDeps): AlertActions {
  const busy = new Map<string, string>()
  const notes = new Map<string, ActionNote>()
  let prompt: (TokenPrompt & { retry: () => Promise<void> }) | null = null

  async function run(
    key: string,
    label: string,
    busyText: string,
    what: 'alert' | 'channel',
    attempt: (token: string | undefined) => Promise<ActionNote>,
  ): Promise<void> {
    if (busy.has(key)) return
    if (!deps.allowed()) {
      notes.set(key, { text: `${label} ${NO_TOKEN_SET}`, bad: true })
      deps.changed()
      return
    }
    const token = deps.token.read()
    busy.set(key, busyText)
    notes.delete(key)
    if (prompt?.key === key) prompt = null
    deps.changed()
    try {
      notes.set(key, await attempt(token))
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        if (token) deps.token.forget()
        const retry = () => run(key, label, busyText, what, attempt)
        prompt = { key, label, refused: token !== undefined, retry }
      } else {
        notes.set(key, failure(error, what, label.toLowerCase()))
        const gone = error instanceof ApiError && (error.status === 404 || error.status === 409)
        if (gone && what === 'alert') deps.onStale()
      }
    } finally {
      busy.delete(key)
      deps.changed()
    }
    if (prompt?.key === key) deps.focusPrompt(key)
  }

  return {
    ui: () => ({ busy, notes, prompt }),
    alert: (alert, action, label) =>
      run(alertKey(alert.id), label, BUSY[action.kind], 'alert', async (token) => {
        const next = await deps.send(alert.id, action, token)
        deps.onAlert(next)
        return actionResult(action, next, deps.now(), deps.timeZone())
      }),
    test: (channelId, label) =>
      run(channelKey(channelId), label, BUSY.test, 'channel', async (token) => {
        try {
          return testResult(await deps.test(channelId, token), deps.now(), deps.timeZone())
        } finally {
          deps.onTested()
        }
      }),
    note(key, note) {
      notes.set(key, note)
      deps.changed()
    },
    async submitToken(token) {
      const pending = prompt
      if (!pending || token === '') return
      deps.token.save(token)
      prompt = null
      await pending.retry()
    },
    cancelPrompt() {
      prompt = null
      deps.changed()
    },
  }
}

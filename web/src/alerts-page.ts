// The Alerts view's glue: the alerts (alerts-feed.ts, which the header's count shares) and
// /api/alerts/channels, the actions with the API token, the name sent with them, and where
// focus goes while a token form opens and closes. Its own chunk (chunks.ts): main.ts loads it
// when the view is first shown, draws it and routes its links.
import { render as draw } from 'lit-html'
import type { Alert, ChannelsResponse } from '../../shared/schema/alerts.ts'
import { createAlertActions } from './alert-actions.ts'
import { loadChannels, sendAlertAction, sendChannelTest } from './alerts-api.ts'
import type { AlertsFeed } from './alerts-feed.ts'
import { alertsView } from './alerts-view.ts'
import { forgetToken, readToken, saveToken } from './api-token.ts'
import { viewerTimeZone } from './format.ts'
import { ensure, type Loaded, notLoaded } from './loaded.ts'
import { followLink, parseViewState, type ViewState } from './view-state.ts'

/** The name sent with acknowledgements: not a secret, so it outlives the tab. */
const ACTOR_KEY = 'pulse-edge-actor'

export interface AlertsPageDeps {
  alerts: AlertsFeed
  view(): ViewState
  hrefOf(state: ViewState): string
  change(patch: Partial<ViewState>): void
  /** From /api/status: whether the Worker accepts a token (or none) for changes at all. */
  allowed(): boolean
  now(): number
  render(): void
}

export interface AlertsPage {
  /** With the page's periodic reload: the channels once shown (the feed reloads itself). */
  reload(): void
  draw(slot: HTMLElement, now: number): void
}

export function createAlertsPage(deps: AlertsPageDeps): AlertsPage {
  const feed = deps.alerts
  let channels: Loaded<ChannelsResponse> = notLoaded()
  let actor = localStorage.getItem(ACTOR_KEY) ?? ''
  let slot: HTMLElement | null = null
  /** The button an action started from: focus goes back to it when its token form closes. */
  let origin: HTMLElement | null = null

  const ensureChannels = (again = false) =>
    ensure(
      () => channels,
      (n) => {
        channels = n
      },
      loadChannels,
      deps.render,
      again,
    )

  const actions = createAlertActions({
    send: sendAlertAction,
    test: sendChannelTest,
    token: { read: readToken, save: saveToken, forget: forgetToken },
    allowed: deps.allowed,
    now: deps.now,
    timeZone: viewerTimeZone,
    onAlert: feed.replace,
    onStale: () => void feed.ensure(true),
    onTested: () => void ensureChannels(true),
    changed: deps.render,
    focusPrompt: () => slot?.querySelector<HTMLElement>('form.action-token input')?.focus(),
  })

  const rememberOrigin = () => {
    origin = document.activeElement instanceof HTMLElement ? document.activeElement : null
  }
  const backToOrigin = () => {
    if (origin?.isConnected) origin.focus()
  }

  /**
   * An alert's link is absolute (messages carry it too). Its query is a view of this
   * dashboard, so on the page it opens in place, from the current view's state; the URL
   * `PULSE_BASE_URL` names may be another hostname for the same Worker.
   */
  function subjectHref(alert: Alert): { href: string; inPage: boolean } {
    let url: URL
    try {
      url = new URL(alert.link, location.href)
    } catch {
      return { href: alert.link, inPage: false }
    }
    const target = followLink(deps.view(), parseViewState(url.search))
    return { href: deps.hrefOf(target), inPage: true }
  }

  return {
    reload() {
      if (channels.data || channels.error) void ensureChannels(true)
    },
    draw(into, now) {
      slot = into
      void feed.ensure()
      void ensureChannels()
      const alerts = feed.get()
      const view = deps.view()
      draw(
        alertsView({
          alerts: alerts.data,
          error: alerts.error,
          filter: { severity: view.severity, alertState: view.alertState },
          channels: { channels: channels.data, error: channels.error },
          now,
          timeZone: viewerTimeZone(),
          ui: actions.ui(),
          actor: () => actor,
          subjectHref,
          on: {
            act(alert, action, label) {
              rememberOrigin()
              void actions.alert(alert, action, label)
            },
            refuse: (alert, text) => actions.note(`alert:${alert.id}`, { text, bad: true }),
            test(channel) {
              rememberOrigin()
              void actions.test(channel.id, 'Send test')
            },
            token(value) {
              backToOrigin()
              void actions.submitToken(value)
            },
            cancelToken() {
              backToOrigin()
              actions.cancelPrompt()
            },
            filter: (f) => deps.change({ severity: f.severity, alertState: f.alertState }),
            actor(name) {
              actor = name.trim().slice(0, 64)
              localStorage.setItem(ACTOR_KEY, actor)
            },
            retry: () => void feed.ensure(true),
            retryChannels: () => void ensureChannels(true),
          },
        }),
        into,
      )
    },
  }
}

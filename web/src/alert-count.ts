// The header's count of firing alerts, on every view, linking to the Alerts view. Loaded with
// the page's periodic reload; the visible link is not live, and a separate status line speaks
// only when the counts change, never on a tick or a reload that found the same.
import { html, nothing, render, type TemplateResult } from 'lit-html'
import type { AlertsResponse } from '../../shared/schema/alerts.ts'

export type Firing = AlertsResponse['firing']

export function firingText(f: Firing): string {
  if (f.critical + f.warning === 0) return 'No alerts firing'
  const parts = [
    f.critical > 0 ? `${f.critical} critical` : '',
    f.warning > 0 ? `${f.warning} warning` : '',
  ].filter(Boolean)
  return `${parts.join(', ')} firing`
}

export interface AlertCountState {
  firing: Firing | null
  error: string | null
  href: string
  /** What the status line says; changed only when the counts change. */
  live: string
}

export function alertCountView(state: AlertCountState): TemplateResult {
  const { firing } = state
  const level = !firing
    ? 'unknown'
    : firing.critical > 0
      ? 'critical'
      : firing.warning > 0
        ? 'warning'
        : 'clear'
  const text = firing ? firingText(firing) : state.error ? 'Alerts unavailable' : ''
  return html`${
    text
      ? html`<a class="alert-count" href=${state.href} data-page="alerts" data-level=${level} title=${state.error ?? nothing}>${text}</a>`
      : nothing
  }<span class="sr-only" role="status">${state.live}</span>`
}

export interface AlertCount {
  render(firing: Firing | null, error: string | null, href: string): void
}

export function createAlertCount(slot: HTMLElement): AlertCount {
  let said: string | null = null
  let live = ''
  return {
    render(firing, error, href) {
      if (firing) {
        const now = firingText(firing)
        // The first count is on screen, not news; later ones are said when they differ.
        if (said !== null && now !== said) live = `Alerts: ${now}.`
        said = now
      }
      render(alertCountView({ firing, error, href, live }), slot)
    },
  }
}

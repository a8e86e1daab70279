// The header's links between the page's views. Real links (middle-click opens a tab) that
// carry the rest of the URL state, so coming back to Guests finds its filters as they were.
import { html, nothing, type TemplateResult } from 'lit-html'
import type { Page } from './view-state.ts'

export const PAGE_TITLES: Record<Page, string> = {
  guests: 'Guests',
  jobs: 'Jobs',
  storage: 'Storage',
  alerts: 'Alerts',
  activity: 'Activity',
}

export function navView(current: Page, hrefFor: (page: Page) => string): TemplateResult {
  return html`<ul>
    ${(Object.keys(PAGE_TITLES) as Page[]).map(
      (page) =>
        html`<li><a href=${hrefFor(page)} data-page=${page} aria-current=${page === current ? 'page' : nothing}>${PAGE_TITLES[page]}</a></li>`,
    )}
  </ul>`
}

// A table alternative behind <details>, built only while it is open: a year of days (or the
// samples of six stores) would otherwise be thousands of rows in the page that nobody opened,
// diffed again on every 30-second tick. Open, it is drawn on each render like the rest.
import { html, render, type TemplateResult } from 'lit-html'
import { ref } from 'lit-html/directives/ref.js'

const fill = (details: HTMLDetailsElement, body: () => TemplateResult) => {
  const slot = details.querySelector<HTMLElement>(':scope > .lazy-body')
  if (slot && details.open) render(body(), slot)
}

export function lazyDetails(
  className: string,
  summary: string | TemplateResult,
  body: () => TemplateResult,
): TemplateResult {
  // A new callback each render: lit calls it, and an open table follows the data.
  const keep = (el: Element | undefined) => {
    if (el) fill(el as HTMLDetailsElement, body)
  }
  return html`<details
    class=${className}
    ${ref(keep)}
    @toggle=${(e: Event) => fill(e.currentTarget as HTMLDetailsElement, body)}
  >
    <summary>${summary}</summary>
    <div class="lazy-body"></div>
  </details>`
}

// Links to the backup inventory for audits (GET /api/export/inventory.csv and .json: each guest
// with its newest backup per type, job, location, size, verification). Plain links, so a
// middle-click or "save link as" works where the route is open (Cloudflare Access in front is
// carried by the browser's cookie); a click fetches the file instead, so that a Worker that
// guards the route with PULSE_API_TOKEN gets the token this tab already holds for "Refresh
// now" — asked for here when there is none.
import { html, nothing, render, type TemplateResult } from 'lit-html'
import { el } from './dom.ts'

export const EXPORTS = [
  { format: 'csv', path: '/api/export/inventory.csv', label: 'CSV' },
  { format: 'json', path: '/api/export/inventory.json', label: 'JSON' },
] as const
type Format = (typeof EXPORTS)[number]['format']

export interface TokenStore {
  get(): string | null
  set(token: string): void
}

interface ExportState {
  busy: Format | null
  message: string | null
  error: boolean
  /** The route answered 401: the token form is shown for this format. */
  asking: Format | null
}

/** `filename="x.csv"` (or RFC 5987 `filename*=UTF-8''x.csv`) of a Content-Disposition. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // Fall through to the plain form.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)
  return plain?.[1]?.trim() || null
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = el('a')
  a.href = url
  a.download = name
  a.hidden = true
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

export interface ExportLinks {
  element: HTMLElement
}

export function createExportLinks(tokens: TokenStore, today: () => string): ExportLinks {
  const element = el('section', undefined, 'export-links')
  element.setAttribute('aria-label', 'Export')
  let state: ExportState = { busy: null, message: null, error: false, asking: null }
  const set = (patch: Partial<ExportState>) => {
    state = { ...state, ...patch }
    render(view(), element)
  }

  async function download(format: Format): Promise<void> {
    const entry = EXPORTS.find((e) => e.format === format)
    if (!entry || state.busy) return
    set({ busy: format, message: null, error: false })
    const headers: Record<string, string> = {}
    const token = tokens.get()
    if (token) headers.authorization = `Bearer ${token}`
    try {
      const response = await fetch(entry.path, { headers, cache: 'no-store' })
      if (response.status === 401) {
        set({
          busy: null,
          asking: format,
          error: true,
          message: token
            ? 'That API token was not accepted. Enter PULSE_API_TOKEN again.'
            : 'The export needs the API token (PULSE_API_TOKEN).',
        })
        return
      }
      if (!response.ok) {
        set({
          busy: null,
          error: true,
          message: `Export failed: ${response.status} ${response.statusText}`.trim(),
        })
        return
      }
      const name =
        dispositionName(response.headers.get('content-disposition')) ??
        `pulse-edge-inventory-${today()}.${format}`
      save(await response.blob(), name)
      set({ busy: null, asking: null, error: false, message: `Downloaded ${name}.` })
    } catch (error) {
      set({
        busy: null,
        error: true,
        message: `Export failed: ${error instanceof Error ? error.message : 'network error'}`,
      })
    }
  }

  const click = (format: Format) => (e: MouseEvent) => {
    // A modified or middle click is the browser's (new tab, save as).
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    void download(format)
  }

  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const input = (e.currentTarget as HTMLFormElement).querySelector('input')
    const format = state.asking
    if (!input || !format) return
    // Kept for this tab only, as for "Refresh now"; sent only to this Worker's own routes.
    tokens.set(input.value)
    set({ asking: null, message: null })
    void download(format)
  }

  const view = (): TemplateResult => html`<p>
      Backup inventory for audits (each guest's newest backup per type, job, location, size,
      verification):
      ${EXPORTS.map(
        (x, i) =>
          html`${i > 0 ? ' · ' : ''}<a href=${x.path} download data-export=${x.format} aria-busy=${state.busy === x.format ? 'true' : 'false'} @click=${click(x.format)}>${x.label}</a>`,
      )}
    </p>
    ${state.message ? html`<p class=${state.error ? 'export-note bad' : 'export-note'} role="status">${state.message}</p>` : nothing}
    ${
      state.asking
        ? html`<form class="token-form" @submit=${submit}>
          <input type="password" autocomplete="off" aria-label="API token" placeholder="API token" />
          <button type="submit">Download ${state.asking.toUpperCase()}</button>
        </form>`
        : nothing
    }`

  render(view(), element)
  return { element }
}

// The drill-down's <dialog> and its frame (title, Close, body), in the page from the start: the
// drill-down itself (detail.ts, its own chunk) is fetched the first time one opens, and until
// it has arrived — or if it cannot be — this frame says so in the same dialog.
import { html, type TemplateResult } from 'lit-html'

export function createDialog(onClose: () => void): HTMLDialogElement {
  const dialog = document.createElement('dialog')
  dialog.className = 'detail'
  dialog.setAttribute('aria-labelledby', 'detail-title')
  dialog.addEventListener('close', onClose)
  // A click on the backdrop (outside the dialog box) closes it, as people expect of a modal.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close()
  })
  return dialog
}

/** `kind` is the body's data-detail (loading, error, guest, orphan). */
export function detailFrame(
  title: string,
  kind: string,
  body: TemplateResult,
  onClose: () => void,
): TemplateResult {
  return html`<header>
      <h2 id="detail-title">${title}</h2>
      <button type="button" class="close" @click=${onClose}>Close</button>
    </header>
    <div class="detail-body" data-detail=${kind}>${body}</div>`
}

export const detailLoading = () => html`<p class="placeholder">Loading backups…</p>`
export const detailError = (message: string) => html`<p class="error">${message}</p>`

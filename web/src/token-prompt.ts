// The API token form an action opens beside its button when the Worker answered 401: what is
// needed and why, a password field, and the action's own word to retry with it.
import { html, type TemplateResult } from 'lit-html'
import type { TokenPrompt } from './alert-actions.ts'

export interface TokenHandlers {
  token(value: string): void
  cancelToken(): void
}

export function tokenPrompt(prompt: TokenPrompt, on: TokenHandlers): TemplateResult {
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('token')
    if (input instanceof HTMLInputElement && input.value !== '') on.token(input.value)
  }
  return html`<form class="token-form action-token" @submit=${submit}>
    <p class="token-why" id=${`why-${prompt.key}`}>${
      prompt.refused
        ? 'The Worker refused the API token. Enter it again (PULSE_API_TOKEN):'
        : `${prompt.label} needs the API token (PULSE_API_TOKEN); it is kept for this tab only.`
    }</p>
    <input type="password" name="token" autocomplete="off" required aria-label="API token" placeholder="API token" aria-describedby=${`why-${prompt.key}`} />
    <button type="submit">${prompt.label}</button>
    <button type="button" @click=${on.cancelToken}>Cancel</button>
  </form>`
}

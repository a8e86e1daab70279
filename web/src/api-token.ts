// The API token (PULSE_API_TOKEN) the viewer typed in, for the requests that change something:
// a refresh, an alert's acknowledge / snooze, a channel's test. Kept for this tab only
// (sessionStorage) and sent only to this Worker's own API.
const TOKEN_KEY = 'pulse-edge-api-token'

export function readToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token)
}

/** A token the Worker refused is not sent again. */
export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY)
}

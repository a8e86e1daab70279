// Response builders with each product's headers and error body conventions.

export type RouteResult =
  | { ok: true; data: unknown; extra?: Record<string, unknown> }
  | { ok: false; status: number; message: string; errors?: Record<string, string> }

export const ok = (data: unknown, extra?: Record<string, unknown>): RouteResult =>
  extra ? { ok: true, data, extra } : { ok: true, data }

export const fail = (
  status: number,
  message: string,
  errors?: Record<string, string>,
): RouteResult => (errors ? { ok: false, status, message, errors } : { ok: false, status, message })

const JSON_TYPE = 'application/json;charset=UTF-8'

export function pveHeaders(): Headers {
  return new Headers({
    'content-type': JSON_TYPE,
    server: 'pve-api-daemon/3.0',
    'cache-control': 'max-age=0',
    pragma: 'no-cache',
    expires: new Date().toUTCString(),
  })
}

export function pbsHeaders(): Headers {
  return new Headers({ 'content-type': JSON_TYPE })
}

/** PVE status lines carry the first line of the error; a newline would break the status line. */
export function reason(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/[^\t\x20-\x7e]/g, '?')
}

export function pveSuccess(data: unknown, extra?: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ data, ...extra }), { status: 200, headers: pveHeaders() })
}

/** `legacy` mimics libpve-http-server-perl < 5.2: no `message` key, reason only in the status line. */
export function pveError(
  status: number,
  message: string,
  errors?: Record<string, string>,
  legacy = false,
): Response {
  const body: Record<string, unknown> = { data: null }
  if (errors) body.errors = errors
  if (!legacy) body.message = message
  return new Response(JSON.stringify(body), {
    status,
    statusText: reason(message),
    headers: pveHeaders(),
  })
}

export function pveEmpty(status: number, statusText: string): Response {
  return new Response(null, { status, statusText, headers: { 'content-length': '0' } })
}

export function pbsSuccess(data: unknown, extra?: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ data, ...extra }), { status: 200, headers: pbsHeaders() })
}

/** PBS error bodies are plain text even though the content type says JSON. */
export function pbsError(status: number, message: string): Response {
  return new Response(message, { status, headers: pbsHeaders() })
}

export function labJson(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()

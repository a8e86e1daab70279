// The one way the Worker talks to Proxmox: the product's token header, optional Cloudflare
// Access service-token headers, a timeout on every request, a request budget, and every
// failure mapped to a ProxmoxError a person can act on. A request holds one of the invocation's
// connections (limit.ts) only while it is on the wire: its answer is parsed and checked after
// the connection went to the next request, so a long answer's parsing never leaves one idle.
import type { z } from 'zod'
import type { SourceConfig } from '../config.ts'
import type { RequestBudget } from './budget.ts'
import { isProxmoxError, ProxmoxError } from './errors.ts'
import type { Limiter, LimitOptions } from './limit.ts'

export type Query = Record<string, string | number | boolean | undefined>

export interface ProxmoxClient {
  readonly sourceId: string
  /**
   * GET `/api2/json<path>` and validate `data` with `schema`; `lane` is the request's place in
   * the limiter's queue (limit.ts).
   */
  get<T extends z.ZodType>(
    path: string,
    schema: T,
    query?: Query,
    lane?: LimitOptions,
  ): Promise<z.output<T>>
}

export interface ClientOptions {
  fetch?: typeof fetch
  /** Taken when the request gets its connection, so the limiter's lanes decide what is spent. */
  budget?: RequestBudget
  /** The invocation's connections, shared by every source of a pass; none: unlimited. */
  limit?: Limiter
}

const MAX_MESSAGE_CHARS = 200

function authorizationHeader(source: SourceConfig): string {
  const { tokenSecret } = source.credentials
  // PVE separates token id and secret with '=', PBS with ':' (proxmox-api.md §0.2).
  return source.kind === 'pve'
    ? `PVEAPIToken=${source.tokenId}=${tokenSecret}`
    : `PBSAPIToken=${source.tokenId}:${tokenSecret}`
}

function buildUrl(base: string, path: string, query: Query | undefined): string {
  const url = new URL(`${base}/api2/json${path}`)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value))
  }
  return url.toString()
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? ''
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}…` : line
}

/** PVE errors carry JSON `message` (libpve-http-server ≥ 5.2), PBS plain text, old PVE neither. */
function upstreamReason(body: string, statusText: string): string {
  if (body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed && typeof parsed === 'object' && 'message' in parsed) {
        const { message } = parsed
        if (typeof message === 'string' && message.trim() !== '') return firstLine(message)
      }
      if (parsed && typeof parsed === 'object') return firstLine(statusText)
    } catch {
      return firstLine(body)
    }
  }
  return firstLine(statusText)
}

function isAccessLogin(response: Response): boolean {
  const location = response.headers.get('location') ?? ''
  const type = response.headers.get('content-type') ?? ''
  return location.includes('cloudflareaccess.com') || type.includes('text/html')
}

/** Statuses a proxy sends for an origin it cannot reach (Cloudflare: 52x, 530 tunnel down). */
const PROXY_UNREACHABLE = new Set([502, 503, 504, 520, 521, 522, 523, 524, 530])

function mapStatus(response: Response, body: string, where: string): ProxmoxError {
  const status = response.status
  // Proxmox never answers with HTML; a proxy's or Cloudflare's error page would otherwise
  // become the reason ("HTTP 530: <!DOCTYPE html>").
  if (
    PROXY_UNREACHABLE.has(status) &&
    (response.headers.get('content-type') ?? '').includes('text/html')
  ) {
    return new ProxmoxError(
      'unreachable',
      `${where}: not reachable through the tunnel or proxy in front of it (HTTP ${status})`,
      { status },
    )
  }
  const reason = upstreamReason(body, response.statusText)
  if (status === 401) {
    return new ProxmoxError(
      'auth',
      `${where}: the API token was rejected (401); check its id and secret`,
      { status },
    )
  }
  if (status === 403) {
    return new ProxmoxError(
      'permission',
      `${where}: permission denied (403)${reason ? `: ${reason}` : ''}`,
      { status },
    )
  }
  // AnyEvent pseudo statuses from pveproxy when the target node is down (proxmox-api.md §0.4).
  if (status >= 595 && status <= 599) {
    return new ProxmoxError(
      'unreachable',
      `${where}: node unreachable (${status}${reason ? ` ${reason}` : ''})`,
      { status },
    )
  }
  return new ProxmoxError('http', `${where}: HTTP ${status}${reason ? `: ${reason}` : ''}`, {
    status,
  })
}

function mapFetchFailure(error: unknown, where: string, timeoutMs: number): ProxmoxError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ProxmoxError('timeout', `${where}: no answer within ${timeoutMs} ms`, {
      cause: error,
    })
  }
  return new ProxmoxError('unreachable', `${where}: cannot connect`, { cause: error })
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return 'unexpected shape'
  const path = first.path.length > 0 ? first.path.join('.') : 'data'
  return `unexpected shape at ${path} (${first.code})`
}

export function createProxmoxClient(
  source: SourceConfig,
  options: ClientOptions = {},
): ProxmoxClient {
  const doFetch = options.fetch ?? fetch
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: authorizationHeader(source),
  }
  if (source.credentials.access) {
    headers['cf-access-client-id'] = source.credentials.access.clientId
    headers['cf-access-client-secret'] = source.credentials.access.clientSecret
  }

  /** The request itself: budget, fetch, the whole body read; what holds a connection. */
  async function exchange(where: string, url: string) {
    options.budget?.take()
    // A timer cleared once the answer is read, not AbortSignal.timeout: workerd keeps the
    // invocation (and a Durable Object) alive until such a signal's full timeout has passed.
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), source.timeoutMs)
    try {
      const response = await doFetch(url, {
        headers,
        // Access answers an unauthenticated request with a redirect to its login page.
        redirect: 'manual',
        signal: abort.signal,
      })
      return { response, body: await response.text() }
    } catch (error) {
      if (isProxmoxError(error)) throw error
      throw mapFetchFailure(error, where, source.timeoutMs)
    } finally {
      clearTimeout(timer)
    }
  }

  async function get<T extends z.ZodType>(
    path: string,
    schema: T,
    query?: Query,
    lane?: LimitOptions,
  ) {
    const where = `${source.id} GET ${path}`
    const url = buildUrl(source.url, path, query)
    const { response, body } = options.limit
      ? await options.limit(() => exchange(where, url), lane)
      : await exchange(where, url)
    if (response.status >= 300 && response.status < 400) {
      const status = response.status
      throw isAccessLogin(response)
        ? new ProxmoxError(
            'access',
            `${where}: Cloudflare Access asked for a login; check the Access service token`,
            { status },
          )
        : new ProxmoxError('http', `${where}: unexpected redirect (${status})`, { status })
    }
    if (!response.ok) throw mapStatus(response, body, where)
    if (isAccessLogin(response)) {
      throw new ProxmoxError(
        'access',
        `${where}: got an HTML page instead of JSON (Cloudflare Access login?)`,
      )
    }
    let envelope: unknown
    try {
      envelope = JSON.parse(body)
    } catch (error) {
      throw new ProxmoxError('invalid-response', `${where}: the answer is not valid JSON`, {
        cause: error,
      })
    }
    if (!envelope || typeof envelope !== 'object' || !('data' in envelope)) {
      throw new ProxmoxError('invalid-response', `${where}: the answer has no "data" field`)
    }
    const parsed = schema.safeParse(envelope.data)
    if (!parsed.success) {
      throw new ProxmoxError('invalid-response', `${where}: ${describeIssues(parsed.error)}`, {
        cause: parsed.error,
      })
    }
    return parsed.data
  }

  return { sourceId: source.id, get }
}

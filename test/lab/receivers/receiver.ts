// What every simulated receiver shares: it records each request, validates the payload against
// its service's documented format and limits (answering the service's own error shape when it
// is wrong), and can be told to answer otherwise for the next requests (429 with Retry-After,
// 500, 400, slow) to test delivery. In-process (a fetch handler) so Node tests and workerd
// tests use the same code; server.ts serves them over loopback.

export interface ReceivedRequest {
  method: string
  /** Path and query, without the receiver's mount prefix. */
  path: string
  headers: Record<string, string>
  body: string
}

export interface Scripted {
  status: number
  headers?: Record<string, string>
  body?: string
  /** Wait this long before answering (a slow receiver). */
  delayMs?: number
}

export type Verdict =
  | { ok: true; response: Response; message: unknown }
  | { ok: false; response: Response; reason: string }

export interface Receiver {
  readonly name: string
  handle(request: Request): Promise<Response>
  /** Every request, whatever the answer. */
  readonly requests: ReceivedRequest[]
  /** The messages accepted (valid, answered 2xx), as the service read them. */
  readonly accepted: unknown[]
  /** Why each invalid request was refused. */
  readonly rejected: string[]
  /** Answer the next requests with these instead of validating (one each, in order). */
  script(...answers: Scripted[]): void
  reset(): void
}

export type Validate = (request: ReceivedRequest) => Verdict | Promise<Verdict>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function createReceiver(name: string, prefix: string, validate: Validate): Receiver {
  const requests: ReceivedRequest[] = []
  const accepted: unknown[] = []
  const rejected: string[] = []
  let queue: Scripted[] = []
  return {
    name,
    requests,
    accepted,
    rejected,
    script: (...answers) => {
      queue.push(...answers)
    },
    reset: () => {
      requests.length = 0
      accepted.length = 0
      rejected.length = 0
      queue = []
    },
    async handle(request) {
      const url = new URL(request.url)
      const headers: Record<string, string> = {}
      request.headers.forEach((value, key) => {
        headers[key] = value
      })
      const received: ReceivedRequest = {
        method: request.method,
        path: `${url.pathname.slice(prefix.length) || '/'}${url.search}`,
        headers,
        body: await request.text(),
      }
      requests.push(received)
      const scripted = queue.shift()
      if (scripted) {
        if (scripted.delayMs) await sleep(scripted.delayMs)
        return new Response(scripted.body ?? null, {
          status: scripted.status,
          headers: scripted.headers,
        })
      }
      if (received.method !== 'POST') return new Response('method not allowed', { status: 405 })
      const verdict = await validate(received)
      if (verdict.ok) accepted.push(verdict.message)
      else rejected.push(verdict.reason)
      return verdict.response
    },
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })

export const text = (status: number, body: string) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain' } })

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * "Characters" in the strictest reading: UTF-16 code units, never fewer than the code points
 * a service may count instead, so a payload the lab accepts fits either way.
 */
export const chars = (value: string) => value.length

export const bytes = (value: string) => new TextEncoder().encode(value).length

export const isAbsoluteUrl = (value: unknown) =>
  typeof value === 'string' && /^https?:\/\//.test(value) && URL.canParse(value)

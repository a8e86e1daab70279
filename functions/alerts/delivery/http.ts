// One POST to a receiver with a timeout, its answer read (a little of it) and classified.
// A network failure or timeout is worth a retry; nothing here throws.
import { classifyResponse, errorLine } from './classify.ts'
import { DEFAULT_SEND_TIMEOUT_MS, type SendContext } from './context.ts'
import { type DeliveryOutcome, retry } from './outcome.ts'

export interface HttpRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** A channel's own reading of an answer; undefined = the generic rules (classify.ts). */
export type Interpret = (status: number, body: string) => DeliveryOutcome | undefined

/**
 * Receivers' error bodies are small; a huge one is cut far beyond the 200 characters an error
 * keeps, so a secret cut here is dropped whole by the later, shorter cut (send.ts).
 */
const MAX_BODY_CHARS = 65_536

export async function postToReceiver(
  request: HttpRequest,
  ctx: SendContext,
  interpret?: Interpret,
): Promise<DeliveryOutcome> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS
  const abort = new AbortController()
  // A timer cleared once the answer is read, not AbortSignal.timeout: workerd keeps the
  // invocation (and a Durable Object) alive until such a signal's full timeout has passed.
  const timer = setTimeout(() => abort.abort(), timeoutMs)
  try {
    const response = await ctx.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: abort.signal,
      redirect: 'manual',
    })
    const body = (await response.text()).slice(0, MAX_BODY_CHARS)
    return (
      interpret?.(response.status, body) ??
      classifyResponse(response.status, response.headers, body, ctx.now)
    )
  } catch (error) {
    if (abort.signal.aborted) return retry(`no answer within ${timeoutMs} ms`)
    const name = error instanceof Error ? error.name : 'Error'
    const message = error instanceof Error ? error.message : String(error)
    return retry(errorLine(`could not reach the receiver: ${name}: ${message}`))
  } finally {
    clearTimeout(timer)
  }
}

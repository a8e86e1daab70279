// How long a receiver asked us to wait: the Retry-After header, either delay-seconds or an
// HTTP-date (RFC 9110 §10.2.3), or a JSON body's `retry_after` (Discord: float seconds, top
// level, "rely on the Retry-After header or retry_after field"; Telegram: integer seconds in
// `parameters`). The longest one wins, rounded up to whole seconds.

function fromHeader(value: string | null, now: number): number | null {
  if (value === null) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text)
  const at = Date.parse(text)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil(at / 1000 - now))
}

function fromBody(body: string): number | null {
  if (!body.trimStart().startsWith('{')) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return null
  }
  if (parsed === null || typeof parsed !== 'object') return null
  const top = (parsed as { retry_after?: unknown }).retry_after
  const nested = (parsed as { parameters?: { retry_after?: unknown } }).parameters?.retry_after
  const value = typeof top === 'number' ? top : typeof nested === 'number' ? nested : null
  return value !== null && Number.isFinite(value) && value >= 0 ? value : null
}

/** Seconds to wait, or null when the receiver said nothing usable. */
export function retryAfterSeconds(headers: Headers, body: string, now: number): number | null {
  const values = [fromHeader(headers.get('retry-after'), now), fromBody(body)].filter(
    (v): v is number => v !== null,
  )
  return values.length === 0 ? null : Math.ceil(Math.max(...values))
}

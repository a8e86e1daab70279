// Removes a channel's secrets from any text that leaves delivery (errors, the delivery log):
// a receiver may echo the URL it was called on, or a token, whole or in part. Each secret is
// removed as given, URL-encoded, and by its parts: a URL's credentials, path segments, query
// values and fragment (a webhook's token is one segment), a token's parts around ":".

const REDACTED = '[redacted]'
/** Shorter parts (`api`, `bot`, `services`) say nothing and appear in ordinary words. */
const MIN_PART_LENGTH = 8

function urlParts(secret: string): string[] {
  if (!URL.canParse(secret)) return []
  const url = new URL(secret)
  const parts = [url.username, url.password, url.hash.slice(1)]
  for (const segment of url.pathname.split('/')) {
    parts.push(segment)
    try {
      parts.push(decodeURIComponent(segment))
    } catch {
      // A malformed escape: the raw segment is already listed.
    }
  }
  for (const value of url.searchParams.values()) parts.push(value)
  return parts
}

function fragments(secret: string): string[] {
  const parts = [secret, encodeURIComponent(secret), ...urlParts(secret)]
  for (const piece of secret.split(/[:\s]+/)) parts.push(piece, piece.replace(/^whsec_/, ''))
  return [...new Set(parts)].filter((part) => part === secret || part.length >= MIN_PART_LENGTH)
}

export function redact(text: string, secrets: readonly string[]): string {
  const all = secrets
    .filter((s) => s.length > 0)
    .flatMap(fragments)
    .sort((a, b) => b.length - a.length)
  let out = text
  for (const part of all) out = out.split(part).join(REDACTED)
  return out
}

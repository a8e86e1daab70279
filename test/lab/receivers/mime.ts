// A strict reader of the raw messages the e-mail channel hands to Email Routing, for tests:
// CRLF only, lines ≤ 998 octets (RFC 5322 §2.1.1), ASCII headers (RFC 2047 encoded-words for
// the rest), the required From / Date / Message-ID, MIME-Version 1.0, and a multipart body
// whose base64 parts decode as strict UTF-8. Throws with the first problem found.

export interface ParsedPart {
  contentType: string
  charset: string | undefined
  text: string
}

export interface ParsedMime {
  headers: Map<string, string>
  subject: string
  from: { name: string; address: string }
  to: string
  messageId: string
  date: Date
  parts: ParsedPart[]
}

function decodeWords(value: string): string {
  // Whitespace between two encoded-words is not part of the text (RFC 2047 §6.2).
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_, charset: string, encoding: string, data: string) => {
        if (charset.toLowerCase() !== 'utf-8') throw new Error(`unexpected charset ${charset}`)
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
            : new TextEncoder().encode(
                data
                  .replace(/_/g, ' ')
                  .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) =>
                    String.fromCharCode(Number.parseInt(hex, 16)),
                  ),
              )
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
      },
    )
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>()
  let last = ''
  for (const line of block.split('\r\n')) {
    if (/^[ \t]/.test(line)) {
      if (!last) throw new Error('a continuation line without a header')
      headers.set(last, `${headers.get(last)}\r\n${line}`)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`not a header line: ${line.slice(0, 40)}`)
    last = line.slice(0, colon).toLowerCase()
    if (headers.has(last) && last !== 'received') throw new Error(`header ${last} twice`)
    headers.set(last, line.slice(colon + 1).trimStart())
  }
  // Unfold (RFC 5322 §2.2.3).
  for (const [name, value] of headers) headers.set(name, value.replace(/\r\n(?=[ \t])/g, ''))
  return headers
}

function param(value: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=("([^"]*)"|[^;\\s]+)`, 'i').exec(value)
  return match ? (match[2] ?? match[1]) : undefined
}

function decodeBase64Body(body: string): Uint8Array {
  const lines = body.split('\r\n').filter((l) => l !== '')
  for (const line of lines) {
    if (line.length > 76) throw new Error('a base64 line over 76 characters')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line)) throw new Error('not base64')
  }
  return Uint8Array.from(atob(lines.join('')), (c) => c.charCodeAt(0))
}

export function parseMime(raw: string): ParsedMime {
  if (/(?<!\r)\n|\r(?!\n)/.test(raw)) throw new Error('line endings must be CRLF')
  for (const line of raw.split('\r\n')) {
    if (new TextEncoder().encode(line).length > 998) throw new Error('a line over 998 octets')
  }
  const split = raw.indexOf('\r\n\r\n')
  if (split === -1) throw new Error('no blank line after the headers')
  const head = raw.slice(0, split)
  if (!/^\p{ASCII}*$/u.test(head)) throw new Error('non-ASCII in the headers')
  const headers = parseHeaders(head)
  for (const name of ['from', 'to', 'date', 'message-id', 'mime-version', 'content-type']) {
    if (!headers.has(name)) throw new Error(`no ${name} header`)
  }
  if (headers.get('mime-version') !== '1.0') throw new Error('MIME-Version must be 1.0')
  const messageId = headers.get('message-id') ?? ''
  if (
    !/^<[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9.-]+>$/.test(
      messageId,
    )
  ) {
    throw new Error('Message-ID must be <dot-atom@domain>')
  }
  const dateText = headers.get('date') ?? ''
  if (
    !/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/.test(
      dateText,
    )
  ) {
    throw new Error('Date must be RFC 5322')
  }
  const fromMatch = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(headers.get('from') ?? '')
  if (!fromMatch) throw new Error('From must be a mailbox')
  const name = decodeWords(fromMatch[1] ?? '')
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
  const toMatch = /<([^<>\s]+@[^<>\s]+)>/.exec(headers.get('to') ?? '')
  const contentType = headers.get('content-type') ?? ''
  if (!contentType.startsWith('multipart/alternative'))
    throw new Error('expected multipart/alternative')
  const boundary = param(contentType, 'boundary')
  if (!boundary) throw new Error('no boundary')
  const body = raw.slice(split + 4)
  const close = `\r\n--${boundary}--`
  const end = body.indexOf(close)
  if (end === -1) throw new Error('no closing boundary')
  const sections = `\r\n${body.slice(0, end)}`.split(`\r\n--${boundary}\r\n`).slice(1)
  const parts = sections.map((section) => {
    const gap = section.indexOf('\r\n\r\n')
    if (gap === -1) throw new Error('a part without headers')
    const partHeaders = parseHeaders(section.slice(0, gap))
    const type = partHeaders.get('content-type') ?? 'text/plain'
    const encoding = (partHeaders.get('content-transfer-encoding') ?? '7bit').toLowerCase()
    const content = section.slice(gap + 4)
    const bytes =
      encoding === 'base64' ? decodeBase64Body(content) : new TextEncoder().encode(content)
    return {
      contentType: type.split(';')[0]?.trim() ?? '',
      charset: param(type, 'charset'),
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes),
    }
  })
  if (parts.length === 0) throw new Error('no parts')
  return {
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    from: { name, address: fromMatch[2] ?? '' },
    to: toMatch?.[1] ?? '',
    messageId,
    date: new Date(Date.parse(dateText)),
    parts,
  }
}

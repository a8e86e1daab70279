// A MIME message by hand (RFC 5322, RFC 2045-2047), for Email Routing's EmailMessage, which
// takes the raw message: CRLF lines; From, To, Subject, Date, Message-ID, MIME-Version; a
// multipart/alternative body with a text and an HTML part, each UTF-8 in base64 (lines of 76);
// header text outside ASCII as RFC 2047 encoded-words, lines folded under 78 characters.
// Deterministic (the boundary comes from the message id): the same digest, the same bytes.

export interface MimeInput {
  from: { name: string; address: string }
  to: string
  subject: string
  /** The digest's messageId; made into `<id@sender's domain>`. */
  messageId: string
  /** Epoch seconds. */
  date: number
  text: string
  html: string
}

const CRLF = '\r\n'
const MAX_LINE = 76
const encoder = new TextEncoder()

function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

const lines = (text: string, width: number) => text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []

/** A body part's content: UTF-8, base64, in lines of 76 (RFC 2045 §6.8). */
export function base64Body(text: string): string {
  return lines(base64(encoder.encode(text)), MAX_LINE).join(CRLF)
}

const isPlainAscii = (text: string) => /^[\x20-\x7e]*$/.test(text)

/**
 * `=?UTF-8?B?…?=` words (RFC 2047 §2), never splitting a character, joined by folding
 * whitespace.
 */
export function encodedWords(text: string): string {
  const words: string[] = []
  let chunk: number[] = []
  // 36 bytes → 48 base64 characters, a 60-character word: with "Subject: " before the first
  // one every line stays within the 76 that lines holding encoded-words may have (§2).
  for (const point of text) {
    const bytes = [...encoder.encode(point)]
    if (chunk.length + bytes.length > 36) {
      words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`)
      chunk = []
    }
    chunk.push(...bytes)
  }
  if (chunk.length > 0 || words.length === 0)
    words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`)
  return words.join(`${CRLF} `)
}

/** An unstructured header (Subject): as is when plain ASCII, folded at spaces; else encoded. */
function unstructured(name: string, value: string): string {
  const clean = value.replace(/[\r\n\t]+/g, ' ')
  if (!isPlainAscii(clean)) return `${name}: ${encodedWords(clean)}`
  const out: string[] = []
  let line = `${name}:`
  for (const word of clean.split(' ')) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      out.push(line)
      line = ''
    }
    line += ` ${word}`
  }
  out.push(line)
  return out.join(CRLF)
}

/** `"Pulse Edge" <a@b>`; outside ASCII an encoded-word name, the address on its own line. */
function mailbox(name: string, address: string): string {
  if (isPlainAscii(name)) return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}" <${address}>`
  return `${encodedWords(name)}${CRLF} <${address}>`
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number) => String(n).padStart(2, '0')

/** RFC 5322 §3.3: `Thu, 20 Nov 2026 03:00:00 +0000`. */
export function rfc5322Date(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
}

/** FNV-1a: a short stable tag of the message id for the boundary. */
function tag(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

/** `<local@domain>` with a dot-atom local part (RFC 5322 §3.6.4). */
export function messageIdHeader(messageId: string, fromAddress: string): string {
  const local = messageId
    .replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.|\.$/g, '')
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1)
  return `<${local || 'pulse-edge'}@${domain}>`
}

export function buildMime(input: MimeInput): string {
  // "=_" cannot occur in base64 content, so the boundary never appears inside a part.
  const boundary = `=_pulse_${tag(input.messageId)}`
  const part = (type: string, content: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Body(content),
    ].join(CRLF)
  return [
    `From: ${mailbox(input.from.name, input.from.address)}`,
    `To: <${input.to}>`,
    unstructured('Subject', input.subject),
    `Date: ${rfc5322Date(input.date)}`,
    `Message-ID: ${messageIdHeader(input.messageId, input.from.address)}`,
    'MIME-Version: 1.0',
    // RFC 3834: machine-made, so vacation responders stay quiet.
    'Auto-Submitted: auto-generated',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    part('text/plain', input.text),
    part('text/html', input.html),
    `--${boundary}--`,
    '',
  ].join(CRLF)
}

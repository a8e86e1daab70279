// All escaping of badge text happens here: guest names come from Proxmox and may hold anything,
// and a badge is embedded on other people's pages.

/** Longest label or message a badge shows, in characters; a longer one ends in '…'. */
export const MAX_TEXT_CHARS = 64

// XML 1.0 forbids C0 controls (but tab, LF, CR), lone surrogates, U+FFFE and U+FFFF; DEL and C1
// controls are allowed but draw nothing. Whitespace controls become spaces.
const NOT_DRAWABLE = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const WHITESPACE_CONTROLS = /[\t\n\r]/g

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

/** Text as a badge draws it: no characters XML cannot carry, at most MAX_TEXT_CHARS long. */
export function cleanText(text: string): string {
  const drawable = text.replace(NOT_DRAWABLE, '').replace(WHITESPACE_CONTROLS, ' ')
  const chars = Array.from(drawable)
  return chars.length > MAX_TEXT_CHARS
    ? `${chars.slice(0, MAX_TEXT_CHARS - 1).join('')}…`
    : drawable
}

/** Escapes text for XML character data and for double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char)
}

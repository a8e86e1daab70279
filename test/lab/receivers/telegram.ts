// Telegram's sendMessage (core.telegram.org/bots/api#sendmessage) at /bot<token>/sendMessage:
// chat_id required; text "1-4096 characters after entities parsing"; parse_mode HTML allows
// only b/strong, i/em, u/ins, s/strike/del, span class="tg-spoiler", tg-spoiler, a href, code,
// pre, blockquote, tg-emoji, and the entities &lt; &gt; &amp; &quot; and numeric ones; any
// other "<" or "&" is a parse error ("Formatting options"). Answers {ok:true,result} or
// {ok:false,error_code,description[,parameters:{retry_after}]} with that HTTP status.
import { chars, createReceiver, isObject, json, parseJson, type Receiver } from './receiver.ts'

const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
])

const error = (status: number, description: string) => ({
  ok: false as const,
  reason: description,
  response: json(status, { ok: false, error_code: status, description }),
})

/** The text a reader sees, or why Telegram cannot parse the HTML. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = []
  let out = ''
  let i = 0
  while (i < html.length) {
    const c = html[i] ?? ''
    if (c === '<') {
      const end = html.indexOf('>', i)
      if (end === -1)
        return { error: `can't parse entities: unclosed start tag at byte offset ${i}` }
      const tag = html.slice(i + 1, end)
      const close = tag.startsWith('/')
      const name = (close ? tag.slice(1) : tag).split(/\s/)[0]?.toLowerCase() ?? ''
      if (!TAGS.has(name)) return { error: `can't parse entities: unsupported start tag "${name}"` }
      if (close) {
        if (stack.pop() !== name)
          return { error: `can't parse entities: unmatched end tag "${name}"` }
      } else {
        if (name === 'a' && !/^a\s+href="[^"]+"$/.test(tag))
          return { error: "can't parse entities: a tag needs href" }
        stack.push(name)
      }
      i = end + 1
      continue
    }
    if (c === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i))
      if (!entity) return { error: `can't parse entities: unsupported entity at byte offset ${i}` }
      const name = entity[1] ?? ''
      out +=
        name === 'lt'
          ? '<'
          : name === 'gt'
            ? '>'
            : name === 'amp'
              ? '&'
              : name === 'quot'
                ? '"'
                : '?'
      i += entity[0].length
      continue
    }
    out += c
    i += 1
  }
  if (stack.length > 0) return { error: `can't parse entities: unclosed tag "${stack.at(-1)}"` }
  return { text: out }
}

export function createTelegramReceiver(prefix: string, options: { token: string }): Receiver {
  return createReceiver('telegram', prefix, (request) => {
    if (request.path !== `/bot${options.token}/sendMessage`) return error(401, 'Unauthorized')
    const body = parseJson(request.body)
    if (!isObject(body)) return error(400, 'Bad Request: invalid JSON')
    if (body.chat_id === undefined || body.chat_id === '')
      return error(400, 'Bad Request: chat_id is empty')
    if (typeof body.text !== 'string' || body.text.trim() === '')
      return error(400, 'Bad Request: message text is empty')
    let visible = body.text
    if (body.parse_mode === 'HTML') {
      const parsed = parseTelegramHtml(body.text)
      if ('error' in parsed) return error(400, `Bad Request: ${parsed.error}`)
      visible = parsed.text
    } else if (body.parse_mode !== undefined) {
      return error(400, 'Bad Request: unsupported parse_mode in the lab')
    }
    if (chars(visible) > 4_096) return error(400, 'Bad Request: message is too long')
    return {
      ok: true,
      message: { ...body, visibleText: visible },
      response: json(200, {
        ok: true,
        result: { message_id: Date.now(), date: Math.floor(Date.now() / 1000), text: visible },
      }),
    }
  })
}

export function telegramRateLimited(seconds: number) {
  return {
    status: 429,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${seconds}`,
      parameters: { retry_after: seconds },
    }),
  }
}

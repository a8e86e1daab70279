// Discord's Execute Webhook (discord.com/developers/docs/resources/webhook#execute-webhook):
// POST /api/webhooks/{id}/{token}, one of content / embeds, content ≤ 2,000 characters, ≤ 10
// embeds; per embed title ≤ 256, description ≤ 4,096, ≤ 25 fields (name ≤ 256, value ≤
// 1,024), footer ≤ 2,048, author ≤ 256, and ≤ 6,000 over all embeds ("Embed Limits", counted
// after trimming); username ≤ 80 without "discord" or "clyde". 400 {"code":50035,"errors",
// "message":"Invalid Form Body"}; an unknown token 401 {"code":50027}. `?wait=true` answers
// 200 with the message, else 204. A 429 carries Retry-After and {"retry_after"} (see script()).
import { chars, createReceiver, isObject, json, parseJson, type Receiver } from './receiver.ts'

const LIMITS = {
  content: 2_000,
  embeds: 10,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  author: 256,
  total: 6_000,
}

const invalid = (reason: string) => ({
  ok: false as const,
  reason,
  response: json(400, {
    code: 50035,
    errors: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: reason }] },
    message: 'Invalid Form Body',
  }),
})

const len = (value: unknown) => (typeof value === 'string' ? chars(value.trim()) : 0)

function checkEmbed(embed: unknown, index: number): string | null {
  if (!isObject(embed)) return `embeds[${index}] must be an object`
  if (len(embed.title) > LIMITS.title) return `embeds[${index}].title over ${LIMITS.title}`
  if (len(embed.description) > LIMITS.description)
    return `embeds[${index}].description over ${LIMITS.description}`
  const fields = embed.fields ?? []
  if (!Array.isArray(fields) || fields.length > LIMITS.fields)
    return `embeds[${index}].fields over ${LIMITS.fields}`
  for (const field of fields) {
    if (
      !isObject(field) ||
      len(field.name) > LIMITS.fieldName ||
      len(field.value) > LIMITS.fieldValue
    ) {
      return `embeds[${index}] field over its limit`
    }
  }
  if (isObject(embed.footer) && len(embed.footer.text) > LIMITS.footer)
    return `embeds[${index}].footer over ${LIMITS.footer}`
  if (isObject(embed.author) && len(embed.author.name) > LIMITS.author)
    return `embeds[${index}].author over ${LIMITS.author}`
  if (
    embed.color !== undefined &&
    !(
      Number.isInteger(embed.color) &&
      (embed.color as number) >= 0 &&
      (embed.color as number) <= 0xffffff
    )
  ) {
    return `embeds[${index}].color must be an RGB integer`
  }
  if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp))))
    return `embeds[${index}].timestamp must be ISO 8601`
  return null
}

function embedTotal(embeds: unknown[]): number {
  let total = 0
  for (const embed of embeds) {
    if (!isObject(embed)) continue
    total += len(embed.title) + len(embed.description)
    for (const field of Array.isArray(embed.fields) ? embed.fields : []) {
      if (isObject(field)) total += len(field.name) + len(field.value)
    }
    if (isObject(embed.footer)) total += len(embed.footer.text)
    if (isObject(embed.author)) total += len(embed.author.name)
  }
  return total
}

export function createDiscordReceiver(
  prefix: string,
  options: { id: string; token: string },
): Receiver {
  return createReceiver('discord', prefix, (request) => {
    const url = new URL(request.path, 'http://x')
    if (url.pathname !== `/api/webhooks/${options.id}/${options.token}`) {
      return {
        ok: false,
        reason: 'unknown webhook',
        response: json(401, { message: 'Invalid Webhook Token', code: 50027 }),
      }
    }
    const body = parseJson(request.body)
    if (!isObject(body)) return invalid('body must be JSON')
    const embeds = body.embeds ?? []
    if (!Array.isArray(embeds)) return invalid('embeds must be a list')
    if (typeof body.content !== 'string' && embeds.length === 0) {
      return {
        ok: false,
        reason: 'empty message',
        response: json(400, { message: 'Cannot send an empty message', code: 50006 }),
      }
    }
    if (len(body.content) > LIMITS.content) return invalid(`content over ${LIMITS.content}`)
    if (embeds.length > LIMITS.embeds) return invalid(`more than ${LIMITS.embeds} embeds`)
    for (const [i, embed] of embeds.entries()) {
      const problem = checkEmbed(embed, i)
      if (problem) return invalid(problem)
    }
    if (embedTotal(embeds) > LIMITS.total)
      return invalid(`embeds over ${LIMITS.total} characters in total`)
    if (body.username !== undefined) {
      const name = String(body.username)
      if (chars(name) < 1 || chars(name) > 80 || /discord|clyde/i.test(name))
        return invalid('username invalid')
    }
    if (url.searchParams.get('wait') !== 'true')
      return { ok: true, message: body, response: new Response(null, { status: 204 }) }
    return {
      ok: true,
      message: body,
      response: json(200, { id: String(Date.now()), type: 0, ...body }),
    }
  })
}

/** Discord's 429: both Retry-After and the body's retry_after (discord.com/developers/docs/topics/rate-limits). */
export function discordRateLimited(seconds: number) {
  return {
    status: 429,
    headers: {
      'retry-after': String(Math.ceil(seconds)),
      'content-type': 'application/json',
      'x-ratelimit-scope': 'user',
    },
    body: JSON.stringify({
      message: 'You are being rate limited.',
      retry_after: seconds,
      global: false,
    }),
  }
}

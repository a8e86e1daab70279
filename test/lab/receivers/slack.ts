// Slack incoming webhooks (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
// POST JSON with `text` and/or `blocks`; ≤ 50 blocks; header: plain_text ≤ 150; section: text
// ≤ 3,000 or ≤ 10 fields of ≤ 2,000; context: ≤ 10 elements (Block Kit reference). Answers are
// plain text: 200 "ok", 400 "invalid_payload" / "invalid_blocks" / "no_text", 403
// "invalid_token", 404 "channel_not_found", 410 "channel_is_archived" (api.slack.com
// changelog 2016-05-17).
import { chars, createReceiver, isObject, parseJson, type Receiver, text } from './receiver.ts'

function textObject(value: unknown, max: number, types: readonly string[]): string | null {
  if (!isObject(value) || !types.includes(String(value.type)))
    return `text object of type ${types.join('/')} expected`
  if (typeof value.text !== 'string' || value.text.length === 0) return 'text object without text'
  if (chars(value.text) > max) return `text over ${max}`
  return null
}

function checkBlock(block: unknown): string | null {
  if (!isObject(block)) return 'block must be an object'
  switch (block.type) {
    case 'header':
      return textObject(block.text, 150, ['plain_text'])
    case 'section': {
      if (block.text !== undefined) {
        const problem = textObject(block.text, 3_000, ['plain_text', 'mrkdwn'])
        if (problem) return problem
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) return 'more than 10 fields'
        for (const field of block.fields) {
          const problem = textObject(field, 2_000, ['plain_text', 'mrkdwn'])
          if (problem) return problem
        }
      }
      return block.text === undefined && block.fields === undefined ? 'section without text' : null
    }
    case 'context': {
      if (
        !Array.isArray(block.elements) ||
        block.elements.length === 0 ||
        block.elements.length > 10
      )
        return 'context needs 1-10 elements'
      for (const element of block.elements) {
        const problem = textObject(element, 3_000, ['plain_text', 'mrkdwn'])
        if (problem) return problem
      }
      return null
    }
    case 'divider':
      return null
    default:
      return `unknown block type ${String(block.type)}`
  }
}

/** Slack's mrkdwn: a `<` opens a link or mention; a bare one must be escaped as &lt;. */
function checkEscapes(value: string): string | null {
  for (const match of value.matchAll(/<([^>]*)>/g)) {
    const inner = match[1] ?? ''
    if (!/^(https?:\/\/[^|\s]+)(\|[^<>]*)?$/.test(inner))
      return `unexpected markup <${inner.slice(0, 20)}>`
  }
  return /&(?!amp;|lt;|gt;)/.test(value) ? 'unescaped &' : null
}

export function createSlackReceiver(prefix: string, options: { path: string }): Receiver {
  return createReceiver('slack', prefix, (request) => {
    const refuse = (status: number, reason: string) => ({
      ok: false as const,
      reason,
      response: text(status, reason),
    })
    if (request.path !== options.path) return refuse(403, 'invalid_token')
    const body = parseJson(request.body)
    if (!isObject(body)) return refuse(400, 'invalid_payload')
    const blocks = body.blocks
    if (typeof body.text !== 'string' && blocks === undefined) return refuse(400, 'no_text')
    if (blocks !== undefined) {
      if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50)
        return refuse(400, 'invalid_blocks')
      for (const block of blocks) {
        const problem = checkBlock(block)
        if (problem) return refuse(400, `invalid_blocks: ${problem}`)
        const mrkdwn =
          isObject(block) && isObject(block.text) && block.text.type === 'mrkdwn'
            ? String(block.text.text)
            : ''
        const escapes = checkEscapes(mrkdwn)
        if (escapes) return refuse(400, `invalid_blocks: ${escapes}`)
      }
    }
    return { ok: true, message: body, response: text(200, 'ok') }
  })
}

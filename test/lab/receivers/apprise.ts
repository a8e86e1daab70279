// The Apprise API (caronc/apprise-api README): POST /notify/{KEY} (1-128 of [A-Za-z0-9_-]) or
// the stateless POST /notify; JSON `body` required, `title`, `type` info|success|warning|
// failure, `format` text|markdown|html, `tag` text. 200 sent; 204 no configuration under the
// key; 400 not as documented; 424 a service behind it failed.
import { createReceiver, isObject, json, parseJson, type Receiver, text } from './receiver.ts'

export function createAppriseReceiver(
  prefix: string,
  options: { keys: string[]; stateless?: boolean },
): Receiver {
  return createReceiver('apprise', prefix, (request) => {
    const refuse = (status: number, reason: string) => ({
      ok: false as const,
      reason,
      response: json(status, { error: reason }),
    })
    const match = /^\/notify(?:\/([A-Za-z0-9_-]{1,128}))?\/?$/.exec(request.path)
    if (!match) return refuse(404, 'not found')
    const key = match[1]
    if (key === undefined ? !options.stateless : !options.keys.includes(key)) {
      return {
        ok: false as const,
        reason: 'no configuration',
        response: new Response(null, { status: 204 }),
      }
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
      return refuse(400, 'expected JSON')
    const body = parseJson(request.body)
    if (!isObject(body) || typeof body.body !== 'string' || body.body === '')
      return refuse(400, 'body is required')
    if (body.title !== undefined && typeof body.title !== 'string')
      return refuse(400, 'title must be text')
    if (
      body.type !== undefined &&
      !['info', 'success', 'warning', 'failure'].includes(String(body.type))
    )
      return refuse(400, 'type invalid')
    if (body.format !== undefined && !['text', 'markdown', 'html'].includes(String(body.format)))
      return refuse(400, 'format invalid')
    if (body.tag !== undefined && typeof body.tag !== 'string')
      return refuse(400, 'tag must be text')
    return {
      ok: true,
      message: { key: key ?? null, ...body },
      response: text(200, 'Notification(s) sent.'),
    }
  })
}

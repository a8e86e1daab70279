// ntfy's JSON publishing (docs.ntfy.sh/publish "Publish as JSON", server/server.go): POST to
// the root, `topic` [-_A-Za-z0-9]{1,64} required, message ≤ 4,096 bytes (a longer one is not a
// notification but an attachment: refused here), the JSON ≤ 8,192 bytes, priority 1-5, tags a
// string array, click a URL, ≤ 3 actions. A protected topic wants `Authorization: Bearer`.
// Errors are {"code","http","error"} (server/errors.go).
import {
  bytes,
  createReceiver,
  isAbsoluteUrl,
  isObject,
  json,
  parseJson,
  type Receiver,
} from './receiver.ts'

const fail = (http: number, code: number, error: string) => ({
  ok: false as const,
  reason: error,
  response: json(http, { code, http, error }),
})

export function createNtfyReceiver(prefix: string, options: { token?: string } = {}): Receiver {
  return createReceiver('ntfy', prefix, (request) => {
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      return fail(403, 40301, 'forbidden')
    }
    if (request.path !== '/')
      return fail(400, 40009, 'invalid request: topic invalid (JSON goes to the root URL)')
    if (bytes(request.body) > 8_192) return fail(413, 41303, 'JSON body too large')
    const body = parseJson(request.body)
    if (!isObject(body))
      return fail(400, 40017, 'invalid request: request body must be message JSON')
    if (typeof body.topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(body.topic)) {
      return fail(400, 40009, 'invalid request: topic invalid')
    }
    const message = body.message ?? ''
    if (typeof message !== 'string')
      return fail(400, 40017, 'invalid request: message must be text')
    if (bytes(message) > 4_096)
      return fail(400, 40017, 'message over 4096 bytes (would become an attachment)')
    if (body.title !== undefined && typeof body.title !== 'string')
      return fail(400, 40017, 'title must be text')
    if (
      body.priority !== undefined &&
      !(
        Number.isInteger(body.priority) &&
        (body.priority as number) >= 1 &&
        (body.priority as number) <= 5
      )
    ) {
      return fail(400, 40007, 'invalid priority parameter')
    }
    if (
      body.tags !== undefined &&
      !(Array.isArray(body.tags) && body.tags.every((t) => typeof t === 'string'))
    ) {
      return fail(400, 40017, 'tags must be a list of text')
    }
    if (body.click !== undefined && !isAbsoluteUrl(body.click))
      return fail(400, 40017, 'click must be a URL')
    if (body.actions !== undefined) {
      const actions = body.actions
      const valid =
        Array.isArray(actions) &&
        actions.length <= 3 &&
        actions.every(
          (a) =>
            isObject(a) &&
            a.action === 'view' &&
            typeof a.label === 'string' &&
            isAbsoluteUrl(a.url),
        )
      if (!valid) return fail(400, 40018, 'invalid request: actions invalid')
    }
    const event = {
      id: `msg${Date.now()}`,
      time: Math.floor(Date.now() / 1000),
      event: 'message',
      ...body,
    }
    return { ok: true, message: body, response: json(200, event) }
  })
}

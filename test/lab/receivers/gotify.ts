// Gotify's POST /message (gotify/server api/message.go, model/message.go): an application
// token in X-Gotify-Key (or ?token=), `message` required, `title` text, `priority` a whole
// number, `extras` keyed `<namespace>::[<sub>::]<action>` (gotify.net/docs/msgextras).
// Errors {"error","errorCode","errorDescription"}; 200 answers the stored message.
import {
  createReceiver,
  isAbsoluteUrl,
  isObject,
  json,
  parseJson,
  type Receiver,
} from './receiver.ts'

const error = (status: number, description: string) => ({
  ok: false as const,
  reason: description,
  response: json(status, {
    error: status === 401 ? 'Unauthorized' : 'Bad Request',
    errorCode: status,
    errorDescription: description,
  }),
})

export function createGotifyReceiver(prefix: string, options: { token: string }): Receiver {
  return createReceiver('gotify', prefix, (request) => {
    const url = new URL(request.path, 'http://x')
    const token = request.headers['x-gotify-key'] ?? url.searchParams.get('token')
    if (token !== options.token)
      return error(
        401,
        'you need to provide a valid access token or user credentials to access this api',
      )
    if (url.pathname !== '/message') return error(404, 'page not found')
    const body = parseJson(request.body)
    if (!isObject(body)) return error(400, 'invalid JSON')
    if (typeof body.message !== 'string' || body.message === '')
      return error(400, "Field 'message' is required")
    if (body.title !== undefined && typeof body.title !== 'string')
      return error(400, "Field 'title' must be text")
    if (body.priority !== undefined && !Number.isInteger(body.priority))
      return error(400, "Field 'priority' must be a whole number")
    if (body.extras !== undefined) {
      if (!isObject(body.extras)) return error(400, "Field 'extras' must be an object")
      for (const key of Object.keys(body.extras)) {
        if (!/^[a-z0-9_-]+(::[a-z0-9_-]+)+$/i.test(key))
          return error(400, `extras key ${key} is not namespaced`)
      }
      const notification = body.extras['client::notification']
      if (
        isObject(notification) &&
        isObject(notification.click) &&
        !isAbsoluteUrl(notification.click.url)
      ) {
        return error(400, 'client::notification click.url must be a URL')
      }
    }
    return {
      ok: true,
      message: body,
      response: json(200, { id: Date.now(), appid: 1, date: new Date().toISOString(), ...body }),
    }
  })
}

// Pushover's POST /1/messages.json (pushover.net/api), form-encoded: `token` (application) and
// `user` (30 characters, [A-Za-z0-9]) required, `message` required ≤ 1,024 characters, `title`
// ≤ 250, `url` ≤ 512, `url_title` ≤ 100, `priority` -2…2 (2 needs `retry` ≥ 30 and `expire`
// ≤ 10,800), `timestamp` Unix seconds. 200 {"status":1,"request"}; 4xx {"status":0,"errors"}.
import { chars, createReceiver, json, type Receiver } from './receiver.ts'

export function createPushoverReceiver(
  prefix: string,
  options: { token: string; user: string },
): Receiver {
  return createReceiver('pushover', prefix, (request) => {
    const refuse = (field: string, message: string) => ({
      ok: false as const,
      reason: `${field} ${message}`,
      response: json(400, {
        [field]: 'invalid',
        errors: [`${field} ${message}`],
        status: 0,
        request: crypto.randomUUID(),
      }),
    })
    if (request.path !== '/1/messages.json') return refuse('path', 'not found')
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return refuse('content-type', 'must be form-encoded')
    }
    const form = new URLSearchParams(request.body)
    const get = (name: string) => form.get(name) ?? undefined
    if (get('token') !== options.token) return refuse('token', 'is invalid')
    if (get('user') !== options.user || !/^[A-Za-z0-9]{30}$/.test(get('user') ?? ''))
      return refuse('user', 'identifier is not a valid user, group, or subscribed user key')
    const message = get('message')
    if (!message) return refuse('message', 'cannot be blank')
    if (chars(message) > 1_024) return refuse('message', 'cannot be longer than 1024 characters')
    if (chars(get('title') ?? '') > 250)
      return refuse('title', 'cannot be longer than 250 characters')
    if (chars(get('url') ?? '') > 512) return refuse('url', 'cannot be longer than 512 characters')
    if (chars(get('url_title') ?? '') > 100)
      return refuse('url_title', 'cannot be longer than 100 characters')
    const priority = get('priority')
    if (priority !== undefined) {
      if (!/^-?[0-2]$/.test(priority)) return refuse('priority', 'must be -2, -1, 0, 1, or 2')
      if (priority === '2') {
        if (!(Number(get('retry')) >= 30)) return refuse('retry', 'must be at least 30 seconds')
        if (!(Number(get('expire')) <= 10_800))
          return refuse('expire', 'must be at most 10800 seconds')
      }
    }
    const timestamp = get('timestamp')
    if (timestamp !== undefined && !/^\d{1,12}$/.test(timestamp))
      return refuse('timestamp', 'must be a Unix timestamp')
    return {
      ok: true,
      message: Object.fromEntries(form),
      response: json(200, { status: 1, request: crypto.randomUUID() }),
    }
  })
}

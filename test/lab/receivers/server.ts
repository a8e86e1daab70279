// The receivers over loopback (node:http on 127.0.0.1), for `wrangler dev` and workerd tests
// whose Worker really fetches, with a control API at /_receivers: GET /_receivers/<name> →
// {requests, accepted, rejected}; POST /_receivers/<name>/script with a JSON list of answers
// (Scripted: status, headers, body, delayMs); POST /_receivers/reset.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '../server.ts'
import { createLabReceivers, type LabReceivers, labChannelVars } from './index.ts'
import type { Scripted } from './receiver.ts'

export interface RunningReceivers {
  url: string
  receivers: LabReceivers
  /** PULSE_ALERT_CHANNELS and the PULSE_CHANNEL_* secrets pointing at this server. */
  vars: Record<string, string>
  close(): Promise<void>
}

const CONTROL = '/_receivers'

async function control(request: Request, receivers: LabReceivers): Promise<Response> {
  const url = new URL(request.url)
  const [name, action] = url.pathname.slice(CONTROL.length + 1).split('/')
  if (request.method === 'POST' && name === 'reset') {
    receivers.reset()
    return Response.json({ ok: true })
  }
  const receiver = receivers.all.find((r) => r.name === name)
  if (!receiver) return Response.json({ error: 'no such receiver' }, { status: 404 })
  if (request.method === 'GET' && action === undefined) {
    return Response.json({
      requests: receiver.requests,
      accepted: receiver.accepted,
      rejected: receiver.rejected,
    })
  }
  if (request.method === 'POST' && action === 'script') {
    receiver.script(...((await request.json()) as Scripted[]))
    return Response.json({ ok: true })
  }
  return Response.json({ error: 'unknown control route' }, { status: 404 })
}

export async function startReceiverServer(
  options: { port?: number; keepAlive?: boolean } = {},
): Promise<RunningReceivers> {
  let url = ''
  let receivers: LabReceivers | undefined
  const server = createServer(
    serve(
      async (request) => {
        if (!receivers) return new Response('starting', { status: 503 })
        if (new URL(request.url).pathname.startsWith(CONTROL)) return control(request, receivers)
        return receivers
          .fetch(request)
          .catch(() => new Response('no such receiver', { status: 404 }))
      },
      () => url,
    ),
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  receivers = createLabReceivers(url)
  if (options.keepAlive === false) server.unref()
  return {
    url,
    receivers,
    vars: labChannelVars(url),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

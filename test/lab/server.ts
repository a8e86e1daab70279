// Node adapter: serves the lab handler over node:http on 127.0.0.1 and exposes test controls.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type LabFault, parseFaults } from './faults.ts'
import { generateLab } from './generate.ts'
import { createLabHandler, type LabHandler } from './handle.ts'
import { createLabState, type RequestCounts, requestCounts } from './lab-state.ts'
import { type LabModel, type LabSource, labSources } from './model.ts'
import type { LabOptions } from './types.ts'

export interface StartLabOptions extends LabOptions {
  /** 0 (default) picks a free port. */
  port?: number
  latencyMs?: number
  authFailureDelayMs?: number
  faults?: LabFault[]
  /** False: the lab does not keep the process alive by itself (a lab started by a config). */
  keepAlive?: boolean
  /**
   * Keep connections open between requests (HTTP keep-alive), as a Worker's fetch reuses its
   * connections to an origin. Off by default (see `send`); the latency benches turn it on: a new
   * connection per request costs Node's fetch about a millisecond of CPU on each (connect, then
   * the error object it builds for the closed socket), which a Worker does not spend in JS.
   */
  reuseConnections?: boolean
}

export interface RunningLab {
  url: string
  sources: LabSource[]
  model: LabModel
  setFaults(faults: LabFault[]): void
  clearFaults(): void
  requestCounts(): RequestCounts
  resetCounts(): void
  /** Sets the lab's clock into its past (null: back to its now); see replay.ts. */
  setClock(at: number | null): void
  close(): Promise<void>
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v)
    else if (value !== undefined) headers.set(key, value)
  }
  const method = req.method ?? 'GET'
  let body: ArrayBuffer | undefined
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const all = Buffer.concat(chunks)
    body = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer
  }
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(body ? { body } : {}),
  })
}

async function send(res: ServerResponse, response: Response, reuse: boolean): Promise<void> {
  // Response.error() from the handler: a source that is down; the client sees a network error.
  if (response.type === 'error') {
    res.destroy()
    return
  }
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    headers[key] = value
  })
  headers['content-length'] = String(body.length)
  // One request per connection: a kept-alive connection that the server closes just as a
  // client reuses it fails that request ("Network connection lost" in workerd), which made
  // tests with idle pauses (slow faults) flaky. Loopback connections cost little (but see
  // StartLabOptions.reuseConnections).
  if (!reuse) headers.connection = 'close'
  res.writeHead(response.status, response.statusText || undefined, headers)
  res.end(body)
}

/** node:http → a fetch-style handler (also the alert receivers' server, receivers/server.ts). */
export function serve(handler: LabHandler, origin: () => string, reuseConnections = false) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    toRequest(req, origin())
      .then(handler)
      .then((response) => send(res, response, reuseConnections))
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`lab error: ${(error as Error).message}`)
      })
  }
}

export async function startLab(options: StartLabOptions = {}): Promise<RunningLab> {
  const model = generateLab({ ...options, now: options.now ?? Math.floor(Date.now() / 1000) })
  const sourceIds = [...model.clusters.map((c) => c.id), ...model.pbs.map((p) => p.id)]
  const state = createLabState({
    latencyMs: options.latencyMs ?? 0,
    authFailureDelayMs: options.authFailureDelayMs ?? 0,
    faults: parseFaults(options.faults ?? [], sourceIds),
  })
  let url = ''
  const reuse = options.reuseConnections ?? false
  const server = createServer(serve(createLabHandler(model, state), () => url, reuse))
  // Reused connections: the client (undici keeps an idle one 4 s) always closes first, so no
  // request goes out on a connection the server is closing.
  server.keepAliveTimeout = reuse ? 60_000 : 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  if (options.keepAlive === false) server.unref()
  return {
    url,
    sources: labSources(model, url),
    model,
    setFaults: (faults) => {
      state.faults = parseFaults(faults, sourceIds)
    },
    clearFaults: () => {
      state.faults = []
    },
    requestCounts: () => requestCounts(state),
    resetCounts: () => state.counts.clear(),
    setClock: (at) => {
      state.clock = at
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

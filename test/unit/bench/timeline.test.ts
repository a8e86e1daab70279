// The pipeline bench's instrument: a request ends when its whole answer is in (the body read),
// not when its headers came, and the answer reaches the refresh as it was sent.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTimeline } from '../../../bench/timeline.ts'

let url = ''
const server = createServer((_req, res) => {
  // Headers at once, the body 60 ms later: as a long listing arrives.
  res.writeHead(200, { 'content-type': 'application/json' })
  res.flushHeaders()
  setTimeout(() => res.end('{"data":[1,2,3]}'), 60)
})

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api2/json/x`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('the bench timeline', () => {
  it('ends a request when its body has been read, and hands the body on unchanged', async () => {
    const timeline = createTimeline()
    const response = await timeline.fetch(url, { headers: { authorization: 'x' } })
    expect(timeline.requests).toHaveLength(0)
    expect(await response.text()).toBe('{"data":[1,2,3]}')
    expect(timeline.requests).toHaveLength(1)
    const [request] = timeline.requests
    expect(request?.url).toBe(url)
    expect(request?.headers.get('authorization')).toBe('x')
    expect((request?.end ?? 0) - (request?.start ?? 0)).toBeGreaterThanOrEqual(50)
  })
})

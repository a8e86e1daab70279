// `npm run dev` replays the lab's past through POST /api/dev/replay, which takes the bearer
// PULSE_API_TOKEN when one is set: with a token in the shell the replay must send it, or every
// step answers 401 and the demo stops before it starts.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { replayPast, replaySteps } from '../../../scripts/replay.ts'
import type { RunningLab } from '../../lab/server.ts'

const DAY = 86_400
const servers: ReturnType<typeof createServer>[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** A Worker stand-in that records each replay request and refuses one without the token. */
async function fakeWorker(token: string | null) {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = []
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    const ok = token === null || req.headers.authorization === `Bearer ${token}`
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
    res.end(JSON.stringify(ok ? { historyRows: 2 } : { error: 'unauthorized' }))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

function fakeLab(now: number) {
  const clocks: (number | null)[] = []
  const lab = { model: { now }, setClock: (at: number | null) => clocks.push(at) }
  return { lab: lab as unknown as RunningLab, clocks }
}

describe('the dev replay of the past', () => {
  const now = 1_796_280_000

  it('steps once a day at 09:00 UTC, oldest first, the lab clock set for each and put back', async () => {
    const worker = await fakeWorker(null)
    const { lab, clocks } = fakeLab(now)
    const summary = await replayPast(worker.base, lab, 3, () => {})
    expect(summary.steps).toBe(3)
    expect(summary.historyRows).toBe(6)
    const steps = replaySteps(now, 3)
    expect(steps.every((at) => at % DAY === 9 * 3600)).toBe(true)
    expect(clocks).toEqual([...steps, null])
    expect(worker.seen.map((r) => r.url)).toEqual(steps.map((at) => `/api/dev/replay?at=${at}`))
  })

  it("sends the API token's bearer header when the shell set PULSE_API_TOKEN", async () => {
    const worker = await fakeWorker('demo-token-123')
    const { lab, clocks } = fakeLab(now)
    const auth = { authorization: 'Bearer demo-token-123' }
    const summary = await replayPast(worker.base, lab, 2, () => {}, auth)
    expect(summary.steps).toBe(2)
    expect(worker.seen.map((r) => r.headers.authorization)).toEqual([
      'Bearer demo-token-123',
      'Bearer demo-token-123',
    ])
    expect(clocks.at(-1)).toBeNull()
  })

  it('stops with the status named when a step is refused, and puts the lab clock back', async () => {
    const worker = await fakeWorker('demo-token-123')
    const { lab, clocks } = fakeLab(now)
    await expect(replayPast(worker.base, lab, 2)).rejects.toThrow(/answered 401/)
    expect(clocks.at(-1)).toBeNull()
  })
})

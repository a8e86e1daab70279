// `npm run load`: the Worker under concurrent load on loopback (autocannon against `wrangler dev`
// and the lab), bounded in requests and time. While readers hammer /api/guests and a badge,
// refreshes run back to back with sources failing and recovering: every index read must be
// whole (schema-valid, every guest present). Then a burst of Proxmox webhooks must start one
// refresh (plus at most one follow-up). Prints a table; exits 1 when a check fails.
import autocannon from 'autocannon'
import * as z from 'zod/mini'
import { GuestIndexSchema } from '../shared/schema/index.ts'
import { clearLabFaults, resetLabStats, setLabFaults } from '../test/lab/client.ts'
import { startLocalStack } from './local-stack.ts'

const READ_REQUESTS = Number(process.env.LOAD_REQUESTS ?? 3000)
const CONNECTIONS = 16
const MAX_SECONDS = 90
const BURST = 40
const HOOK_SECRET = `load-${crypto.randomUUID()}`

const stack = await startLocalStack({
  preset: 'demo',
  seed: 11,
  stateName: 'state-load',
  vars: { PULSE_WEBHOOK_SECRET: HOOK_SECRET },
})
const checks: { check: string; result: string; ok: boolean }[] = []

try {
  await stack.refresh()
  const first = GuestIndexSchema.parse(await (await fetch(`${stack.base}/api/guests`)).json())
  const expected = first.guests
    .map((g) => g.key)
    .sort()
    .join(',')

  // Phase 1: readers while refreshes run, sources failing and recovering underneath.
  let partial = 0
  let badBadges = 0
  let badgeReads = 0
  let reads = 0
  let done = false
  const refreshes = (async () => {
    const faults = [
      [{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }],
      [{ kind: 'bad-token', source: 'pbs/pbs' }],
      [{ kind: 'http-error', source: 'pve/office', status: 500 }],
      [],
    ]
    let runs = 0
    while (!done) {
      await setLabFaults(stack.lab.url, faults[runs % faults.length] ?? [])
      await stack.scheduled()
      runs += 1
    }
    await clearLabFaults(stack.lab.url)
    return runs
  })()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: stack.base,
        connections: CONNECTIONS,
        amount: READ_REQUESTS,
        timeout: 10,
        requests: [
          {
            method: 'GET',
            path: '/api/guests',
            onResponse: (status: number, body: string) => {
              reads += 1
              const parsed = z.safeParse(
                GuestIndexSchema,
                (() => {
                  try {
                    return JSON.parse(body)
                  } catch {
                    return null
                  }
                })(),
              )
              const keys = parsed.success
                ? parsed.data.guests
                    .map((g) => g.key)
                    .sort()
                    .join(',')
                : ''
              if (status !== 200 || keys !== expected) partial += 1
            },
          },
          {
            method: 'GET',
            path: '/badge/summary.svg',
            onResponse: (status: number, body: string) => {
              badgeReads += 1
              if (status !== 200 || !body.startsWith('<svg')) badBadges += 1
            },
          },
        ],
      },
      (error, finished) => {
        clearTimeout(guard)
        if (error) reject(error)
        else resolve(finished)
      },
    )
    // Bounded in time as well as in requests: stopping reports what was done.
    const guard = setTimeout(() => instance.stop(), MAX_SECONDS * 1000)
  }).finally(() => {
    done = true
  })
  const refreshRuns = await refreshes
  checks.push({
    check: `index reads during ${refreshRuns} refreshes (faults on and off)`,
    result: `${reads - partial} of ${reads} whole, ${partial} partial or wrong`,
    ok: partial === 0 && refreshRuns > 1,
  })
  checks.push({
    check: 'badge reads during the same refreshes',
    result: `${badgeReads - badBadges} of ${badgeReads} valid SVG badges, ${badBadges} bad`,
    ok: badBadges === 0,
  })
  checks.push({
    check: `throughput (${CONNECTIONS} connections, ${READ_REQUESTS} requests)`,
    result: `${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.errors} errors, ${result.timeouts} timeouts`,
    ok: result.errors === 0 && result.timeouts === 0,
  })

  // Phase 2: a burst of Proxmox webhooks for one node.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await resetLabStats(stack.lab.url)
  const body = JSON.stringify({
    title: 'vzdump backup status',
    severity: 'info',
    timestamp: Math.floor(Date.now() / 1000),
    fields: { hostname: 'pve1', type: 'vzdump', 'job-id': 'backup-load' },
    message: 'backup successful',
  })
  const answers = await Promise.all(
    Array.from({ length: BURST }, () =>
      fetch(`${stack.base}/hooks/proxmox`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HOOK_SECRET}`, 'content-type': 'application/json' },
        body,
      }).then(async (r) => ({ status: r.status, text: await r.text() })),
    ),
  )
  // Let the refresh and its follow-up finish.
  let previous = -1
  for (let i = 0; i < 60; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const stats = (await (await fetch(`${stack.lab.url}/_lab/stats`)).json()) as { total: number }
    if (stats.total === previous) break
    previous = stats.total
  }
  const stats = (await (await fetch(`${stack.lab.url}/_lab/stats`)).json()) as {
    byEndpoint: Record<string, number>
    bySource: Record<string, number>
  }
  const runs = stats.byEndpoint['pve/homelab GET /cluster/status'] ?? 0
  const outcomes = (name: string) =>
    answers.filter((a) => a.text.includes(`"outcome":"${name}"`)).length
  // A vzdump webhook also refreshes the PBS the cluster writes to (the backup may be there):
  // that source, like the cluster, at most once plus one follow-up; the other cluster never.
  const pbsRuns = stats.byEndpoint['pbs/pbs GET /status/datastore-usage'] ?? 0
  const others = stats.bySource['pve/office'] ?? 0
  checks.push({
    check: `burst of ${BURST} webhooks for node pve1`,
    result: `${answers.filter((a) => a.status < 300).length} answered 2xx (${outcomes('started')} started, ${outcomes('follow-up')} follow-up, ${outcomes('coalesced')} coalesced); homelab refreshed ${runs} time(s), its PBS ${pbsRuns} time(s), the other cluster ${others} request(s)`,
    ok:
      answers.every((a) => a.status < 300) &&
      runs >= 1 &&
      runs <= 2 &&
      pbsRuns >= 1 &&
      pbsRuns <= 2 &&
      others === 0,
  })
} finally {
  await stack.stop()
}

const width = Math.max(...checks.map((c) => c.check.length))
console.log(`\n${'check'.padEnd(width)} | ok | result`)
console.log(`${'-'.repeat(width)}-|----|-------`)
for (const c of checks)
  console.log(`${c.check.padEnd(width)} | ${c.ok ? '✓ ' : '✗ '} | ${c.result}`)
process.exit(checks.every((c) => c.ok) ? 0 : 1)

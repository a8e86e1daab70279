// Dashboard benchmark: 5,000 guests in headless Chromium. First render (navigation → rows in
// the DOM and laid out) and a filter switch (click → DOM updated and laid out), each beside the
// same rows served as plain static HTML in the same run; and the page weight, gzipped.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '../scripts/chromium.ts'
import { ageStatus, formatAge, getFilteredAge } from '../shared/age.ts'
import type { GuestSchedule, GuestSummary } from '../shared/schema/guest.ts'
import type { GuestIndex } from '../shared/schema/index.ts'
import type { Status } from '../shared/schema/status.ts'
import { createRng } from '../test/lab/prng.ts'
import { median } from './measure.ts'

const GUESTS = 5_000
const RUNS = 5
const root = fileURLToPath(new URL('..', import.meta.url))
const web = `${root}dist/web/`

function schedule(state: 'ok' | 'missed', now: number): GuestSchedule {
  const previousRun = now - 10 * 3600
  return {
    state,
    jobs: ['c0/nightly'],
    previousRun,
    nextRun: now + 14 * 3600,
    deadline: previousRun + 2 * 3600,
    missedSince: state === 'missed' ? previousRun + 2 * 3600 : null,
  }
}

function fleet(now: number): GuestSummary[] {
  const rng = createRng(5000, 'dashboard-bench')
  const hours = (h: number) => now - Math.round(h * 3600)
  const maybe = (p: number, h: number) => (rng.chance(p) ? hours(h) : null)
  return Array.from({ length: GUESTS }, (_, i) => {
    const cluster = `c${i % 20}`
    const guestId = 100 + Math.floor(i / 20)
    const pve = maybe(0.7, rng.next() * 120)
    const pbs = maybe(0.6, rng.next() * 60)
    const snapshots = maybe(0.3, rng.next() * 900)
    const latest = Math.max(pve ?? -1, pbs ?? -1)
    return {
      key: `${cluster}/${guestId}`,
      cluster,
      guestId,
      guestName: `${rng.pick(['web', 'db', 'mail', 'dns', 'cache', 'files'])}-${i}`,
      type: rng.chance(0.6) ? 'qemu' : 'lxc',
      node: `${cluster}-pve${rng.int(1, 10)}`,
      status: 'running',
      template: rng.chance(0.01),
      latestBackupTime: latest < 0 ? null : latest,
      latestTimes: { pve, pbs, snapshots },
      lastJob: rng.chance(0.9)
        ? { outcome: rng.chance(0.05) ? 'failed' : 'ok', time: hours(5), node: `${cluster}-pve1` }
        : null,
      covered: rng.chance(0.95),
      backingUp: false,
      ambiguousSnapshots: 0,
      counts: { pve: pve ? 5 : 0, pbs: pbs ? 5 : 0, snapshots: snapshots ? 1 : 0 },
      // Most guests in a nightly job, a few of them past its deadline (the schedule column).
      schedule: rng.chance(0.85) ? schedule(rng.chance(0.1) ? 'missed' : 'ok', now) : null,
      verification: pbs
        ? { latest: rng.chance(0.02) ? 'failed' : 'ok', latestVerified: pbs }
        : null,
    }
  })
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  )

/** The same rows, columns and classes as the app's table, as server-rendered HTML. */
function staticPage(guests: GuestSummary[], now: number): string {
  const cells = (g: GuestSummary) => {
    const age = getFilteredAge(g, 'all', now)
    const kinds = (['pve', 'pbs', 'snapshots'] as const).map((k) => {
      const a = getFilteredAge(g, k, now)
      return `<td class="kind" data-status="${ageStatus(a)}">${formatAge(a)}</td>`
    })
    const s = g.schedule
    const sched = s
      ? `<span data-schedule="${s.state}">${s.state === 'missed' ? `missed ${formatAge(now - (s.missedSince ?? now))}` : s.state}</span>`
      : '—'
    return `<tr><td class="name"><a href="?guest=${g.key}">${escapeHtml(g.guestName ?? '')}</a></td><td class="num">${g.guestId}</td><td class="opt">${g.cluster}</td><td class="opt">${g.node}</td><td class="opt">${g.type === 'qemu' ? 'VM' : 'CT'}</td><td class="age" data-status="${ageStatus(age)}">${formatAge(age)}</td>${kinds.join('')}<td class="sched">${sched}</td><td class="job"><span>${g.lastJob?.outcome ?? '—'}</span></td></tr>`
  }
  const rows = guests
    .filter((g) => !g.template)
    .map(cells)
    .join('\n')
  // The inline script is the baseline's stopwatch only; the real page has none.
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/app.css"></head><body><main><div class="scroll table-wrap"><table class="guests"><thead><tr><th>Guest</th><th>VMID</th><th>Cluster</th><th>Node</th><th>Type</th><th>Newest backup</th><th>PVE</th><th>PBS</th><th>Snapshot</th><th>Schedule</th><th>Last job</th></tr></thead><tbody>
${rows}
</tbody></table></div></main><script>document.body.offsetHeight;performance.mark('bench:laid-out')</script></body></html>`
}

function serve(files: Record<string, { type: string; body: string | Buffer }>) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = files[path]
    if (!file) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body)
  })
  return new Promise<{ url: string; close: () => void }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() })
    })
  })
}

export async function benchDashboard(): Promise<void> {
  console.log('\n## Dashboard (5,000 guests, headless Chromium)')
  await import('../web/build.ts')
  const now = Math.floor(Date.now() / 1000)
  const guests = fleet(now)
  const index: GuestIndex = { guests, orphans: [], ambiguous: [] }
  const status: Status = {
    sources: [],
    configIssues: [],
    thresholds: { freshHours: 24, staleHours: 72 },
    lastRefresh: null,
    progress: null,
    nextRefresh: null,
    refreshAllowed: false,
  }
  const read = (name: string) => readFileSync(`${web}${name}`)
  const files = {
    '/': { type: 'text/html', body: read('index.html') },
    '/app.js': { type: 'text/javascript', body: read('app.js') },
    '/app.css': { type: 'text/css', body: read('app.css') },
    '/alerts.css': { type: 'text/css', body: read('alerts.css') },
    '/history.css': { type: 'text/css', body: read('history.css') },
    '/api/guests': { type: 'application/json', body: JSON.stringify(index) },
    '/api/status': { type: 'application/json', body: JSON.stringify(status) },
    '/static.html': { type: 'text/html', body: staticPage(guests, now) },
  }
  const server = await serve(files)
  const browser = await launchChromium()
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } })
    // The app marks "pulse:first-render" once its rows are in the DOM; force layout there too,
    // so both sides are measured to the same point.
    await context.addInitScript(() => {
      const mark = performance.mark.bind(performance)
      performance.mark = (name: string, options?: PerformanceMarkOptions) => {
        if (name === 'pulse:first-render') {
          void document.body.offsetHeight
          mark('bench:laid-out')
        }
        return mark(name, options)
      }
    })
    const page = await context.newPage()
    const laidOut = () =>
      page.evaluate(() => performance.getEntriesByName('bench:laid-out')[0]?.startTime ?? NaN)

    const staticTimes: number[] = []
    const appTimes: number[] = []
    const switchTimes: number[] = []
    let domRows = 0
    for (let run = 0; run <= RUNS; run++) {
      await page.goto(`${server.url}/static.html`)
      await page.waitForFunction(() => performance.getEntriesByName('bench:laid-out').length > 0)
      const s = await laidOut()
      await page.goto(`${server.url}/`)
      await page.waitForSelector('body[data-ready]')
      const a = await laidOut()
      const rowCount = Number(await page.locator('table.guests').getAttribute('aria-rowcount'))
      domRows = await page.locator('table.guests tbody tr[data-key]').count()
      const expected = guests.filter((g) => !g.template).length + 1
      if (rowCount !== expected)
        throw new Error(`the app lists ${rowCount - 1} guests, not ${expected - 1}`)
      const switches: number[] = []
      for (const filter of ['pve', 'pbs', 'snapshots', 'all']) {
        switches.push(
          await page.evaluate((id) => {
            const button = document.querySelector<HTMLButtonElement>(`button[data-filter="${id}"]`)
            const started = performance.now()
            button?.click()
            void document.body.offsetHeight
            return performance.now() - started
          }, filter),
        )
      }
      if (run === 0) continue // warm-up: disk cache, JIT
      staticTimes.push(s)
      appTimes.push(a)
      switchTimes.push(median(switches))
    }
    const staticMs = median(staticTimes)
    const appMs = median(appTimes)
    const switchMs = median(switchTimes)
    console.log(
      `first render: ${appMs.toFixed(0)} ms vs static HTML ${staticMs.toFixed(0)} ms = ${(appMs / staticMs).toFixed(2)}× (goal ≤ 0.5×; medians of ${RUNS})`,
    )
    console.log(
      `(the app keeps ${domRows} of ${GUESTS} rows in the DOM — those near the viewport; the static page has all)`,
    )
    console.log(
      `filter switch: ${switchMs.toFixed(1)} ms = ${(switchMs / staticMs).toFixed(2)}× the static render (goal ≤ 16 ms, one frame)`,
    )
    // Every file the page loads (index.html links each stylesheet).
    const gz = (n: string) => gzipSync(read(n), { level: 9 }).length
    const [html, js] = [gz('index.html'), gz('app.js')]
    const css = ['app.css', 'alerts.css', 'history.css'].map(gz).reduce((a, b) => a + b, 0)
    const total = html + js + css
    console.log(
      `page weight gzipped: ${(total / 1024).toFixed(1)} KB (html ${html} B, js ${js} B, css ${css} B; goal < 40 KB)`,
    )
  } finally {
    await browser.close()
    server.close()
  }
}

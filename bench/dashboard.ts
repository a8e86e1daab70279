// Dashboard benchmark: 5,000 guests in headless Chromium. First render (navigation → rows in
// the DOM and laid out) and a filter switch (click → DOM updated and laid out), each beside the
// same rows served as plain static HTML in the same run; and the page weight, gzipped: what the
// browser fetches for the first load of each view (recorded from the browser's own requests,
// not listed by hand), beside the total of every file the build makes.
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '../scripts/chromium.ts'
import { ageStatus, formatAge, getFilteredAge } from '../shared/age.ts'
import type { GuestRecord, GuestSchedule, GuestSummary } from '../shared/schema/guest.ts'
import type { GuestIndex } from '../shared/schema/index.ts'
import type { Status } from '../shared/schema/status.ts'
import { createRng } from '../test/lab/prng.ts'
import { alertsFixture, channelsFixture } from '../test/unit/web/alerts-fixtures.ts'
import {
  activityFixture,
  guestHistoryFixture,
  storageTrendsFixture,
} from '../test/unit/web/history-fixtures.ts'
import { jobsFixture, storageFixture } from '../test/unit/web/issue11-fixtures.ts'
import type { Page } from '../web/src/view-state.ts'
import { median } from './measure.ts'

const GUESTS = 5_000
const RUNS = 5
/** Issue 11's goal for the first load of each view, gzipped. */
const GOAL_BYTES = 40 * 1024
const LAZY_VIEWS: Exclude<Page, 'guests'>[] = ['jobs', 'storage', 'alerts', 'activity']
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

const TYPES: Record<string, string> = {
  html: 'text/html',
  js: 'text/javascript',
  css: 'text/css',
  svg: 'image/svg+xml',
  map: 'application/json',
}

/** Every file of the build, by the path the Worker serves it at (index.html also at /). */
function builtFiles(): Record<string, { type: string; body: Buffer }> {
  const files: Record<string, { type: string; body: Buffer }> = {}
  for (const name of readdirSync(web, { recursive: true, encoding: 'utf8' })) {
    const ext = name.split('.').pop() ?? ''
    if (!TYPES[ext]) continue
    files[`/${name}`] = { type: TYPES[ext], body: readFileSync(`${web}${name}`) }
  }
  const index = files['/index.html']
  if (index) files['/'] = index
  return files
}

const gzSize = (body: string | Buffer) => gzipSync(body, { level: 9 }).length
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

function serve(files: Record<string, { type: string; body: string | Buffer }>) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    // The history routes take their range in the query; one answer each is enough here. Any
    // guest's drill-down gets the first guest's record and history, renamed.
    const guest = path.match(/^\/api\/(history\/)?guests\/(.+)$/)
    const file = files[path] ?? (guest ? files[`/api/${guest[1] ?? ''}guests/*`] : undefined)
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

type Context = Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['newContext']>>
type BrowserPage = Awaited<ReturnType<Context['newPage']>>

/** Gzipped bytes of every file (not /api/) the page fetched, by path, as they arrive. */
function recordFetches(page: BrowserPage): Map<string, number> {
  const fetched = new Map<string, number>()
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    // The favicon is fetched whenever the browser likes, and the table never waits for it.
    if (path.startsWith('/api/') || path === '/favicon.svg' || path === '/static.html') return
    void response.body().then(
      (body) => fetched.set(path, gzSize(body)),
      () => fetched.set(path, Number.NaN),
    )
  })
  return fetched
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)

/** Until the page's network is quiet and no view is still waiting for its code. */
async function settled(page: BrowserPage): Promise<void> {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(
    () => !document.querySelector('.chunk-loading, [data-detail="loading"]'),
  )
  const failed = await page.locator('.chunk-failed, .detail-body[data-detail="error"]').count()
  if (failed > 0) throw new Error('a view of the dashboard failed to load its code')
}

/**
 * The first load of each view as the browser fetches it (HTML, scripts, stylesheets; cold cache):
 * the default guest table; then each other view opened from it, and the same view opened cold
 * by its URL; and the drill-down. Then every view opened once in one page, and every file the
 * build makes, gzipped one by one as they are served.
 */
async function pageWeights(context: Context, url: string): Promise<void> {
  const aGuest = 'table.guests tbody tr[data-key] a[data-guest]'
  const open = async (path: string) => {
    // A new page each time; the server says no-store, so nothing comes from a cache.
    const page = await context.newPage()
    const fetched = recordFetches(page)
    await page.goto(`${url}${path}`)
    await page.waitForSelector('body[data-ready]')
    await settled(page)
    return { page, fetched }
  }
  const goal = (bytes: number) => (bytes < GOAL_BYTES ? 'meets < 40 KB' : 'MISSES < 40 KB')
  const rows: [string, number, string][] = []
  const base = await open('/')
  const defaultBytes = sum(base.fetched)
  rows.push(['guests (default view)', defaultBytes, [...base.fetched.keys()].join(' ')])
  await base.page.close()
  for (const view of LAZY_VIEWS) {
    const nav = await open('/')
    const before = new Set(nav.fetched.keys())
    await nav.page.click(`nav a[data-page="${view}"]`)
    await settled(nav.page)
    const added = [...nav.fetched.keys()].filter((k) => !before.has(k))
    rows.push([
      `guests + ${view} (opened from the header)`,
      sum(nav.fetched),
      `+ ${added.join(' ')}`,
    ])
    await nav.page.close()
    const cold = await open(`/?view=${view}`)
    rows.push([`${view} cold by URL (?view=${view})`, sum(cold.fetched), ''])
    await cold.page.close()
  }
  const drill = await open('/')
  const before = new Set(drill.fetched.keys())
  await drill.page.locator(aGuest).first().click()
  await drill.page.waitForSelector('.detail-body[data-detail="guest"]')
  await settled(drill.page)
  const added = [...drill.fetched.keys()].filter((k) => !before.has(k))
  rows.push(['guests + a drill-down', sum(drill.fetched), `+ ${added.join(' ')}`])
  await drill.page.close()

  const every = await open('/')
  for (const view of LAZY_VIEWS) {
    await every.page.click(`nav a[data-page="${view}"]`)
    await settled(every.page)
  }
  await every.page.click('nav a[data-page="guests"]')
  await every.page.locator(aGuest).first().click()
  await every.page.waitForSelector('.detail-body[data-detail="guest"]')
  await settled(every.page)
  const everyBytes = sum(every.fetched)
  await every.page.close()

  console.log(
    'page weight gzipped, first load of each view (HTML + scripts + stylesheets fetched):',
  )
  for (const [name, bytes, files] of rows)
    console.log(
      `  ${name.padEnd(44)} ${kb(bytes).padStart(8)}  ${goal(bytes)}${files ? `  [${files}]` : ''}`,
    )
  const built = Object.entries(builtFiles()).filter(
    ([path]) => path !== '/' && /\.(html|js|css)$/.test(path),
  )
  const builtBytes = built.reduce((a, [, f]) => a + gzSize(f.body), 0)
  console.log(
    `  every view opened once in one page: ${kb(everyBytes)}; every .html/.js/.css the build makes: ${kb(builtBytes)} in ${built.length} files (not a first load: the goal is judged per view)`,
  )
  printComposition()
}

/** What the default view's scripts are made of (minified bytes per package, from the metafile). */
function printComposition(): void {
  const meta = JSON.parse(readFileSync(`${root}dist/web-meta.json`, 'utf8')) as {
    outputs: Record<
      string,
      {
        imports: { path: string; kind: string }[]
        inputs: Record<string, { bytesInOutput: number }>
      }
    >
  }
  const closure = (start: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(start)) return seen
    seen.add(start)
    for (const i of meta.outputs[start]?.imports ?? [])
      if (i.kind === 'import-statement') closure(i.path, seen)
    return seen
  }
  const group = (input: string) => {
    const npm = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
    if (npm) return npm[1] as string
    return input.replace(/^(\.\.\/)*/, '').replace(/\/[^/]+$/, '/')
  }
  const tally = (outputs: Iterable<string>) => {
    const bytes = new Map<string, number>()
    for (const o of outputs)
      for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[o]?.inputs ?? {}))
        bytes.set(group(input), (bytes.get(group(input)) ?? 0) + bytesInOutput)
    return [...bytes]
      .sort((a, b) => b[1] - a[1])
      .map(([g, b]) => `${g} ${kb(b)}`)
      .join(', ')
  }
  const all = Object.keys(meta.outputs).filter((o) => o.endsWith('.js'))
  console.log(
    `  default view's scripts, minified, by package: ${tally(closure('dist/web/app.js'))}`,
  )
  console.log(`  all scripts, minified, by package: ${tally(all)}`)
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
  const json = (body: unknown) => ({ type: 'application/json', body: JSON.stringify(body) })
  const first = guests[0] as GuestSummary
  const fixtureGuests = {
    cluster: 'c0',
    vmids: [100, 101, 102, 103] as [number, number, number, number],
  }
  const files = {
    ...builtFiles(),
    '/api/guests': json(index),
    '/api/status': json(status),
    // Each view's own endpoint, so every view draws its real content (the unit tests' data).
    '/api/jobs': json(jobsFixture(now, fixtureGuests)),
    '/api/storage': json(storageFixture(now, 'c0')),
    '/api/alerts': json(
      alertsFixture(now, {
        base: 'http://127.0.0.1/',
        cluster: 'c0',
        vmids: [100, 101, 102],
        names: ['a', 'b', 'c'],
      }),
    ),
    '/api/alerts/channels': json(channelsFixture(now)),
    '/api/history/activity': json(activityFixture(now, 30, 'UTC')),
    '/api/history/storage': json(storageTrendsFixture(now, 90, 'c0')),
    '/api/guests/*': json({
      ...first,
      backupDates: [],
      backups: [],
    } satisfies GuestRecord),
    '/api/history/guests/*': json(guestHistoryFixture({ now, key: first.key })),
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
    await pageWeights(context, server.url)
  } finally {
    await browser.close()
    server.close()
  }
}

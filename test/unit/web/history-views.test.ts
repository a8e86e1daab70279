// @vitest-environment happy-dom
// The history views as a user meets them: the activity chart and its table, the storage trends
// with their full dates, a guest's drill-down through a year, the export links, and the URL.
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../../../shared/age.ts'
import type { BackupDate, BackupDetail, GuestRecord } from '../../../shared/schema/guest.ts'
import type { GuestHistoryResponse, HistoryBackup } from '../../../shared/schema/history.ts'
import { type ActivityState, activityBars, activityView } from '../../../web/src/activity-view.ts'
import { buildDays, mergeEntries } from '../../../web/src/calendar.ts'
import { dayRange, localDay, startOfDay } from '../../../web/src/charts/time.ts'
import { type DetailState, detailView } from '../../../web/src/detail.ts'
import { dispositionName } from '../../../web/src/export-links.ts'
import {
  durationDays,
  type GuestHistoryState,
  historyDays,
  sizePoints,
} from '../../../web/src/history-detail.ts'
import {
  storageTrendsSection,
  type TrendsState,
  thinSamples,
  trendGeometry,
} from '../../../web/src/storage-trends.ts'
import { formatViewState, parseViewState } from '../../../web/src/view-state.ts'
import {
  ACTIVITY_FAILED_DAYS,
  activityFixture,
  FAILED_NIGHTS,
  FAILURE_TEXT,
  guestHistoryFixture,
  storageTrendsFixture,
} from './history-fixtures.ts'
import { all, mount, text } from './render.ts'
import { HOUR, NOW, summary } from './summaries.ts'

const DAY = 86_400
const NY = 'America/New_York'

/** Opens a <details> as a click would: its table is built only then. */
function open(root: ParentNode, selector: string): Element {
  const details = root.querySelector(selector) as HTMLDetailsElement
  expect(details.querySelector('tbody')).toBeNull()
  details.open = true
  details.dispatchEvent(new Event('toggle'))
  return details
}

function activityState(patch: Partial<ActivityState> = {}): ActivityState {
  return {
    activity: activityFixture(NOW, 30, NY),
    error: null,
    days: 30,
    filter: 'all',
    width: 1000,
    onChange: () => {},
    onRetry: () => {},
    ...patch,
  }
}

describe('the activity chart', () => {
  it('draws a bar per local day with its numbers in words, one tab stop for all', () => {
    const data = activityFixture(NOW, 30, NY)
    const root = mount(activityView(activityState()))
    const bars = all(root, '.bar')
    expect(bars.map((b) => b.getAttribute('data-date'))).toEqual(data.series.map((d) => d.date))
    expect(bars.at(-1)?.getAttribute('data-date')).toBe(localDay(NOW, NY))
    expect(bars.filter((b) => b.getAttribute('tabindex') === '0')).toHaveLength(1)
    expect(bars.at(-1)?.getAttribute('tabindex')).toBe('0')
    const day = data.series[10]
    if (!day) throw new Error('no day')
    const label = bars[10]?.getAttribute('aria-label') ?? ''
    expect(label).toMatch(/^\w{3}, \w{3} \d+, \d{4}: /)
    expect(label).toContain(
      `${day.pve.ok + day.pbs.ok} ok, ${day.pve.failed + day.pbs.failed} failed, ${day.pve.missed + day.pbs.missed} missed`,
    )
    expect(bars[10]?.getAttribute('data-tip')).toBe(label)
    // A figure with a caption, the SVG a named group, a legend that names textures.
    expect(root.querySelector('figure figcaption')).not.toBeNull()
    expect(root.querySelector('svg.chart')?.getAttribute('role')).toBe('group')
    expect(root.querySelector('svg.chart')?.getAttribute('aria-label')).toMatch(/arrow keys/)
    expect(all(root, '.chart-legend li').map(text)).toEqual([
      'ok',
      'failed (hatched, over a day with any)',
      'missed (dotted, over a day with any)',
    ])
  })

  it('stacks ok, failed and missed, and marks days with failures or misses', () => {
    const root = mount(activityView(activityState()))
    const data = activityFixture(NOW, 30, NY)
    for (const [i, bar] of all(root, '.bar').entries()) {
      const d = data.series[i]
      if (!d) throw new Error('no day')
      const total = d.pve.ok + d.pbs.ok + d.pve.failed + d.pbs.failed + d.pve.missed + d.pbs.missed
      expect(Number(bar.getAttribute('data-total'))).toBe(total)
      const failed = d.pve.failed + d.pbs.failed
      expect(bar.querySelectorAll('rect.seg[data-series="failed"]').length).toBe(failed ? 1 : 0)
      expect(bar.querySelectorAll('.flag.k-failed').length).toBe(failed ? 1 : 0)
    }
    // Failed segments sit on the ok ones: the stack grows upwards in one piece.
    const bar = all(root, '.bar').find((b) => b.querySelector('[data-series="failed"]'))
    const ok = bar?.querySelector('[data-series="ok"]')
    const failed = bar?.querySelector('[data-series="failed"]')
    const bottomOfFailed =
      Number(failed?.getAttribute('y')) + Number(failed?.getAttribute('height'))
    expect(bottomOfFailed).toBeCloseTo(Number(ok?.getAttribute('y')), 0)
    expect(failed?.getAttribute('fill')).toBe('url(#activity-p-failed)')
    expect(root.querySelector('pattern#activity-p-failed line')).not.toBeNull()
  })

  it("counts the chosen type only; 'All' is PVE and PBS, as in the guest table", () => {
    const series = activityFixture(NOW, 30, NY).series
    const sum = (filter: 'all' | 'pve' | 'pbs' | 'snapshots') =>
      activityBars(series, filter).reduce((n, b) => n + b.values.reduce((a, v) => a + v, 0), 0)
    const each = (k: 'pve' | 'pbs' | 'snapshots') =>
      series.reduce((n, d) => n + d[k].ok + d[k].failed + d[k].missed, 0)
    expect(sum('all')).toBe(each('pve') + each('pbs'))
    expect(sum('pbs')).toBe(each('pbs'))
    expect(sum('snapshots')).toBe(each('snapshots'))
    expect(each('snapshots')).toBeGreaterThan(0)
    const root = mount(activityView(activityState({ filter: 'snapshots' })))
    expect(text(root.querySelector('.caption-title'))).toMatch(/^guest snapshots, per day/)
    expect(root.querySelector('[data-toggles="filter"] [aria-pressed="true"]')?.textContent).toBe(
      'Snapshots',
    )
  })

  it('draws a year: 365 days, labelled by months, each problem day marked', () => {
    const data = activityFixture(NOW, 365, NY)
    const root = mount(activityView(activityState({ activity: data, days: 365, width: 1200 })))
    expect(all(root, '.bar')).toHaveLength(365)
    const labels = all(root, 'text.tick.x').map(text)
    expect(labels.length).toBeGreaterThanOrEqual(12)
    expect(labels.some((l) => /^Jan( \d{4})?$|^\d{4}$|^Jan 1$/.test(l))).toBe(true)
    const problems = data.series.filter((d) => d.pbs.failed + d.pve.failed + d.pbs.missed > 0)
    expect(problems.length).toBe(new Set([...ACTIVITY_FAILED_DAYS]).size + 2)
    expect(all(root, '.bar').filter((b) => b.querySelector('.flag')).length).toBe(problems.length)
  })

  it('has the same numbers as a table, newest first', () => {
    const data = activityFixture(NOW, 7, NY)
    const root = mount(activityView(activityState({ activity: data, days: 7 })))
    const rows = all(open(root, 'details.chart-table'), '.activity-table tbody tr')
    expect(rows.map((r) => r.getAttribute('data-date'))).toEqual(
      data.series.map((d) => d.date).reverse(),
    )
    const first = data.series.at(-1)
    if (!first) throw new Error('no day')
    expect(all(rows[0] as Element, 'td').map(text)).toEqual([
      String(first.pve.ok + first.pbs.ok),
      String(first.pve.failed + first.pbs.failed),
      String(first.pve.missed + first.pbs.missed),
    ])
    // Labels for a week say each day.
    expect(all(root, 'text.tick.x')).toHaveLength(7)
    // Open, the table follows the chart: another type redraws its numbers.
    mount(activityView(activityState({ activity: data, days: 7, filter: 'snapshots' })), root)
    const again = all(root, '.activity-table tbody tr')
    expect(again).toHaveLength(7)
    expect(text(again[0]?.querySelector('td'))).toBe(String(first.snapshots.ok))
  })

  it('says so when there is no history, or nothing in the range', () => {
    const none = mount(
      activityView(
        activityState({ activity: { ...activityFixture(NOW, 7, NY), series: [] }, days: 7 }),
      ),
    )
    expect(text(none.querySelector('.placeholder'))).toMatch(/^No history yet/)
    expect(none.querySelector('svg.chart')).toBeNull()
    const zero = activityFixture(NOW, 7, NY)
    const empty = {
      ...zero,
      series: zero.series.map((d) => ({
        date: d.date,
        pve: { ok: 0, failed: 0, missed: 0 },
        pbs: { ok: 0, failed: 0, missed: 0 },
        snapshots: { ok: 0, failed: 0, missed: 0 },
      })),
    }
    const root = mount(activityView(activityState({ activity: empty, days: 7 })))
    expect(all(root, '.bar')).toHaveLength(7)
    expect(all(root, '.seg')).toHaveLength(0)
    expect(text(root.querySelector('figure .placeholder'))).toBe(
      'No backup was recorded in these 7 days.',
    )
    expect(all(root, 'text.tick.y').map(text)).toEqual(['0', '1'])
  })

  it('waits for the range asked for, and keeps a loaded chart when a reload fails', () => {
    const loading = mount(activityView(activityState({ days: 90 })))
    expect(text(loading.querySelector('.placeholder'))).toBe('Loading activity…')
    const onRetry = vi.fn()
    const failed = mount(activityView(activityState({ activity: null, error: 'boom', onRetry })))
    expect(text(failed.querySelector('[role="alert"] p'))).toBe('Cannot load the activity: boom')
    failed.querySelector<HTMLButtonElement>('[role="alert"] button')?.click()
    expect(onRetry).toHaveBeenCalledOnce()
    const stale = mount(activityView(activityState({ error: 'boom' })))
    expect(stale.querySelector('.reload-failed')).not.toBeNull()
    expect(all(stale, '.bar')).toHaveLength(30)
  })

  it('asks for another range or type from its buttons', () => {
    const onChange = vi.fn()
    const root = mount(activityView(activityState({ onChange })))
    const range = root.querySelector('[data-toggles="days"]')
    expect(range?.querySelector('[aria-pressed="true"]')?.textContent).toBe('30 days')
    range?.querySelector<HTMLButtonElement>('[data-value="365"]')?.click()
    expect(onChange).toHaveBeenLastCalledWith({ days: 365 })
    root.querySelector<HTMLButtonElement>('[data-toggles="filter"] [data-value="pbs"]')?.click()
    expect(onChange).toHaveBeenLastCalledWith({ filter: 'pbs' })
  })

  it('moves between days with the arrow keys, Home and End', () => {
    const root = mount(activityView(activityState()))
    document.body.append(root)
    const bars = all(root, '.bar') as SVGGElement[]
    const items = root.querySelector('g.items') as SVGGElement
    const press = (target: Element, key: string) =>
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }))
    press(bars[29] as Element, 'ArrowLeft')
    expect(bars[28]?.getAttribute('tabindex')).toBe('0')
    expect(bars[29]?.getAttribute('tabindex')).toBe('-1')
    press(bars[28] as Element, 'Home')
    expect(bars[0]?.getAttribute('tabindex')).toBe('0')
    press(bars[0] as Element, 'ArrowLeft')
    expect(bars[0]?.getAttribute('tabindex')).toBe('0')
    press(bars[0] as Element, 'PageDown')
    expect(bars[7]?.getAttribute('tabindex')).toBe('0')
    press(bars[7] as Element, 'End')
    expect(bars[29]?.getAttribute('tabindex')).toBe('0')
    expect(all(items, '[tabindex="0"]')).toHaveLength(1)
    root.remove()
  })
})

const GiB = 1024 ** 3

function trendsState(patch: Partial<TrendsState> = {}): TrendsState {
  return {
    trends: storageTrendsFixture(NOW, 365, 'homelab'),
    error: null,
    days: 365,
    width: 1200,
    timeZone: NY,
    now: NOW,
    onChange: () => {},
    onRetry: () => {},
    ...patch,
  }
}

describe('storage trends', () => {
  it('draws used and total for every store, two to a row on a wide screen', () => {
    const data = storageTrendsFixture(NOW, 365, 'homelab')
    const root = mount(storageTrendsSection(trendsState()))
    expect(all(root, '.trend-card').map((c) => c.getAttribute('data-trend'))).toEqual(
      data.trends.map((t) => t.key),
    )
    expect(root.querySelector('.trend-grid')?.classList.contains('two')).toBe(true)
    const main = root.querySelector('[data-trend="pbs/main"]') as Element
    expect(main.querySelector('path.line.k-used')?.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ L/)
    expect(main.querySelector('path.line.k-total')?.getAttribute('stroke-dasharray')).toBe('2 3')
    expect(text(main.querySelector('figcaption'))).toMatch(
      /^main PBS datastore · pbs\/main 2\.50 TiB of 4\.00 TiB used \(6[23] %\)\. Estimated full .* \(in 120d\)\.$/,
    )
    const narrow = mount(storageTrendsSection(trendsState({ width: 360 })))
    expect(narrow.querySelector('.trend-grid')?.classList.contains('two')).toBe(false)
    expect(Number(narrow.querySelector('svg.chart')?.getAttribute('viewBox')?.split(' ')[2])).toBe(
      334,
    )
  })

  it('projects the line to 100 % at the estimated full date, marked', () => {
    const root = mount(storageTrendsSection(trendsState()))
    const main = root.querySelector('[data-trend="pbs/main"]') as Element
    const projection = main.querySelector('.projection') as Element
    expect(projection.getAttribute('data-projection')).toBe('within')
    expect(projection.querySelector('.proj-line')?.getAttribute('stroke-dasharray')).toBe('6 4')
    expect(projection.querySelector('.proj-dot')).not.toBeNull()
    expect(text(projection.querySelector('.proj-label'))).toMatch(/^full ≈ .* \(in 120d\)$/)
    // The dot sits on the total line at the full date.
    const dot = projection.querySelector('.proj-dot') as Element
    const totalY = main.querySelector('path.line.k-total')?.getAttribute('d')?.split(',')[1]
    expect(Number(dot.getAttribute('cy'))).toBeCloseTo(Number(totalY?.split(' ')[0]), 0)
    // Not filling up: no projection, and it says so.
    const local = root.querySelector('[data-trend="homelab/pve1/local"]') as Element
    expect(local.querySelector('.projection')).toBeNull()
    expect(text(local.querySelector('[data-full]'))).toMatch(/^No full date estimated/)
    expect(text(root.querySelector('[data-trend="pbs/usb"] .placeholder'))).toBe(
      'No usage samples in this range yet.',
    )
  })

  it('runs the projection off the edge when the full date is far beyond the range', () => {
    const trend = storageTrendsFixture(NOW, 30, 'homelab').trends[0]
    if (!trend) throw new Error('no trend')
    const g = trendGeometry(trend, NOW - 30 * DAY, NOW, NOW)
    expect(g.projection?.beyond).toBe(true)
    expect(g.domain[1]).toBe(NOW + 15 * DAY)
    expect(g.projection?.label).toMatch(/ →$/)
    const year = trendGeometry(trend, NOW - 365 * DAY, NOW, NOW)
    expect(year.projection?.beyond).toBe(false)
    expect(year.domain[1]).toBeGreaterThan(NOW + 120 * DAY)
    // A full date already passed is drawn at the last sample, "any time now".
    const past = trendGeometry({ ...trend, estimatedFull: NOW - DAY }, NOW - 30 * DAY, NOW, NOW)
    expect(past.projection?.to.t).toBe(trend.samples.at(-1)?.at)
    expect(past.projection?.label).not.toMatch(/\(in /)
  })

  it('keeps a year of 6-hourly samples to what the width can show, newest last', () => {
    const trend = storageTrendsFixture(NOW, 365, 'homelab').trends[0]
    if (!trend) throw new Error('no trend')
    expect(trend.samples.length).toBeGreaterThan(1400)
    const daily = thinSamples(trend.samples, NY, 400)
    expect(daily.length).toBeLessThanOrEqual(367)
    expect(daily.at(-1)).toEqual(trend.samples.at(-1))
    const fewer = thinSamples(trend.samples, NY, 100)
    expect(fewer.length).toBeLessThanOrEqual(101)
    expect(fewer.at(-1)).toEqual(trend.samples.at(-1))
    expect(thinSamples(trend.samples.slice(0, 10), NY, 100)).toHaveLength(10)
  })

  it('offers the samples as a table and each point in words', () => {
    const root = mount(
      storageTrendsSection(
        trendsState({ trends: storageTrendsFixture(NOW, 7, 'homelab'), days: 7 }),
      ),
    )
    const main = root.querySelector('[data-trend="pbs/main"]') as Element
    const rows = all(open(main, 'details.chart-table'), '.trend-table tbody tr')
    expect(rows.length).toBeGreaterThanOrEqual(7)
    expect(rows[0]?.getAttribute('data-date')).toBe(localDay(NOW, NY))
    expect(text(rows[0]?.querySelector('td:last-child'))).toMatch(/^6[23] %$/)
    const points = all(main, '.point')
    expect(points.at(-1)?.getAttribute('aria-label')).toMatch(/: 2\.50 TiB of 4\.00 TiB used/)
    expect(points.filter((p) => p.getAttribute('tabindex') === '0')).toHaveLength(1)
  })

  it('shows an error with a retry, and nothing when no store has history', () => {
    const onRetry = vi.fn()
    const failed = mount(
      storageTrendsSection(trendsState({ trends: null, error: 'boom', onRetry })),
    )
    expect(text(failed.querySelector('[role="alert"] p'))).toBe(
      'Cannot load the usage history: boom',
    )
    failed.querySelector<HTMLButtonElement>('[role="alert"] button')?.click()
    expect(onRetry).toHaveBeenCalledOnce()
    const none = mount(
      storageTrendsSection(trendsState({ trends: { from: NOW - DAY, to: NOW, trends: [] } })),
    )
    expect(text(none.querySelector('.placeholder'))).toBe(
      'No storage or datastore has usage history yet.',
    )
  })
})

/** A record whose storage holds the history's unpruned backups. */
function recordFor(history: GuestHistoryResponse): GuestRecord {
  const live = history.backups.filter((b) => !b.pruned)
  const byDate = new Map<string, BackupDate>()
  const field = { pve: 'pveBackups', pbs: 'pbsSnapshots', snapshot: 'vmSnapshots' } as const
  for (const b of live) {
    const date = new Date(b.time * 1000).toISOString().slice(0, 10)
    const d = byDate.get(date) ?? {
      date,
      types: [],
      count: 0,
      timestamps: { pveBackups: [], pbsSnapshots: [], vmSnapshots: [] },
    }
    d.timestamps[field[b.kind]].push(b.time)
    d.count += 1
    byDate.set(date, d)
  }
  const backups: BackupDetail[] = live.map((b) => ({
    kind: b.kind,
    time: b.time,
    location: b.location,
    name: b.name,
    protected: b.protected,
    inProgress: false,
    ...(b.size !== null ? { size: b.size } : {}),
  }))
  return {
    ...summary({ guestId: 101, guestName: 'db' }),
    backupDates: [...byDate.values()],
    backups,
  }
}

const history = guestHistoryFixture({ now: NOW, key: 'homelab/101' })
const record = recordFor(history)

function detail(h: GuestHistoryState, patch: Partial<DetailState> = {}) {
  return mount(
    detailView(
      {
        content: { kind: 'guest', record, jobs: null, history: h },
        now: NOW,
        thresholds: DEFAULT_THRESHOLDS,
        timeZone: NY,
        width: 900,
        ...patch,
      },
      () => {},
    ),
  )
}

const backup = (kind: HistoryBackup['kind'], time: number, pruned: boolean): HistoryBackup => ({
  kind,
  time,
  location: 'main',
  node: null,
  name: `${kind}-${time}`,
  size: null,
  verification: null,
  protected: false,
  notes: null,
  durationSeconds: null,
  firstSeen: time,
  lastSeen: time,
  pruned,
})

describe('a guest through time', () => {
  it('merges storage and history: each backup once, pruned ones apart', () => {
    const t = NOW - 10 * DAY
    const dates: BackupDate[] = [
      {
        date: 'x',
        types: [],
        count: 3,
        // A PBS sync: two snapshots of one time; and one history says pruned, storage holds.
        timestamps: { pveBackups: [t + 100], pbsSnapshots: [t, t], vmSnapshots: [] },
      },
    ]
    const entries = mergeEntries(dates, [
      backup('pbs', t, false),
      backup('pve', t + 100, true),
      backup('pbs', t - DAY, true),
      backup('snapshot', t - 2 * DAY, false),
    ])
    const key = (e: { kind: string; time: number; pruned: boolean }) =>
      `${e.kind}@${e.time}${e.pruned ? ' pruned' : ''}`
    expect(entries.map(key).sort()).toEqual(
      [
        `pbs@${t}`,
        `pbs@${t}`,
        `pve@${t + 100}`,
        `pbs@${t - DAY} pruned`,
        `snapshot@${t - 2 * DAY}`,
      ].sort(),
    )
  })

  it('buckets a year of history into local days, one cell each across both DST changes', () => {
    const days = historyDays(history, record.backupDates, NOW, NY)
    const dates = days.map((d) => d.date)
    expect(new Set(dates).size).toBe(dates.length)
    expect(dates).toEqual(dayRange(dates[0] as string, localDay(NOW, NY)))
    expect(dates).toContain('2025-03-09')
    expect(dates).toContain('2025-11-02')
    // Every backup lands on one day: none lost, none twice.
    const inDays = days.reduce((n, d) => n + d.total + d.prunedTotal, 0)
    expect(inDays).toBe(history.backups.length)
    expect(days.reduce((n, d) => n + d.prunedTotal, 0)).toBe(history.summary.pruned)
  })

  it('puts a late-evening backup on its local day on a DST change day', () => {
    // 23:30 on 2025-11-02 in New York (EST, after the change) is 04:30 UTC on the 3rd.
    const late = startOfDay('2025-11-02', NY) + 23 * HOUR + 30 * 60 + HOUR
    expect(localDay(late, NY)).toBe('2025-11-02')
    const [nov2, nov3] = buildDays(
      [{ kind: 'pbs', time: late, pruned: true }],
      ['2025-11-02', '2025-11-03'],
      NY,
    )
    expect(nov2?.prunedTotal).toBe(1)
    expect(nov3?.prunedTotal).toBe(0)
  })

  it('says how many restore points, the oldest, and how far history reaches', () => {
    const root = detail({ state: 'loaded', data: history })
    const facts = all(root, '.history-summary > div').map(text)
    expect(facts[0]).toBe(`Restore points on storage ${history.summary.restorePoints}`)
    expect(facts[1]).toMatch(/^Oldest restore point .* \(\d+d ago\)$/)
    expect(facts[2]).toBe(`Pruned (in history only) ${history.summary.pruned}`)
    expect(facts[3]).toMatch(/^History since .* \(365d ago\) kept 400 days$/)
  })

  it('shows every day of the year, pruned and failed days told apart', () => {
    const root = detail({ state: 'loaded', data: history })
    const cells = all(root, '.chart.year .cell')
    expect(cells).toHaveLength(historyDays(history, record.backupDates, NOW, NY).length)
    const state = (s: string) => cells.filter((c) => c.getAttribute('data-state') === s)
    expect(state('failed')).toHaveLength(FAILED_NIGHTS.length)
    expect(state('pruned').length).toBeGreaterThan(250)
    expect(state('live').length).toBeGreaterThan(7)
    const failed = state('failed')[0] as Element
    expect(failed.getAttribute('aria-label')).toMatch(/: job failed$/)
    expect(failed.getAttribute('fill')).toBe('url(#history-year-p-failed)')
    const pruned = state('pruned')[0] as Element
    expect(pruned.getAttribute('aria-label')).toMatch(/1 PBS pruned/)
    expect(all(root, '.history-year .chart-legend li').map(text)).toEqual([
      'restore point on storage',
      'pruned only (no longer on storage)',
      'job failed, no backup',
      'nothing',
    ])
  })

  it('opens the chosen day’s month in the calendar, and pages back to history’s start', () => {
    const onCalendar = vi.fn()
    const root = detail({ state: 'loaded', data: history }, { onCalendar })
    expect(text(root.querySelector('.calendar h3'))).toBe(`Last 30 days (${NY})`)
    const cell = root.querySelector('.chart.year .cell[data-date="2025-03-15"]') as Element
    cell.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    expect(onCalendar).toHaveBeenLastCalledWith('2025-03')
    root.querySelector<HTMLButtonElement>('[data-nav="earlier"]')?.click()
    expect(onCalendar).toHaveBeenLastCalledWith('2025-10')
    const march = detail(
      { state: 'loaded', data: history },
      { calendarMonth: '2025-03', onCalendar },
    )
    expect(text(march.querySelector('.calendar h3'))).toBe(`March 2025 (${NY})`)
    const days = all(march, '.calendar .days li[data-date]')
    expect(days).toHaveLength(31)
    const prunedDays = days.filter((d) => d.classList.contains('pruned'))
    expect(prunedDays.length).toBeGreaterThan(20)
    expect(prunedDays[0]?.getAttribute('aria-label')).toMatch(/PBS pruned \(no longer on storage\)/)
    expect(prunedDays[0]?.querySelector('.mark.pbs.gone')).not.toBeNull()
    expect(text(march.querySelector('.calendar .legend'))).toContain('pruned: in history')
    march.querySelector<HTMLButtonElement>('[data-nav="later"]')?.click()
    expect(onCalendar).toHaveBeenLastCalledWith('2025-04')
    march.querySelector<HTMLButtonElement>('[data-nav="recent"]')?.click()
    expect(onCalendar).toHaveBeenLastCalledWith(null)
    // History's first month: nothing earlier.
    const first = localDay(history.backups[0]?.time ?? NOW, NY).slice(0, 7)
    const start = detail({ state: 'loaded', data: history }, { calendarMonth: first })
    expect(start.querySelector<HTMLButtonElement>('[data-nav="earlier"]')?.disabled).toBe(true)
  })

  it('draws the size per type and the run time per day over the year', () => {
    const root = detail({ state: 'loaded', data: history })
    const size = root.querySelector('.history-size svg') as Element
    const points = sizePoints(history.backups, NY)
    expect(Number(size.getAttribute('data-points'))).toBe(points.length)
    expect(size.querySelector('path.line.k-pbs')?.getAttribute('stroke-dasharray')).toBe('7 3')
    expect(size.querySelector('path.line.k-pve')).not.toBeNull()
    // Sizes grow: the last PBS point is bigger than the first.
    const pbs = points.filter((p) => p.pbs)
    expect((pbs.at(-1)?.pbs?.size ?? 0) > (pbs[0]?.pbs?.size ?? 0) + 5 * GiB).toBe(true)
    const bars = all(root, '.history-duration .bar')
    expect(bars).toHaveLength(historyDays(history, record.backupDates, NOW, NY).length)
    const failed = bars.filter((b) => b.querySelector('[data-series="failed"]'))
    expect(failed).toHaveLength(FAILED_NIGHTS.length)
    expect(failed[0]?.getAttribute('aria-label')).toContain(FAILURE_TEXT)
    expect(text(root.querySelector('.pruned-list summary'))).toBe(
      `Pruned backups (${history.summary.pruned}): in history, no longer on storage`,
    )
    const rows = all(open(root, '.pruned-list'), 'tbody tr')
    expect(rows).toHaveLength(history.summary.pruned)
    // Newest first, each with when it was last on storage.
    const times = rows.map((r) => Number(r.getAttribute('data-time')))
    expect(times).toEqual([...times].sort((a, b) => b - a))
  })

  it('falls back to the backups’ own durations when history has no runs', () => {
    const days = durationDays({ ...history, runs: [] }, NY)
    const withDuration = history.backups.filter((b) => b.durationSeconds !== null)
    expect([...days.values()].reduce((n, d) => n + d.runs.length, 0)).toBe(withDuration.length)
    expect(durationDays({ ...history, runs: [], backups: [] }, NY).size).toBe(0)
  })

  it('keeps the record’s calendar and backups when history fails, and offers a retry', () => {
    const onRetryHistory = vi.fn()
    const root = detail(
      { state: 'error', message: '/api/history/guests/homelab/101: 500 boom' },
      { onRetryHistory },
    )
    expect(text(root.querySelector('.history .callout'))).toMatch(
      /^History could not be loaded: .*500 boom\. The calendar and the list below show the backups on storage now\./,
    )
    expect(all(root, '.calendar .days li[data-date]')).toHaveLength(30)
    expect(all(root, '.backup-list tbody tr')).toHaveLength(record.backups.length)
    expect(root.querySelector('.history-trends')).toBeNull()
    root.querySelector<HTMLButtonElement>('.history button.retry')?.click()
    expect(onRetryHistory).toHaveBeenCalledOnce()
    // A guest history has not recorded yet: said in words, the record's calendar as before.
    const empty = detail({
      state: 'loaded',
      data: {
        ...history,
        backups: [],
        runs: [],
        summary: { restorePoints: 0, oldestRestorePoint: null, pruned: 0, firstSeen: null },
      },
    })
    expect(text(empty.querySelector('.history[data-history="empty"] p'))).toMatch(
      /^History holds nothing for this guest yet/,
    )
    expect(empty.querySelector('.chart.year')).toBeNull()
    expect(empty.querySelector('.history-trends')).toBeNull()
    expect(empty.querySelector('.calendar-nav')).toBeNull()
    expect(all(empty, '.calendar .days li[data-date]')).toHaveLength(30)
    const loading = detail({ state: 'loading' })
    expect(text(loading.querySelector('.history .placeholder'))).toBe('Loading history…')
    expect(all(loading, '.calendar .days li[data-date]')).toHaveLength(30)
  })
})

describe('the URL and the export', () => {
  it('keeps the activity view and its range in the URL', () => {
    const view = parseViewState('?view=activity&days=365&filter=pbs')
    expect(view.page).toBe('activity')
    expect(view.days).toBe(365)
    expect(formatViewState(view)).toBe('?view=activity&filter=pbs&days=365')
    expect(parseViewState('?view=activity&days=12').days).toBeUndefined()
    expect(parseViewState('?days=abc')).toEqual(parseViewState(''))
    expect('days' in parseViewState('?view=storage')).toBe(false)
  })

  it("takes the export's file name from Content-Disposition", () => {
    expect(dispositionName('attachment; filename="inventory.csv"')).toBe('inventory.csv')
    expect(dispositionName("attachment; filename*=UTF-8''pulse%20edge.json")).toBe(
      'pulse edge.json',
    )
    expect(dispositionName('attachment')).toBeNull()
    expect(dispositionName(null)).toBeNull()
  })
})

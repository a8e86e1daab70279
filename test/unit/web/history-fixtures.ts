// Fixtures for the history views (issue 13), for the unit tests and the browser tests alike:
// a year of nightly backups of one guest with prune at work and a few failed and missed nights,
// the fleet's activity per day, and storage samples growing toward full. Generated from a seeded
// generator (the same `now` and seed give the same data) and parsed with the shared schemas, so
// a contract change breaks them here, not silently.
import * as z from 'zod/mini'
import type { BackupDetail } from '../../../shared/schema/guest.ts'
import {
  type ActivityResponse,
  ActivityResponseSchema,
  type GuestHistoryResponse,
  GuestHistoryResponseSchema,
  type HistoryBackup,
  type HistoryJobRun,
  type StorageTrendsResponse,
  StorageTrendsResponseSchema,
} from '../../../shared/schema/history.ts'

const MINUTE = 60
const HOUR = 3_600
const DAY = 86_400
const GiB = 1024 ** 3
const TiB = 1024 ** 4
export const RETENTION_DAYS = 400

/** mulberry32: a small seeded generator, so every run makes the same "random" data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function hash(text: string): number {
  let h = 2_166_136_261
  for (const c of text) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 16_777_619)
  return h >>> 0
}

/** Nights (days before now) whose backup failed, and nights no job ran at all. */
export const FAILED_NIGHTS = [12, 47, 48, 133, 290]
export const MISSED_NIGHTS = [80, 201]
export const FAILURE_TEXT = 'backup write data failed: No space left on device'

export interface GuestHistoryOptions {
  now: number
  key: string
  /**
   * The backups on storage now (a record's): history holds them unpruned, and what it makes
   * itself in their span is pruned (storage holds only these), never on a day one of them has.
   * Without them, the generator applies its own prune policy throughout.
   */
  current?: readonly BackupDetail[]
  /** Nights of history to make (default a year). */
  nights?: number
  seed?: number
}

/**
 * One guest's year: a PBS snapshot every night at about 02:00 UTC (9 pm in New York) whose size
 * grows from 40 to ~55 GiB and whose run time grows from ~10 to ~20 minutes, a PVE archive every
 * Sunday, a manual snapshot twice; prune keeps 7 daily, 4 weekly and 6 monthly PBS snapshots and
 * 4 PVE archives, and the rest is marked pruned with when it was last seen.
 */
export function guestHistoryFixture(o: GuestHistoryOptions): GuestHistoryResponse {
  const rnd = seeded(o.seed ?? hash(o.key))
  const nights = o.nights ?? 365
  const current = o.current ?? []
  const times = current.map((b) => b.time)
  // Storage's own span: what history makes in it is gone from storage.
  const oldest = times.length > 0 ? Math.min(...times) - 6 * HOUR : o.now
  const newest = times.length > 0 ? Math.max(...times) - 6 * HOUR : o.now
  const taken = (kind: string, t: number) =>
    current.some((b) => b.kind === kind && Math.abs(b.time - t) < 12 * HOUR)
  // Sizes grow toward the newest current backup's of the kind (or 55 and 15 GiB).
  const newestSize = (kind: 'pve' | 'pbs', fallback: number) =>
    current
      .filter((b) => b.kind === kind && b.size !== undefined)
      .sort((a, b) => b.time - a.time)[0]?.size ?? fallback
  const pbsSize = newestSize('pbs', 55 * GiB)
  const pveSize = newestSize('pve', 15 * GiB)
  const today = Math.floor(o.now / DAY) * DAY
  const backups: HistoryBackup[] = []
  const runs: HistoryJobRun[] = []
  const [cluster, vmid] = o.key.split('/') as [string, string]
  const node = 'pve1'
  const job = `${cluster}/backup-nightly`
  for (let d = nights; d >= 1; d--) {
    const night = today - d * DAY + 2 * HOUR + Math.floor(rnd() * 10 * MINUTE)
    const grow = (nights - d) / nights
    const duration = Math.round(600 + grow * 600 + rnd() * 120)
    const size = Math.round(pbsSize * (0.72 + grow * 0.27 + rnd() * 0.01))
    const date = new Date(night * 1000)
    const sunday = date.getUTCDay() === 0
    if (night >= newest || taken('pbs', night)) continue
    const inSpan = night >= oldest
    if (MISSED_NIGHTS.includes(d)) continue
    if (FAILED_NIGHTS.includes(d)) {
      runs.push({
        job,
        node,
        start: night,
        end: night + Math.round(duration / 3),
        outcome: 'failed',
        error: FAILURE_TEXT,
      })
      continue
    }
    const keepPbs =
      !inSpan && (d <= 7 || (sunday && d <= 28) || (date.getUTCDate() <= 1 && d <= 180))
    const prunedAfter = d <= 28 ? 8 * DAY : 29 * DAY
    backups.push({
      kind: 'pbs',
      time: night,
      location: 'main',
      node: null,
      name: `vm/${vmid}/${date.toISOString().slice(0, 19)}Z`,
      size,
      verification: d % 11 === 0 ? null : 'ok',
      protected: false,
      notes: null,
      durationSeconds: duration,
      firstSeen: night + duration + 120,
      lastSeen: keepPbs ? o.now : Math.min(o.now - DAY, night + prunedAfter),
      pruned: !keepPbs,
    })
    runs.push({
      job,
      node,
      start: night,
      end: night + duration,
      outcome: d % 97 === 0 ? 'warning' : 'ok',
      error: null,
    })
    if (sunday && !taken('pve', night + HOUR)) {
      const at = night + HOUR
      const keepPve = d <= 28 && !inSpan
      backups.push({
        kind: 'pve',
        time: at,
        location: 'nas-nfs',
        node: null,
        name: `nas-nfs:backup/vzdump-qemu-${vmid}-${date.toISOString().slice(0, 10).replaceAll('-', '_')}-03_00_00.vma.zst`,
        size: Math.round(pveSize * (0.78 + grow * 0.21 + rnd() * 0.01)),
        verification: null,
        protected: d === 84 && !inSpan,
        notes: d === 84 ? 'before the kernel upgrade' : null,
        durationSeconds: Math.round(duration * 1.4),
        firstSeen: at + 1_200,
        lastSeen: keepPve ? o.now : Math.min(o.now - DAY, at + 29 * DAY),
        pruned: !keepPve && !(d === 84 && !inSpan),
      })
    }
  }
  // Manual snapshots: one deleted since, one still there.
  for (const [d, pruned] of [
    [150, true],
    [40, false],
  ] as const) {
    const at = today - d * DAY + 14 * HOUR
    if (at >= oldest) continue
    backups.push({
      kind: 'snapshot',
      time: at,
      location: node,
      node,
      name: d === 150 ? 'before-upgrade' : 'pre-migration',
      size: null,
      verification: null,
      protected: false,
      notes: null,
      durationSeconds: null,
      firstSeen: at + 300,
      lastSeen: pruned ? at + 10 * DAY : o.now,
      pruned,
    })
  }
  for (const b of current) {
    backups.push({
      kind: b.kind,
      time: b.time,
      location: b.location,
      node: b.node ?? null,
      name: b.name,
      size: b.size ?? null,
      verification: b.verification ?? null,
      protected: b.protected,
      notes: b.notes ?? null,
      durationSeconds: b.kind === 'snapshot' ? null : 1_100 + Math.floor(rnd() * 120),
      firstSeen: b.time + 600,
      lastSeen: o.now,
      pruned: false,
    })
    if (b.kind !== 'snapshot')
      runs.push({ job, node, start: b.time, end: b.time + 1_150, outcome: 'ok', error: null })
  }
  backups.sort((a, b) => a.time - b.time)
  runs.sort((a, b) => a.start - b.start)
  const points = backups.filter((b) => b.kind !== 'snapshot' && !b.pruned)
  return z.parse(GuestHistoryResponseSchema, {
    key: o.key,
    from: o.now - RETENTION_DAYS * DAY,
    to: o.now,
    backups,
    runs,
    summary: {
      restorePoints: points.length,
      oldestRestorePoint: points.length ? Math.min(...points.map((b) => b.time)) : null,
      pruned: backups.filter((b) => b.pruned).length,
      firstSeen: backups[0]?.time ?? null,
    },
    retentionDays: RETENTION_DAYS,
  })
}

const dayFormat = new Map<string, Intl.DateTimeFormat>()
/** YYYY-MM-DD in a zone, with Intl directly (independent of the page's own helpers). */
export function zonedDate(epoch: number, timeZone: string): string {
  let f = dayFormat.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    dayFormat.set(timeZone, f)
  }
  return f.format(epoch * 1000)
}

/** Days whose counts the fixture sets apart, by how many days before today they are. */
export const ACTIVITY_FAILED_DAYS = [2, 9, 33, 64, 200]
export const ACTIVITY_MISSED_DAYS = [5, 33, 120]

/**
 * The fleet's backups per local day, `days` of them ending today in `timeZone`: about 40 PBS
 * snapshots a night, PVE archives on Sundays, a few snapshots; failures and misses on the days
 * above. A day's numbers depend only on its date, so the 7- and 365-day answers agree.
 */
export function activityFixture(now: number, days: number, timeZone: string): ActivityResponse {
  const today = zonedDate(now, timeZone)
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const series = Array.from({ length: days }, (_, i) => {
    const back = days - 1 - i
    const day = new Date(Date.UTC(y, m - 1, d - back))
    const date = day.toISOString().slice(0, 10)
    const rnd = seeded(hash(date))
    const failed = ACTIVITY_FAILED_DAYS.includes(back) ? 1 + Math.floor(rnd() * 3) : 0
    const missed = ACTIVITY_MISSED_DAYS.includes(back) ? 2 + Math.floor(rnd() * 3) : 0
    const sunday = day.getUTCDay() === 0
    return {
      date,
      pve: {
        ok: sunday ? 12 + Math.floor(rnd() * 3) : 0,
        failed: sunday && failed ? 1 : 0,
        missed: 0,
      },
      pbs: { ok: 36 + Math.floor(rnd() * 6) - failed - missed, failed, missed },
      snapshots: { ok: rnd() < 0.2 ? 1 + Math.floor(rnd() * 2) : 0, failed: 0, missed: 0 },
    }
  })
  return z.parse(ActivityResponseSchema, {
    days,
    timeZone,
    from: now - days * DAY,
    to: now,
    series,
  })
}

interface StoreShape {
  key: string
  kind: 'storage' | 'datastore'
  name: string
  total: number
  /** Used now, growing `perDay` back in time down to `floor`. */
  used: number
  perDay: number
  floor: number
  estimatedFull: number | null
  /** No samples after this many days ago (a store not read since). */
  lastSampleDaysAgo?: number
  none?: boolean
}

/** The stores of issue11-fixtures' storageFixture, with usage histories to match. */
function stores(now: number, cluster: string): StoreShape[] {
  return [
    {
      key: 'pbs/main',
      kind: 'datastore',
      name: 'main',
      total: 4 * TiB,
      used: 2.5 * TiB,
      perDay: (1.5 * TiB) / 120,
      floor: 0.8 * TiB,
      estimatedFull: now + 120 * DAY,
    },
    {
      key: 'pbs/archive',
      kind: 'datastore',
      name: 'archive',
      total: 4 * TiB,
      used: 1 * TiB,
      perDay: 0,
      floor: 1 * TiB,
      estimatedFull: null,
      lastSampleDaysAgo: 2,
    },
    {
      key: 'pbs/s3-offsite',
      kind: 'datastore',
      name: 's3-offsite',
      total: 4 * TiB,
      used: 3.6 * TiB,
      perDay: (0.4 * TiB) / 20,
      floor: 1.2 * TiB,
      estimatedFull: now + 20 * DAY,
    },
    {
      key: 'pbs/usb',
      kind: 'datastore',
      name: 'usb',
      total: 0,
      used: 0,
      perDay: 0,
      floor: 0,
      estimatedFull: null,
      none: true,
    },
    {
      key: `${cluster}/nas-nfs`,
      kind: 'storage',
      name: 'nas-nfs',
      total: 1000 * GiB,
      used: 900 * GiB,
      perDay: 20 * GiB,
      floor: 300 * GiB,
      estimatedFull: now + 5 * DAY,
    },
    {
      key: `${cluster}/pve1/local`,
      kind: 'storage',
      name: 'local',
      total: 100 * GiB,
      used: 40 * GiB,
      perDay: 0,
      floor: 40 * GiB,
      estimatedFull: null,
    },
  ]
}

/** Usage samples every 6 hours over `days` (a year: ~1,460 per store), with GC's sawtooth. */
export function storageTrendsFixture(
  now: number,
  days: number,
  cluster: string,
): StorageTrendsResponse {
  const from = now - days * DAY
  const trends = stores(now, cluster).map((s) => {
    const rnd = seeded(hash(s.key))
    const samples = []
    if (!s.none)
      for (
        let at = now - Math.floor((now - from) / (6 * HOUR)) * 6 * HOUR;
        at <= now;
        at += 6 * HOUR
      ) {
        if (s.lastSampleDaysAgo !== undefined && at > now - s.lastSampleDaysAgo * DAY) break
        const back = (now - at) / DAY
        const trend = Math.max(s.floor, s.used - s.perDay * back)
        // Garbage collection frees a little each Sunday; new chunks fill it again.
        const saw = ((back % 7) / 7) * 0.01 * s.total
        const used = Math.min(s.total, Math.max(0, trend - saw + (rnd() - 0.5) * 0.002 * s.total))
        samples.push({ at, used: Math.round(used), total: s.total })
      }
    return { key: s.key, kind: s.kind, name: s.name, samples, estimatedFull: s.estimatedFull }
  })
  return z.parse(StorageTrendsResponseSchema, { from, to: now, trends })
}

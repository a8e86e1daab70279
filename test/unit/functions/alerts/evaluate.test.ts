import { describe, expect, it } from 'vitest'
import { evaluate } from '../../../../functions/alerts/evaluate.ts'
import { DEFAULT_ALERT_RULES } from '../../../../functions/config/alert-rules.ts'
import type { GuestSchedule } from '../../../../shared/schema/guest.ts'
import { parseViewState } from '../../../../web/src/view-state.ts'
import {
  agedGuest,
  BASE_URL,
  DAY,
  datastore,
  downSource,
  firingIds,
  guest,
  HOUR,
  input,
  MINUTE,
  NOW,
  orphan,
  pbsJob,
  pbsSource,
  pveJob,
  pveRun,
  rules,
  source,
  storage,
} from './builders.ts'

const schedule = (overrides: Partial<GuestSchedule> = {}): GuestSchedule => ({
  state: 'ok',
  jobs: ['pve-a/backup-nightly'],
  previousRun: NOW - 6 * HOUR,
  nextRun: NOW + 18 * HOUR,
  deadline: NOW - 2 * HOUR,
  missedSince: null,
  ...overrides,
})

describe('backup age', () => {
  it('warns past the warning threshold, is critical past the critical one, silent below', () => {
    const severities = [10, 40, 80].map((h) => {
      const found = evaluate(input({ guests: [agedGuest(h)] }), DEFAULT_ALERT_RULES, NOW)
      return found.conditions.map((c) => `${c.alertId} ${c.severity}`)
    })
    expect(severities).toEqual([[], ['age-all:pve-a/101 warning'], ['age-all:pve-a/101 critical']])
  })

  it('names the subject in words, says what is wrong and links to the guest drill-down', () => {
    const [condition] = evaluate(
      input({ guests: [agedGuest(50)] }),
      DEFAULT_ALERT_RULES,
      NOW,
    ).conditions
    expect(condition).toMatchObject({
      alertId: 'age-all:pve-a/101',
      subject: { kind: 'guest', key: 'pve-a/101', name: 'db01 (VM 101, cluster pve-a)' },
      summary: 'newest backup is 2d 2h old (warning after 36h, critical after 72h)',
      since: NOW - 50 * HOUR + 36 * HOUR,
    })
    const link = new URL(condition?.link ?? '')
    expect(link.origin).toBe(BASE_URL)
    expect(parseViewState(link.search).guest).toBe('pve-a/101')
  })

  it('is critical at once for a guest with no backup at all', () => {
    const found = evaluate(
      input({ guests: [guest({ latestBackupTime: null })] }),
      DEFAULT_ALERT_RULES,
      NOW,
    ).conditions
    expect(found.map((c) => [c.alertId, c.severity, c.summary])).toEqual([
      ['age-all:pve-a/101', 'critical', 'has no backup at all'],
    ])
  })

  it('judges each enabled type by its own newest backup; snapshots only when switched on', () => {
    const config = rules({
      rules: {
        'age-pve': { enabled: true },
        'age-pbs': { enabled: true },
        'age-snapshots': { enabled: true },
      },
    })
    const g = guest({
      latestBackupTime: NOW - 2 * HOUR,
      latestTimes: { pve: NOW - 2 * HOUR, pbs: NOW - 40 * HOUR, snapshots: null },
    })
    expect(firingIds(input({ guests: [g] }), config)).toEqual([
      'age-pbs:pve-a/101',
      'age-snapshots:pve-a/101',
    ])
    expect(firingIds(input({ guests: [g] }))).toEqual([])
  })
})

describe('scope', () => {
  const old = (overrides: Parameters<typeof agedGuest>[1]) => agedGuest(100, overrides)

  it('never alerts about templates, and about stopped guests only when asked', () => {
    const guests = [
      old({ guestId: 101, template: true }),
      old({ guestId: 102, status: 'stopped' }),
      old({ guestId: 103 }),
    ]
    expect(firingIds(input({ guests }))).toEqual(['age-all:pve-a/103'])
    expect(firingIds(input({ guests }), rules({ stoppedGuests: true }))).toEqual([
      'age-all:pve-a/102',
      'age-all:pve-a/103',
    ])
  })

  it('excludes by guest, cluster, pool, tag (pulse-ignore by default) and PBS group comment', () => {
    const guests = [
      old({ guestId: 101, tags: ['Pulse-Ignore'] }),
      old({ guestId: 102, pool: 'lab' }),
      old({ guestId: 103 }),
      old({ guestId: 104, pbsGroupComments: ['parked: no-monitor please'] }),
      old({ guestId: 105, key: 'pve-b/105', cluster: 'pve-b' }),
      old({ guestId: 106 }),
    ]
    const config = rules({
      exclude: { guests: ['pve-a/103'], pools: ['lab'], clusters: ['pve-b'] },
    })
    expect(firingIds(input({ guests }), config)).toEqual(['age-all:pve-a/106'])
    const { subjects } = evaluate(input({ guests }), config, NOW)
    expect(subjects['guest:pve-a/101']).toBe('excluded')
    expect(subjects['guest:pve-a/106']).toBe('watched')
  })

  it('never alerts about a deleted guest: its failure in a job names no alerting guest', () => {
    const job = pveJob({
      lastRun: pveRun({
        outcome: 'failed',
        status: 'job errors',
        failed: [{ vmid: 107, key: null, error: 'unable to find VM 107' }],
      }),
    })
    const found = evaluate(
      input({ guests: [], jobs: { pve: [job], pbs: [] } }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(found.conditions.map((c) => c.alertId)).toEqual(['job-failed:pve-a/backup-nightly'])
    expect(found.conditions[0]?.subject.kind).toBe('job')
    expect(found.subjects['guest:pve-a/107']).toBeUndefined()
  })
})

describe('overrides', () => {
  const config = rules({
    overrides: {
      clusters: { 'pve-a': { 'age-all': { warningHours: 200, criticalHours: 400 } } },
      pools: { prod: { 'age-all': { warningHours: 20 } } },
      tags: {
        weekly: { 'age-all': { warningHours: 180, criticalHours: 240 } },
        important: { 'age-all': { warningHours: 12 } },
        quiet: { 'age-all': { enabled: false } },
        watch: { 'age-all': { enabled: true } },
      },
      guests: { 'pve-a/109': { 'age-all': { warningHours: 300, criticalHours: 500 } } },
    },
  })
  const severityAt = (hoursOld: number, overrides: Parameters<typeof agedGuest>[1]) =>
    evaluate(input({ guests: [agedGuest(hoursOld, overrides)] }), config, NOW).conditions.map(
      (c) => c.severity,
    )

  it('applies the most specific: guest over tag over pool over cluster over the rule', () => {
    // Cluster: warning after 200 h.
    expect(severityAt(100, {})).toEqual([])
    expect(severityAt(210, {})).toEqual(['warning'])
    // Pool over cluster: warning after 20 h, critical still the cluster's 400 h.
    expect(severityAt(30, { pool: 'prod' })).toEqual(['warning'])
    // Tag over pool.
    expect(severityAt(30, { pool: 'prod', tags: ['weekly'] })).toEqual([])
    expect(severityAt(250, { pool: 'prod', tags: ['weekly'] })).toEqual(['critical'])
    // Guest over tag.
    expect(severityAt(250, { guestId: 109, tags: ['weekly'] })).toEqual([])
  })

  it('among several tags, the setting that alerts sooner wins', () => {
    expect(severityAt(15, { tags: ['weekly', 'important'] })).toEqual(['warning'])
    expect(severityAt(15, { tags: ['important', 'weekly'] })).toEqual(['warning'])
    expect(severityAt(250, { tags: ['quiet', 'watch'] })).toEqual(['warning'])
    expect(severityAt(250, { tags: ['watch', 'quiet'] })).toEqual(['warning'])
    // Field by field: a tag that does not set `enabled` leaves another tag's "off" in place.
    expect(severityAt(250, { tags: ['quiet', 'weekly'] })).toEqual([])
    expect(severityAt(250, { tags: ['quiet'] })).toEqual([])
  })

  it('marks an alert switched off by an override as disabled, not as cleared', () => {
    const found = evaluate(input({ guests: [agedGuest(250, { tags: ['quiet'] })] }), config, NOW)
    expect(found.off).toEqual({ 'age-all:pve-a/101': 'disabled' })
  })
})

describe('missed scheduled backup', () => {
  it('replaces the fixed age for a guest a job covers: a weekly guest on day 3 is fine', () => {
    const weekly = agedGuest(3 * 24, {
      schedule: schedule({ previousRun: NOW - 3 * DAY, deadline: NOW - 3 * DAY + 8 * HOUR }),
    })
    const found = evaluate(input({ guests: [weekly] }), DEFAULT_ALERT_RULES, NOW)
    expect(found.conditions).toEqual([])
    expect(found.off).toEqual({ 'age-all:pve-a/101': 'replaced' })
  })

  it('fires once the deadline passed, and is critical after criticalAfterHours', () => {
    const missed = (since: number) =>
      agedGuest(30, { schedule: schedule({ state: 'missed', missedSince: since }) })
    const at = (since: number) =>
      evaluate(input({ guests: [missed(since)] }), DEFAULT_ALERT_RULES, NOW).conditions.map((c) => [
        c.alertId,
        c.severity,
        c.since,
      ])
    expect(at(NOW - 2 * HOUR)).toEqual([['missed:pve-a/101', 'warning', NOW - 2 * HOUR]])
    expect(at(NOW - 25 * HOUR)).toEqual([['missed:pve-a/101', 'critical', NOW - 25 * HOUR]])
  })

  it('keeps the age rules for a guest in no job, with jobs unknown, or with missed off', () => {
    const noJob = agedGuest(40, { schedule: null })
    const unknown = agedGuest(40, { guestId: 102, schedule: undefined })
    expect(firingIds(input({ guests: [noJob, unknown] }))).toEqual([
      'age-all:pve-a/101',
      'age-all:pve-a/102',
    ])
    const covered = agedGuest(40, { schedule: schedule() })
    expect(
      firingIds(input({ guests: [covered] }), rules({ rules: { missed: { enabled: false } } })),
    ).toEqual(['age-all:pve-a/101'])
  })
})

describe('job failures', () => {
  const failedRun = pveRun({
    outcome: 'failed',
    status: 'job errors',
    failed: [{ vmid: 101, key: 'pve-a/101', error: 'vma_queue_write: write error - Broken pipe' }],
  })

  it('alerts the guest that failed inside a job, with the error text, not the job too', () => {
    const found = evaluate(
      input({
        guests: [guest({ latestBackupTime: NOW - 30 * HOUR })],
        jobs: { pve: [pveJob({ lastRun: failedRun })], pbs: [] },
      }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(found.conditions.map((c) => c.alertId)).toEqual(['guest-failed:pve-a/101'])
    expect(found.conditions[0]?.summary).toContain('vma_queue_write: write error - Broken pipe')
  })

  it('is settled by a newer backup of the guest', () => {
    const found = firingIds(
      input({
        guests: [guest({ latestBackupTime: NOW - HOUR })],
        jobs: { pve: [pveJob({ lastRun: failedRun })], pbs: [] },
      }),
    )
    expect(found).toEqual([])
  })

  it('holds while the job runs and ignores a disabled job', () => {
    const running = evaluate(
      input({
        jobs: { pve: [pveJob({ lastRun: pveRun({ outcome: 'running', end: null }) })], pbs: [] },
      }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(running.held.ids).toContain('job-failed:pve-a/backup-nightly')
    const disabled = evaluate(
      input({
        guests: [],
        jobs: {
          pve: [pveJob({ enabled: false, lastRun: pveRun({ outcome: 'failed' }) })],
          pbs: [],
        },
      }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(disabled.conditions).toEqual([])
    expect(disabled.subjects['job:pve-a/backup-nightly']).toBe('excluded')
  })
})

describe('PBS jobs and verification', () => {
  const classify = (job: Parameters<typeof pbsJob>[0], config = DEFAULT_ALERT_RULES) =>
    evaluate(input({ jobs: { pve: [], pbs: [pbsJob(job)] } }), config, NOW).conditions.map(
      (c) => `${c.severity}: ${c.summary}`,
    )

  it('classifies each last-run state form: OK, WARNINGS: n, a bare error text', () => {
    expect(classify({ lastRunState: 'OK', outcome: 'ok' })).toEqual([])
    expect(classify({ lastRunState: 'WARNINGS: 2', outcome: 'warning', warnings: 2 })).toEqual([
      'warning: last run ended with 2 warnings 3h ago',
    ])
    // No word "error" in it: the outcome comes from the normalizer's classification.
    expect(
      classify({
        lastRunState: 'verification failed on 3 snapshots',
        outcome: 'failed',
        error: 'verification failed on 3 snapshots',
      }),
    ).toEqual(['critical: last run failed 3h ago: verification failed on 3 snapshots'])
    expect(
      classify(
        { lastRunState: 'WARNINGS: 1', outcome: 'warning', warnings: 1 },
        rules({ rules: { 'pbs-job': { warnings: false } } }),
      ),
    ).toEqual([])
  })

  it("uses a datastore's GC status when no GC job lists it, under one stable id", () => {
    const gc = {
      lastRunState: 'unable to access chunk store',
      outcome: 'failed' as const,
      lastRunEnd: NOW - HOUR,
      nextRun: null,
      schedule: 'daily',
      removedBytes: null,
      pendingBytes: null,
    }
    expect(
      firingIds(input({ storage: { storages: [], datastores: [datastore({ gc })] } })),
    ).toEqual(['pbs-job:pbs-main/gc/store1'])
  })

  it('alerts a newest PBS snapshot that failed verification', () => {
    const g = guest({ verification: { latest: 'failed', latestVerified: NOW - 2 * DAY } })
    expect(firingIds(input({ guests: [g] }))).toEqual(['verify-failed:pve-a/101'])
  })
})

describe('stores', () => {
  const storeIds = (datastores: ReturnType<typeof datastore>[], config = DEFAULT_ALERT_RULES) =>
    evaluate(input({ storage: { storages: [], datastores } }), config, NOW).conditions.map(
      (c) => `${c.alertId} ${c.severity}`,
    )

  it('estimated full within N days, usage above X %, long maintenance, not mounted', () => {
    expect(storeIds([datastore({ estimatedFull: NOW + 10 * DAY })])).toEqual([
      'store-full:pbs-main/store1 warning',
    ])
    expect(storeIds([datastore({ estimatedFull: NOW + 2 * DAY })])).toEqual([
      'store-full:pbs-main/store1 critical',
    ])
    expect(storeIds([datastore({ used: 900 * 2 ** 30 })])).toEqual([
      'store-usage:pbs-main/store1 warning',
    ])
    expect(storeIds([datastore({ used: 960 * 2 ** 30 })])).toEqual([
      'store-usage:pbs-main/store1 critical',
    ])
    const maintenance = { type: 'offline', message: 'disk swap', since: NOW - 30 * HOUR }
    expect(storeIds([datastore({ maintenance, mountStatus: 'notmounted' })])).toEqual([
      'store-maintenance:pbs-main/store1 warning',
    ])
    expect(storeIds([datastore({ maintenance: { ...maintenance, since: NOW - HOUR } })])).toEqual(
      [],
    )
    expect(storeIds([datastore({ mountStatus: 'notmounted' })])).toEqual([
      'store-unmounted:pbs-main/store1 warning',
    ])
    expect(
      storeIds(
        [datastore({ mountStatus: 'notmounted' })],
        rules({ exclude: { stores: ['pbs-main/store1'] } }),
      ),
    ).toEqual([])
  })

  it('judges PVE backup storages too', () => {
    const found = firingIds(
      input({
        storage: { storages: [storage({ used: 97, total: 100, active: false })], datastores: [] },
      }),
    )
    expect(found).toEqual(['store-unmounted:pve-a/pbs-main', 'store-usage:pve-a/pbs-main'])
  })
})

describe('sources and stale data', () => {
  it('alerts a source not read for longer than its grace, critical after a day', () => {
    const at = (downFor: number) =>
      evaluate(
        input({ sources: [downSource(source(), downFor), pbsSource()] }),
        DEFAULT_ALERT_RULES,
        NOW,
      )
        .conditions.filter((c) => c.rule === 'source-down')
        .map((c) => c.severity)
    expect(at(30 * MINUTE)).toEqual([])
    expect(at(90 * MINUTE)).toEqual(['warning'])
    expect(at(25 * HOUR)).toEqual(['critical'])
  })

  it("holds its guests' alerts while a source is unexpectedly stale, instead of judging old data", () => {
    const old = agedGuest(100)
    const pveDown = evaluate(
      input({ guests: [old], sources: [downSource(source(), 30 * MINUTE), pbsSource()] }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(pveDown.conditions).toEqual([])
    expect(pveDown.held.ids).toContain('age-all:pve-a/101')
    // A stale PBS holds PBS-based alerts but not the PVE age.
    const config = rules({ rules: { 'age-pve': { enabled: true }, 'age-pbs': { enabled: true } } })
    const pbsDown = evaluate(
      input({ guests: [old], sources: [source(), downSource(pbsSource(), 30 * MINUTE)] }),
      config,
      NOW,
    )
    expect(pbsDown.conditions.map((c) => c.alertId)).toEqual(['age-pve:pve-a/101'])
    expect(pbsDown.held.ids).toEqual(
      expect.arrayContaining(['age-all:pve-a/101', 'age-pbs:pve-a/101']),
    )
  })

  it("holds a missed backup on a PBS storage while that PBS is stale, not one on PVE's own", () => {
    const jobs = {
      pve: [
        pveJob(),
        pveJob({ key: 'pve-a/local-nightly', id: 'local-nightly', storage: 'local' }),
      ],
      pbs: [],
    }
    const storages = {
      storages: [
        storage(),
        storage({ key: 'pve-a/node1/local', storage: 'local', type: 'dir', shared: false }),
      ],
      datastores: [],
    }
    const missed = (job: string, guestId: number) =>
      agedGuest(30, {
        guestId,
        schedule: schedule({ state: 'missed', jobs: [job], missedSince: NOW - HOUR }),
      })
    const found = evaluate(
      input({
        guests: [missed('pve-a/backup-nightly', 101), missed('pve-a/local-nightly', 102)],
        jobs,
        storage: storages,
        sources: [source(), downSource(pbsSource(), 20 * MINUTE)],
      }),
      DEFAULT_ALERT_RULES,
      NOW,
    )
    expect(found.conditions.map((c) => c.alertId)).toEqual(['missed:pve-a/102'])
    expect(found.held.ids).toContain('missed:pve-a/101')
  })

  it('with a reachability window: silent by day, judged by its data, counted from the window', () => {
    // NOW is 09:00 in Berlin: outside 22:00-06:00.
    const config = rules({ sources: { 'pbs-main': { reachable: '22:00-06:00 Europe/Berlin' } } })
    const nightly = downSource(pbsSource(), 3 * HOUR) // last read at 06:00 Berlin
    const byDay = evaluate(
      input({ guests: [agedGuest(40)], sources: [source(), nightly] }),
      config,
      NOW,
    )
    expect(byDay.conditions.map((c) => c.alertId)).toEqual(['age-all:pve-a/101'])
    expect(byDay.held.ids).toEqual(['source-down:pbs-main'])
    // 22:30 Berlin, still unanswered: down for 30 min of its window, not 16.5 h.
    const evening = NOW + 13.5 * HOUR
    const lateOpen = evaluate(
      input({
        guests: [],
        sources: [
          source({ lastSuccess: evening - 60 }),
          downSource(pbsSource(), 16.5 * HOUR, evening),
        ],
      }),
      config,
      evening,
    )
    expect(lateOpen.conditions).toEqual([])
    const later = evening + HOUR
    const stillDown = evaluate(
      input({
        guests: [],
        sources: [source({ lastSuccess: later - 60 }), downSource(pbsSource(), 17.5 * HOUR, later)],
      }),
      config,
      later,
    )
    expect(stillDown.conditions.map((c) => [c.alertId, c.since])).toEqual([
      ['source-down:pbs-main', evening - 30 * MINUTE],
    ])
  })

  it('holds every job and store alert while those indexes are not known yet', () => {
    const found = evaluate(input({ jobs: null, storage: null }), DEFAULT_ALERT_RULES, NOW)
    expect(found.held.rules.sort()).toEqual(
      [
        'job-failed',
        'pbs-job',
        'store-full',
        'store-maintenance',
        'store-unmounted',
        'store-usage',
      ].sort(),
    )
    // A guest's failure in a job is held per guest.
    expect(found.held.ids).toContain('guest-failed:pve-a/101')
  })
})

describe('running backups and optional rules', () => {
  it('holds every alert of a guest whose backup is running', () => {
    const found = evaluate(
      input({ guests: [agedGuest(100, { backingUp: true, covered: false })] }),
      rules({ rules: { 'no-job': { enabled: true } } }),
      NOW,
    )
    expect(found.conditions).toEqual([])
    expect(found.held.ids).toEqual(
      expect.arrayContaining(['age-all:pve-a/101', 'no-job:pve-a/101']),
    )
  })

  it('a guest in no job and new orphans alert only when switched on', () => {
    const data = input({ guests: [guest({ covered: false })], orphans: [orphan()] })
    expect(firingIds(data)).toEqual([])
    const on = rules({ rules: { 'no-job': { enabled: true }, 'orphan-new': { enabled: true } } })
    expect(firingIds(data, on)).toEqual(['no-job:pve-a/101', 'orphan-new:pve-a/105'])
    const parked = input({ orphans: [orphan({ pbsGroupComments: ['no-monitor'] })] })
    expect(firingIds(parked, on)).toEqual([])
  })
})

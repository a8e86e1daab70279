// History as the refresh pass writes it, over the coordinator's SQLite (node:sqlite) and the
// in-memory state alike: every backup once, nothing on a steady refresh, one row for one new
// backup, pruned backups kept with when they were last seen (only after a complete collection),
// runs and misses once, retention dropping what is older than the setting and nothing else.
import { describe, expect, it } from 'vitest'
import type { PveFacts } from '../../../../functions/collect/facts.ts'
import type { StateStore } from '../../../../functions/coordinator/state.ts'
import { guestHistory } from '../../../../functions/history/queries.ts'
import {
  DAY,
  HOUR,
  makeArchive,
  makeGuest,
  makePveFacts,
  makeSnapshot,
  makeTask,
  NOW,
} from '../normalize/builders.ts'
import { allBackups, pass, stores } from './fixture.ts'

const KEY = 'cluster-a/100'
const older = makeArchive({ ctime: NOW - 41 * HOUR })
const newer = makeArchive({ ctime: NOW - 17 * HOUR })
const third = makeArchive({ ctime: NOW + 7 * HOUR })

function facts(overrides: Partial<PveFacts> = {}): PveFacts {
  return makePveFacts({
    storages: [{ storage: 'local', type: 'dir', shared: false }],
    backups: [older, newer],
    snapshots: [makeSnapshot()],
    ...overrides,
  })
}

const names = (state: StateStore) =>
  allBackups(state, [KEY]).map((b) => `${b.kind} ${b.name}${b.prunedAt === null ? '' : ' pruned'}`)

describe.each(stores)('history over %s', (_name, createState) => {
  it('records every backup once; a steady refresh writes no row', () => {
    const state = createState()
    expect(pass(state, [facts()], { now: NOW })).toBeGreaterThan(0)
    expect(names(state)).toEqual([
      `pve ${older.volid}`,
      `pve ${newer.volid}`,
      'snapshot pre-upgrade',
    ])
    for (let i = 1; i <= 3; i++) {
      expect(pass(state, [facts()], { now: NOW + i * 900, previousPass: NOW })).toBe(0)
    }
    const [first] = allBackups(state, [KEY])
    expect(first).toMatchObject({ firstSeen: NOW, lastSeen: NOW, prunedAt: null })
  })

  it('a refresh with one new backup adds exactly that row and changes no other', () => {
    const state = createState()
    pass(state, [facts()], { now: NOW })
    const before = allBackups(state, [KEY])
    const now = NOW + 8 * HOUR
    expect(pass(state, [facts({ backups: [older, newer, third] })], { now })).toBeGreaterThan(0)
    const after = allBackups(state, [KEY])
    expect(after).toHaveLength(before.length + 1)
    const added = after.filter((row) => !before.some((b) => b.id === row.id))
    expect(added).toMatchObject([{ name: third.volid, time: third.ctime, firstSeen: now }])
    expect(after.filter((row) => before.some((b) => b.id === row.id))).toEqual(before)
  })

  it('keeps a backup prune removed, marked pruned with when it was last seen', () => {
    const state = createState()
    pass(state, [facts()], { now: NOW })
    pass(state, [facts()], { now: NOW + HOUR, previousPass: NOW })
    // Prune removed the older archive between the second and the third pass.
    expect(
      pass(state, [facts({ backups: [newer] })], { now: NOW + 2 * HOUR, previousPass: NOW + HOUR }),
    ).toBeGreaterThan(0)
    const pruned = allBackups(state, [KEY]).find((b) => b.name === older.volid)
    expect(pruned).toMatchObject({ prunedAt: NOW + 2 * HOUR, lastSeen: NOW + HOUR })
    const history = guestHistory(state, {
      key: KEY,
      now: NOW + 2 * HOUR,
      days: null,
      retentionDays: 400,
      lastPass: NOW + 2 * HOUR,
    })
    expect(history?.backups.map((b) => [b.name, b.pruned, b.lastSeen])).toEqual([
      [older.volid, true, NOW + HOUR],
      [newer.volid, false, NOW + 2 * HOUR],
      ['pre-upgrade', false, NOW + 2 * HOUR],
    ])
    expect(history?.summary).toEqual({
      restorePoints: 1,
      oldestRestorePoint: newer.ctime,
      pruned: 1,
      firstSeen: older.ctime,
    })
    // Steady again afterwards.
    expect(pass(state, [facts({ backups: [newer] })], { now: NOW + 3 * HOUR })).toBe(0)
  })

  it('never marks a backup pruned after a failed or partial collection', () => {
    const state = createState()
    pass(state, [facts()], { now: NOW })
    const gone = facts({ backups: [newer] })
    const prunedOf = () => allBackups(state, [KEY]).find((b) => b.name === older.volid)
    pass(state, [gone], { now: NOW + HOUR, previousPass: NOW, failed: ['cluster-a'] })
    expect(prunedOf()).toMatchObject({ prunedAt: null, missingSince: NOW + HOUR, lastSeen: NOW })
    // Further failing passes change nothing more.
    expect(pass(state, [gone], { now: NOW + 2 * HOUR, failed: ['cluster-a'] })).toBe(0)
    // A collection cut short by the budget: its listings may be the previous ones.
    pass(state, [{ ...gone, deferred: ['content:pve1/local'] }], { now: NOW + 3 * HOUR })
    expect(prunedOf()?.prunedAt).toBeNull()
    // The first complete one marks it, with the last pass that saw it.
    pass(state, [gone], { now: NOW + 4 * HOUR, previousPass: NOW + 3 * HOUR })
    expect(prunedOf()).toMatchObject({ prunedAt: NOW + 4 * HOUR, lastSeen: NOW })
  })

  it('a backup missing from one listing and back again is on storage all along', () => {
    const state = createState()
    pass(state, [facts()], { now: NOW })
    pass(state, [facts({ backups: [newer] })], { now: NOW + HOUR, failed: ['cluster-a'] })
    pass(state, [facts()], { now: NOW + 2 * HOUR })
    expect(allBackups(state, [KEY]).find((b) => b.name === older.volid)).toMatchObject({
      prunedAt: null,
      missingSince: null,
    })
    expect(pass(state, [facts()], { now: NOW + 3 * HOUR })).toBe(0)
  })

  it('updates what changed on a backup (verification, protection) without a new row', () => {
    const state = createState()
    pass(state, [facts()], { now: NOW })
    const protectedNewer = { ...newer, protected: true, notes: 'before upgrade' }
    pass(state, [facts({ backups: [older, protectedNewer] })], { now: NOW + HOUR })
    const rows = allBackups(state, [KEY])
    expect(rows).toHaveLength(3)
    expect(rows.find((b) => b.name === newer.volid)).toMatchObject({
      protected: true,
      notes: 'before upgrade',
      firstSeen: NOW,
    })
  })

  it('takes a backup duration from the vzdump log line of its run', () => {
    const state = createState()
    const task = makeTask({
      starttime: newer.ctime - 10,
      endtime: newer.ctime + 200,
      logRead: true,
      guests: [{ vmid: 100, outcome: 'ok', seconds: 95 }],
    })
    pass(state, [facts({ tasks: [task] })], { now: NOW })
    const rows = allBackups(state, [KEY])
    expect(rows.find((b) => b.name === newer.volid)?.durationSeconds).toBe(95)
    expect(rows.find((b) => b.name === older.volid)?.durationSeconds).toBeNull()
  })

  it('records each finished run once, with every guest outcome and error', () => {
    const state = createState()
    const ok = makeTask({ starttime: NOW - 42 * HOUR, endtime: NOW - 41 * HOUR, logRead: true })
    const failed = makeTask({
      starttime: NOW - 18 * HOUR,
      endtime: NOW - 17 * HOUR,
      outcome: 'failed',
      status: 'job errors',
      logRead: true,
      guests: [
        { vmid: 100, outcome: 'failed', error: 'VM is locked (snapshot)' },
        { vmid: 101, outcome: 'ok', seconds: 30 },
      ],
    })
    const running = makeTask({
      starttime: NOW - HOUR,
      endtime: undefined,
      outcome: 'running',
      status: 'RUNNING',
      logRead: true,
    })
    pass(state, [facts({ tasks: [running, failed, ok] })], { now: NOW })
    expect(state.guestRuns(KEY, 0)).toEqual([
      { job: null, node: 'pve1', start: ok.starttime, end: ok.endtime, outcome: 'ok', error: null },
      {
        job: null,
        node: 'pve1',
        start: failed.starttime,
        end: failed.endtime,
        outcome: 'failed',
        error: 'VM is locked (snapshot)',
      },
    ])
    expect(state.guestRuns('cluster-a/101', 0)).toMatchObject([{ outcome: 'ok', error: null }])
    expect(pass(state, [facts({ tasks: [running, failed, ok] })], { now: NOW + 900 })).toBe(0)
  })

  it('records a missed scheduled run once, after its deadline, with its job', () => {
    const state = createState()
    const job = {
      id: 'nightly',
      enabled: true,
      schedule: '01:00',
      storage: 'local',
      all: true,
      vmids: [],
      exclude: [],
    }
    const run = NOW - 6 * HOUR
    const scheduled = facts({
      backupJobs: [job],
      schedules: [{ schedule: '01:00', runs: [run - DAY, run, run + DAY] }],
    })
    pass(state, [scheduled], { now: NOW })
    expect(state.historyMissKeys(0)).toEqual(new Set([`${KEY} ${run}`]))
    expect(pass(state, [scheduled], { now: NOW + 900 })).toBe(0)
    // The newest backup is older than the run: missed. Not before the deadline, though.
    const early = createState()
    pass(early, [scheduled], { now: run + 600 })
    expect(early.historyMissKeys(0).size).toBe(0)
  })

  it('retention drops rows older than the setting and nothing else', () => {
    const state = createState()
    const now = NOW + 500 * DAY
    const ancientPruned = makeArchive({ ctime: NOW - 10 * DAY })
    const ancientKept = makeArchive({ ctime: NOW - 11 * DAY, protected: true })
    const oldRun = makeTask({
      starttime: NOW - 12 * DAY,
      endtime: NOW - 12 * DAY + 600,
      logRead: true,
    })
    const recentRun = makeTask({
      starttime: now - 3 * DAY,
      endtime: now - 3 * DAY + 600,
      logRead: true,
    })
    const recent = makeArchive({ ctime: now - 5 * DAY })
    const recentGone = makeArchive({ ctime: now - 6 * DAY })
    const base = (backups: (typeof older)[]) =>
      facts({ backups, snapshots: [], tasks: [recentRun, oldRun] })
    pass(state, [base([ancientPruned, ancientKept, recentGone, recent])], {
      now: now - 2 * DAY,
      retentionDays: 10_000,
    })
    // Both ancientPruned and recentGone leave storage.
    pass(state, [base([ancientKept, recent])], { now: now - DAY, retentionDays: 10_000 })
    const before = allBackups(state, [KEY])
    expect(before.filter((b) => b.prunedAt !== null).map((b) => b.name)).toEqual([
      ancientPruned.volid,
      recentGone.volid,
    ])
    expect(state.guestRuns(KEY, 0)).toHaveLength(2)

    // 400 days: the cutoff lies between the ancient rows and the recent ones.
    pass(state, [base([ancientKept, recent])], { now, retentionDays: 400 })
    const after = allBackups(state, [KEY])
    expect(after.map((b) => b.name)).toEqual(
      before.filter((b) => b.name !== ancientPruned.volid).map((b) => b.name),
    )
    // The one on storage stays however old: it is a restore point, not history.
    expect(after.find((b) => b.name === ancientKept.volid)?.prunedAt).toBeNull()
    expect(after.find((b) => b.name === recentGone.volid)?.prunedAt).not.toBeNull()
    expect(state.guestRuns(KEY, 0).map((r) => r.start)).toEqual([recentRun.starttime])
  })
  // More keys than one statement binds (100) and more new rows than one insert holds (7): the
  // night every guest gets a new archive and prune removes its oldest.
  it('records a fleet larger than one statement holds, each guest its own rows', () => {
    const state = createState()
    const vmids = Array.from({ length: 230 }, (_, i) => 100 + i)
    const fleet = (times: number[]) =>
      makePveFacts({
        storages: [{ storage: 'local', type: 'dir', shared: false }],
        guests: vmids.map((vmid) => makeGuest({ vmid, name: `vm${vmid}` })),
        backups: vmids.flatMap((vmid) => times.map((ctime) => makeArchive({ vmid, ctime }))),
      })
    const day = (n: number) => NOW - 3 * DAY + n * DAY
    pass(state, [fleet([day(0), day(1)])], { now: day(1) + HOUR })
    const keys = vmids.map((vmid) => `cluster-a/${vmid}`)
    expect(allBackups(state, keys)).toHaveLength(2 * vmids.length)
    expect(pass(state, [fleet([day(0), day(1)])], { now: day(1) + 2 * HOUR })).toBe(0)
    const night = day(2) + HOUR
    expect(
      pass(state, [fleet([day(1), day(2)])], { now: night, previousPass: day(1) + 2 * HOUR }),
    ).toBeGreaterThan(0)
    for (const key of [keys[0], keys[99], keys[100], keys[229]] as string[]) {
      expect(
        state.guestBackups(key, 0).map((b) => [b.key, b.time, b.firstSeen, b.prunedAt]),
      ).toEqual([
        [key, day(0), day(1) + HOUR, night],
        [key, day(1), day(1) + HOUR, null],
        [key, day(2), night, null],
      ])
    }
    expect(state.openBackups(keys)).toHaveLength(2 * vmids.length)
    // The next pass finds it all recorded.
    expect(pass(state, [fleet([day(1), day(2)])], { now: night + HOUR, previousPass: night })).toBe(
      0,
    )
  })
})

import { describe, expect, it } from 'vitest'
import { guestOf, HOUR, makeGuest, makePveFacts, makeTask, NOW, normalize } from './builders.ts'

const twoGuests = [makeGuest({ vmid: 100 }), makeGuest({ vmid: 102, name: 'db01' })]

describe('last job', () => {
  const failedJob = makeTask({
    starttime: NOW - 10 * HOUR,
    endtime: NOW - 9 * HOUR,
    outcome: 'failed',
    status: 'job errors',
    guests: [
      { vmid: 100, outcome: 'ok' },
      { vmid: 102, outcome: 'failed', error: 'no space left on device' },
    ],
  })
  const result = normalize({ pve: [makePveFacts({ guests: twoGuests, tasks: [failedJob] })] })

  it('reports the guest that failed in a multi-guest job as failed, with its error', () => {
    expect(guestOf(result, 'cluster-a/102').lastJob).toEqual({
      outcome: 'failed',
      time: NOW - 9 * HOUR,
      node: 'pve1',
      error: 'no space left on device',
    })
  })

  it('reports a guest that succeeded in that failing job as ok', () => {
    expect(guestOf(result, 'cluster-a/100').lastJob).toEqual({
      outcome: 'ok',
      time: NOW - 9 * HOUR,
      node: 'pve1',
    })
  })

  it('uses the task status as the error when the guest result has none', () => {
    const task = makeTask({
      id: '100',
      guests: [],
      outcome: 'failed',
      status: "unable to find VM '100'",
    })
    const record = guestOf(normalize({ pve: [makePveFacts({ tasks: [task] })] }), 'cluster-a/100')
    expect(record.lastJob).toMatchObject({ outcome: 'failed', error: "unable to find VM '100'" })
  })

  it('reports a job with warnings as a warning', () => {
    const task = makeTask({ outcome: 'warning', status: 'WARNINGS: 2' })
    const record = guestOf(normalize({ pve: [makePveFacts({ tasks: [task] })] }), 'cluster-a/100')
    expect(record.lastJob).toMatchObject({ outcome: 'warning', error: 'WARNINGS: 2' })
  })

  it('shows a running job as running since its start, and the guest as backing up', () => {
    const task = makeTask({
      starttime: NOW - 600,
      endtime: undefined,
      outcome: 'running',
      status: 'RUNNING',
      guests: [{ vmid: 100, outcome: 'running' }],
    })
    const record = guestOf(normalize({ pve: [makePveFacts({ tasks: [task] })] }), 'cluster-a/100')
    expect([record.lastJob, record.backingUp]).toEqual([
      { outcome: 'running', time: NOW - 600, node: 'pve1' },
      true,
    ])
  })

  it('ignores a task still "running" after more than a day', () => {
    const stale = makeTask({
      starttime: NOW - 30 * HOUR,
      endtime: undefined,
      outcome: 'running',
      guests: [{ vmid: 100, outcome: 'running' }],
    })
    const older = makeTask({ starttime: NOW - 50 * HOUR, endtime: NOW - 49 * HOUR })
    const record = guestOf(
      normalize({ pve: [makePveFacts({ tasks: [stale, older] })] }),
      'cluster-a/100',
    )
    expect([record.lastJob?.outcome, record.lastJob?.time, record.backingUp]).toEqual([
      'ok',
      NOW - 49 * HOUR,
      false,
    ])
  })

  const older = makeTask({
    starttime: NOW - 40 * HOUR,
    endtime: NOW - 39 * HOUR,
    outcome: 'failed',
  })
  const newer = makeTask({ starttime: NOW - 16 * HOUR, endtime: NOW - 15 * HOUR })
  it.each([
    { order: 'oldest first', tasks: [older, newer] },
    { order: 'newest first', tasks: [newer, older] },
  ])('takes the newest task by start time when listed $order', ({ tasks }) => {
    const record = guestOf(normalize({ pve: [makePveFacts({ tasks })] }), 'cluster-a/100')
    expect(record.lastJob).toEqual({ outcome: 'ok', time: NOW - 15 * HOUR, node: 'pve1' })
  })

  it('is null for a guest no task mentions', () => {
    const task = makeTask({ guests: [{ vmid: 999, outcome: 'ok' }] })
    const record = guestOf(normalize({ pve: [makePveFacts({ tasks: [task] })] }), 'cluster-a/100')
    expect(record.lastJob).toBeNull()
  })

  it('marks a guest locked for backup as backing up', () => {
    const result = normalize({ pve: [makePveFacts({ guests: [makeGuest({ lock: 'backup' })] })] })
    expect(guestOf(result, 'cluster-a/100').backingUp).toBe(true)
  })
})

describe('covered', () => {
  it.each([
    { notBackedUp: [], covered: true },
    { notBackedUp: [{ vmid: 100, type: 'qemu' as const }], covered: false },
    { notBackedUp: null, covered: null },
  ])('is $covered when PVE lists $notBackedUp as not backed up', ({ notBackedUp, covered }) => {
    const result = normalize({ pve: [makePveFacts({ notBackedUp })] })
    expect(guestOf(result, 'cluster-a/100').covered).toBe(covered)
  })
})

// PBS's last-run-state is classified by its form alone: exactly `OK`, `WARNINGS: n`, or the bare
// text of the error a failed run ended with, whatever words it holds.
import { describe, expect, it } from 'vitest'
import { pbsHealth } from '../../../../functions/normalize/pbs-health.ts'
import { classifyRunState } from '../../../../functions/normalize/pbs-run-state.ts'
import { makePbsFacts } from './builders.ts'

describe('classifyRunState', () => {
  it('reads exactly OK as ok', () => {
    expect(classifyRunState('OK')).toEqual({ outcome: 'ok', warnings: 0, error: null })
  })

  it('reads WARNINGS: n as a warning with its count', () => {
    expect(classifyRunState('WARNINGS: 2')).toEqual({
      outcome: 'warning',
      warnings: 2,
      error: null,
    })
    expect(classifyRunState('WARNINGS: 17')).toEqual({
      outcome: 'warning',
      warnings: 17,
      error: null,
    })
  })

  it('reads any other text as a failure with that text, with or without the word "error"', () => {
    for (const text of [
      'verification failed - please check the log for details',
      'datastore is in read-only maintenance mode: moving disks',
      'unknown',
      'ok',
      'OK ',
      'WARNINGS: two',
      'got error: connection refused',
    ])
      expect(classifyRunState(text)).toEqual({ outcome: 'failed', warnings: 0, error: text })
  })

  it('reads no state as never run, or as running while a run’s UPID is sent without one', () => {
    expect(classifyRunState(undefined)).toEqual({ outcome: 'never', warnings: 0, error: null })
    expect(classifyRunState('')).toEqual({ outcome: 'never', warnings: 0, error: null })
    expect(
      classifyRunState(
        undefined,
        'UPID:pbs:0000A1B2:0001E240:0000002A:68449A10:syncjob:x:root@pam:',
      ),
    ).toEqual({ outcome: 'running', warnings: 0, error: null })
  })

  it('judges a job by its state, not by its name: "error-check" that ran OK is ok', () => {
    const [job] = pbsHealth([
      makePbsFacts({
        jobs: [
          {
            kind: 'verify',
            id: 'error-check',
            store: 'store1',
            comment: 'errors? none expected',
            lastRunState: 'OK',
            lastRunEnd: 1_749_360_000,
          },
        ],
      }),
    ]).jobs
    expect(job).toMatchObject({ id: 'error-check', outcome: 'ok', error: null, warnings: 0 })
  })
})

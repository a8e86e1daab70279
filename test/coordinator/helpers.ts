// The real coordinator Durable Object (SQLite) inside workerd, with the Worker's own bindings
// pointing at the lab vitest.config.ts started: requests go through the Worker's fetch, queue
// and scheduled handlers, exactly as in production.
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { COORDINATOR_NAME } from '../../functions/coordinator/client.ts'
import { type Schedule, ScheduleSchema } from '../../functions/coordinator/schedule.ts'
import type { Env } from '../../functions/env.ts'
import worker from '../../functions/index.ts'
import { clearLabFaults, resetLabStats, setLabFaults } from '../lab/client.ts'

export const testEnv = env as unknown as Env & {
  PULSE_TEST_LAB_URL: string
  PULSE_TEST_RECEIVERS_URL: string
}
export const labUrl = testEnv.PULSE_TEST_LAB_URL
export const receiversUrl = testEnv.PULSE_TEST_RECEIVERS_URL

export function coordinatorStub(): DurableObjectStub {
  const ns = testEnv.PULSE_COORDINATOR
  return ns.get(ns.idFromName(COORDINATOR_NAME))
}

export async function request(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext()
  return worker.fetch(new Request(`https://pulse.test${path}`, init), testEnv, ctx)
}

export async function json<T = unknown>(path: string, init?: RequestInit): Promise<T> {
  return (await (await request(path, init)).json()) as T
}

/** The schedule as the Durable Object stored it. */
export async function storedSchedule(): Promise<Schedule> {
  return runInDurableObject(coordinatorStub(), (_instance, state) => {
    const row = state.storage.sql
      .exec<{ body: string }>("SELECT body FROM documents WHERE name = 'schedule'")
      .toArray()[0]
    return ScheduleSchema.parse(row ? JSON.parse(row.body) : { sources: {} })
  })
}

const busy = (schedule: Schedule) =>
  Object.values(schedule.sources).some((s) => s.running || s.pending || s.continuation)

/** Runs the coordinator's alarms until nothing is queued, running or left; passes run. */
export async function untilIdle(limit = 100): Promise<number> {
  let alarms = 0
  for (let i = 0; i < limit * 10; i++) {
    if (!busy(await storedSchedule())) return alarms
    if (await runDurableObjectAlarm(coordinatorStub())) alarms += 1
    else await new Promise((resolve) => setTimeout(resolve, 20))
    if (alarms >= limit) break
  }
  throw new Error(`the coordinator was still busy after ${alarms} alarms`)
}

export interface LabStats {
  total: number
  byEndpoint: Record<string, number>
  bySource: Record<string, number>
}

export async function labStats(): Promise<LabStats> {
  return (await (await fetch(`${labUrl}/_lab/stats`)).json()) as LabStats
}

export const resetStats = () => resetLabStats(labUrl)
export const setFaults = (faults: unknown[]) => setLabFaults(labUrl, faults)
export const clearFaults = () => clearLabFaults(labUrl)

/** What one of the lab's alert receivers got (vitest.config.ts starts them). */
export interface ReceiverLog {
  requests: { path: string; headers: Record<string, string>; body: string }[]
  accepted: unknown[]
  rejected: string[]
}

export async function receiver(name: string): Promise<ReceiverLog> {
  return (await (await fetch(`${receiversUrl}/_receivers/${name}`)).json()) as ReceiverLog
}

export async function resetReceivers(): Promise<void> {
  await fetch(`${receiversUrl}/_receivers/reset`, { method: 'POST' })
}

/** Digests the coordinator holds for delivery (due or waiting for a retry). */
export async function pendingDeliveries(): Promise<number> {
  return runInDurableObject(
    coordinatorStub(),
    (_instance, state) =>
      state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM alert_deliveries').one().n,
  )
}

/** Runs the coordinator's alarms until no refresh is left and every due digest was tried. */
export async function untilDelivered(limit = 50): Promise<void> {
  await untilIdle()
  for (let i = 0; i < limit; i++) {
    if ((await pendingDeliveries()) === 0) return
    if (!(await runDurableObjectAlarm(coordinatorStub()))) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  throw new Error('digests were still waiting for delivery')
}

// An alerting setup of its own for each test, inside workerd: a simulated Proxmox lab and the
// lab's alert receivers served in-process (so a test changes the lab's model and clock freely
// without touching the lab other test files share), the coordinator's core over memory with a
// clock the test moves, and the Worker's routes in front of it. Time passes only when the test
// says; the alarm the core asks for runs when the clock reaches it, as a Durable Object's would.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env as bindings } from 'cloudflare:workers'
import { app } from '../../functions/app.ts'
import { CoordinatorCore } from '../../functions/coordinator/core.ts'
import { createMemoryState } from '../../functions/coordinator/memory-state.ts'
import { hasWork } from '../../functions/coordinator/schedule.ts'
import type { StateStore } from '../../functions/coordinator/state.ts'
import type { Env } from '../../functions/env.ts'
import { labWorkerVars } from '../../scripts/lab-env.ts'
import { generateLab } from '../lab/generate.ts'
import { createLabHandler } from '../lab/handle.ts'
import {
  deleteLabGuest,
  type LabBackupRequest,
  runLabBackup,
  setLabClock,
} from '../lab/lab-backups.ts'
import { createLabState, type LabState } from '../lab/lab-state.ts'
import { type LabModel, labSources } from '../lab/model.ts'
import { createLabReceivers, type LabReceivers, labChannelVars } from '../lab/receivers/index.ts'
import type { Receiver } from '../lab/receivers/receiver.ts'
import { freshKv } from './kv.ts'
import { localCoordinatorApi } from './local-coordinator.ts'

export const LAB_ORIGIN = 'http://lab.test'
export const RECEIVERS_BASE = 'http://receivers.test'
export const HOOK_SECRET = 'alerts-test-hook-secret-0a1b2c3d'
export const API_TOKEN = 'alerts-test-api-token-4e5f6a7b'

export interface AlertLabOptions {
  /** PULSE_ALERT_RULES as an object. */
  rules?: Record<string, unknown>
  /** More Worker settings. */
  vars?: Record<string, string>
  /** Extra channel entries (labChannelVars `extra`). */
  channels?: Record<string, unknown>[]
  seed?: number
  /** The lab's size (the demo preset by default). */
  guestsPerCluster?: number
}

/**
 * The lab's (and the coordinator's) clock at the start: a fixed Wednesday morning, 08:00 UTC
 * (10:00 in Berlin, 04:00 in New York), so what the tests see never depends on when they run:
 * the lab's fixed-time jobs next run hours later (Berlin 12:30 on weekdays, 21:00 nightly).
 */
export const LAB_START = 1_781_078_400

export interface AlertLab {
  model: LabModel
  lab: LabState
  receivers: LabReceivers
  env: Env
  state: StateStore
  core: CoordinatorCore
  /** The test's clock, epoch seconds (the lab's and the coordinator's). */
  now(): number
  /** Moves both clocks forward and runs every alarm that comes due on the way. */
  advance(seconds: number): Promise<void>
  /** Runs the alarms due now, until none is. */
  settle(): Promise<void>
  /** The cron's refresh of every source, and what it leads to (its continuations included). */
  refresh(): Promise<void>
  /** Lets a round that has work left continue until it is done. */
  untilIdle(): Promise<void>
  /** A Proxmox `vzdump` notification webhook for this cluster's node, and what it leads to. */
  vzdumpHook(node: string): Promise<Response>
  /** A request through the Worker's routes (coordinator: this core), then what it queued. */
  request(path: string, init?: RequestInit): Promise<Response>
  backup(request: Omit<LabBackupRequest, 'at'>): void
  deleteGuest(cluster: string, vmid: number): void
  /** A new core over the same stored state, as after the Durable Object was evicted. */
  restart(): void
  /** Messages each receiver accepted since the last reset, by receiver name. */
  accepted(): Record<string, unknown[]>
}

function clock(start: number) {
  let ms = start * 1000
  return {
    ms: () => ms,
    set(seconds: number) {
      ms = seconds * 1000
    },
  }
}

export function createAlertLab(options: AlertLabOptions = {}): AlertLab {
  const start = LAB_START
  const model = generateLab({
    preset: 'demo',
    seed: options.seed ?? 5,
    now: start,
    ...(options.guestsPerCluster ? { guestsPerCluster: options.guestsPerCluster } : {}),
  })
  const lab = createLabState()
  const labFetch = createLabHandler(model, lab)
  const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => Math.floor(time.ms() / 1000) })
  const time = clock(start)
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    if (request.url.startsWith(`${LAB_ORIGIN}/`)) return labFetch(request)
    return receivers.fetch(request)
  }) as typeof fetch

  const vars = labWorkerVars(model, labSources(model, LAB_ORIGIN), {
    PULSE_SUBREQUEST_BUDGET: '1000',
    PULSE_WEBHOOK_SECRET: HOOK_SECRET,
    PULSE_API_TOKEN: API_TOKEN,
    PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
    PULSE_PUBLIC_URL: 'https://pulse.example.com',
    ...labChannelVars(RECEIVERS_BASE, options.channels ?? []),
    ...(options.rules ? { PULSE_ALERT_RULES: JSON.stringify(options.rules) } : {}),
    ...options.vars,
  })
  const state = createMemoryState()
  let alarm: number | null = null
  const newCore = () =>
    new CoordinatorCore(
      state,
      (at) => {
        alarm = at
      },
      { now: time.ms, fetch: fetcher },
    )
  let core = newCore()
  const api = localCoordinatorApi(
    () => core,
    () => env,
  )
  const namespace = { idFromName: () => ({}), get: () => api }
  const env: Env = {
    ...(bindings as unknown as Env),
    ...vars,
    PULSE_KV: freshKv(),
    PULSE_COORDINATOR: namespace as unknown as DurableObjectNamespace,
  }

  const settle = async () => {
    for (let i = 0; i < 100; i++) {
      if (alarm === null || alarm > time.ms()) return
      alarm = null
      await core.alarm(env)
    }
    throw new Error('the alarm kept coming due')
  }
  const request = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext()
    const response = await app.request(`https://pulse.example.com${path}`, init, env, ctx)
    await waitOnExecutionContext(ctx)
    await settle()
    await self.untilIdle()
    return response
  }
  const self: AlertLab = {
    model,
    lab,
    receivers,
    env,
    state,
    get core() {
      return core
    },
    now: () => Math.floor(time.ms() / 1000),
    async advance(seconds) {
      const target = Math.floor(time.ms() / 1000) + seconds
      // Alarms on the way run at their own time, as they would.
      for (let i = 0; i < 1_000; i++) {
        if (alarm === null || alarm > target * 1000) break
        time.set(Math.max(Math.floor(time.ms() / 1000), Math.ceil(alarm / 1000)))
        setLabClock(model, Math.floor(time.ms() / 1000))
        await settle()
      }
      time.set(target)
      setLabClock(model, target)
      await settle()
    },
    settle,
    async refresh() {
      await core.trigger(env, { reason: 'schedule' })
      await settle()
      await self.untilIdle()
    },
    async untilIdle() {
      // Continuations of a round the collector split follow a second apart, as they would.
      for (let i = 0; i < 20 && hasWork(state.readSchedule()); i++) await self.advance(1)
      if (hasWork(state.readSchedule())) throw new Error('the refresh round did not finish')
    },
    vzdumpHook: (node) =>
      request('/hooks/proxmox', {
        method: 'POST',
        headers: { authorization: `Bearer ${HOOK_SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          title: 'vzdump backup status',
          severity: 'info',
          timestamp: Math.floor(time.ms() / 1000),
          fields: { hostname: node, type: 'vzdump' },
          message: 'backup successful',
        }),
      }),
    request,
    backup: (backup) => {
      runLabBackup(model, { ...backup, at: Math.floor(time.ms() / 1000) })
    },
    deleteGuest: (cluster, vmid) => deleteLabGuest(model, cluster, vmid),
    restart() {
      // The alarm is kept: a Durable Object's alarm outlives its instance.
      core = newCore()
    },
    accepted: () =>
      Object.fromEntries(receivers.all.map((r: Receiver) => [r.name, [...r.accepted]])),
  }
  return self
}

/** The text of everything a receiver accepted, for looking for a subject or an event. */
export const textOf = (messages: unknown[]) => messages.map((m) => JSON.stringify(m))

// The coordinator's own logic (CoordinatorCore) over memory, bound to an environment a test
// builds (its own KV, sources, faults), for Worker tests that drive the routes with such an
// environment. One core per KV namespace, so successive calls with the same KV share state as
// they would in the one Durable Object. The Durable Object itself, over SQLite, is tested in
// coordinator*.test.ts through the real binding.
import type { CoordinatorApi } from '../../functions/coordinator/client.ts'
import {
  CoordinatorCore,
  type PassOverrides,
  type TriggerInput,
} from '../../functions/coordinator/core.ts'
import { createMemoryState } from '../../functions/coordinator/memory-state.ts'
import type { StateStore } from '../../functions/coordinator/state.ts'
import type { Env } from '../../functions/env.ts'
import type { RefreshReport } from '../../functions/refresh.ts'
import { UNDERLYING_KV } from './kv.ts'

interface Local {
  core: CoordinatorCore
  state: StateStore
  /** The alarm time the core asked for (ms), as a Durable Object keeps one alarm. */
  alarm: number | null
}

const locals = new WeakMap<KVNamespace, Local>()

/** A core whose alarm requests are recorded on `local`, as a Durable Object keeps one alarm. */
function newCore(local: Pick<Local, 'state' | 'alarm'>): CoordinatorCore {
  return new CoordinatorCore(local.state, (at) => {
    local.alarm = at
  })
}

function localOf(env: Env): Local {
  const kv =
    (env.PULSE_KV as KVNamespace & { [UNDERLYING_KV]?: KVNamespace })[UNDERLYING_KV] ?? env.PULSE_KV
  let local = locals.get(kv)
  if (!local) {
    const entry = { state: createMemoryState(), alarm: null } as Local
    entry.core = newCore(entry)
    local = entry
    locals.set(kv, local)
  }
  return local
}

export function localState(env: Env): StateStore {
  return localOf(env).state
}

/**
 * The coordinator's RPC surface answered by a core in this isolate. Getters, so a test may
 * swap the core (a restart over the same state) or build `env` after the API.
 */
export function localCoordinatorApi(core: () => CoordinatorCore, env: () => Env): CoordinatorApi {
  return {
    trigger: (input) => core().trigger(env(), input),
    refreshNow: (input) => core().refreshNow(env(), input),
    status: async (origin) => core().status(origin),
    claimWebhookId: (id, now) => core().claimWebhookId(id, now),
    sourceNames: async () => core().sourceNames(env()),
    alertAction: (input) => core().alertAction(env(), input),
    alertChannels: async () => core().alertChannels(env()),
    testChannel: (id, origin) => core().testChannel(env(), id, origin),
    counters: async () => core().counters(),
    guestHistory: async (key, days) => core().guestHistory(env(), key, days),
    activity: async (days, timeZone) => core().activity(days, timeZone),
    usageHistory: async (keys, since) => core().usageHistory(keys, since),
    newestBackups: async () => core().newestBackups(),
    replay: (at) => core().replay(env(), at),
  }
}

/** `env` with PULSE_COORDINATOR answering from the local core, with `env` as its environment. */
export function withLocalCoordinator(env: Env): Env {
  const { core } = localOf(env)
  const api = localCoordinatorApi(
    () => core,
    () => env,
  )
  const namespace = { idFromName: () => ({}), get: () => api }
  return { ...env, PULSE_COORDINATOR: namespace as unknown as DurableObjectNamespace }
}

/**
 * Runs the passes the core has asked an alarm for that are due now (queued refreshes and their
 * follow-ups), as the Durable Object would; continuations a budget left for later are not run.
 */
export async function settle(env: Env): Promise<void> {
  const local = localOf(env)
  while (local.alarm !== null && local.alarm <= Date.now()) {
    local.alarm = null
    await local.core.alarm(env)
  }
}

export interface RefreshOptions extends PassOverrides {
  now: number
  reason: string
  sourceIds?: string[]
  priorityNode?: string
}

/** One pass now, as POST /api/refresh runs it, with the test's clock, budget and fetch. */
export async function refresh(env: Env, options: RefreshOptions): Promise<RefreshReport> {
  const { reason, sourceIds, priorityNode, ...overrides } = options
  const input: TriggerInput = {
    reason,
    ...(sourceIds ? { sourceIds } : {}),
    ...(priorityNode ? { priorityNode } : {}),
  }
  const report = await localOf(env).core.refreshNow(env, input, overrides)
  if (!report) throw new Error('the coordinator had nothing to refresh')
  return report
}

/** Runs every alarm the core asks for, due or not, up to `limit` passes; how many ran. */
export async function runAlarms(env: Env, limit: number): Promise<number> {
  const local = localOf(env)
  let passes = 0
  while (local.alarm !== null && passes < limit) {
    local.alarm = null
    if (await local.core.runPass(env)) passes += 1
  }
  return passes
}

/** A new core over the same stored state, as after the Durable Object was evicted. */
export function restartLocal(env: Env): void {
  const local = localOf(env)
  local.alarm = null
  local.core = newCore(local)
}

// Alert benchmarks: rule evaluation (evaluate + lifecycle step) over the large lab's 800
// guests beside normalizing the same facts, measured in the same run. Two cases: the lab as it
// is, and every guest overdue at once (each yields a condition, a fired event and a record).
// And end to end: from a Proxmox vzdump webhook to the resolved message at the lab's ntfy
// receiver, with the lab at 20 ms per request, beside the critical path of the refresh the
// webhook starts (its dependent rounds plus its requests through the connection limit).

import type { EvaluationInput } from '../functions/alerts/condition.ts'
import { evaluate } from '../functions/alerts/evaluate.ts'
import { lifecycleSettings, step } from '../functions/alerts/lifecycle.ts'
import { EMPTY_ALERT_STATE } from '../functions/alerts/state.ts'
import { app } from '../functions/app.ts'
import type { PbsFacts, PveFacts } from '../functions/collect/facts.ts'
import { DEFAULT_ALERT_RULES } from '../functions/config/alert-rules.ts'
import { CoordinatorCore } from '../functions/coordinator/core.ts'
import { createMemoryState } from '../functions/coordinator/memory-state.ts'
import type { Env } from '../functions/env.ts'
import { normalizeGuests, toGuestSummary } from '../functions/normalize/index.ts'
import { MAX_CONCURRENT_REQUESTS } from '../functions/proxmox/limit.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { runLabBackup } from '../test/lab/lab-backups.ts'
import { labChannelVars } from '../test/lab/receivers/index.ts'
import { startReceiverServer } from '../test/lab/receivers/server.ts'
import { startLab } from '../test/lab/server.ts'
import { benchCoordinator } from './coordinator.ts'
import { median, row, timeIt } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'

const LATENCY_MS = 20
/** Dependent request rounds of one refresh (as bench/pipeline.ts counts them). */
const DEPENDENCY_DEPTH = 3
const HOOK_SECRET = 'bench-hook-secret'

/**
 * The Worker and its coordinator in Node: the core over memory, its alarm a timer (as the
 * Durable Object's alarm fires on its own), the routes in front of it.
 */
function localWorker(vars: Record<string, string>) {
  const state = createMemoryState()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = Promise.resolve()
  const env = {
    ...vars,
    PULSE_KV: createMemoryKv().namespace,
  } as unknown as Env
  const core: CoordinatorCore = new CoordinatorCore(state, (at) => {
    clearTimeout(timer)
    timer = setTimeout(
      () => {
        running = running.then(() => core.alarm(env).then(() => {}))
      },
      Math.max(0, at - Date.now()),
    )
  })
  // How long the last refresh pass took, so the figure can be split into the refresh and what
  // the alerts add after it.
  const pass = { ms: 0 }
  const runPass = core.runPass.bind(core)
  core.runPass = async (...args) => {
    const started = performance.now()
    try {
      return await runPass(...args)
    } finally {
      pass.ms = performance.now() - started
    }
  }
  const api = {
    trigger: (input: Parameters<typeof core.trigger>[1]) => core.trigger(env, input),
    sourceNames: async () => core.sourceNames(env),
    status: async () => core.status(),
  }
  Object.assign(env, {
    PULSE_COORDINATOR: { idFromName: () => ({}), get: () => api },
  })
  const ctx = {
    waitUntil() {},
    passThroughOnException() {},
    props: {},
  } as unknown as ExecutionContext
  return {
    core,
    env,
    state,
    pass,
    request: (path: string, init?: RequestInit) => app.request(path, init, env, ctx),
    stop: () => clearTimeout(timer),
  }
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

/** A Proxmox webhook → the resolved message at the receiver, beside the refresh's critical path. */
async function webhookToMessage(): Promise<void> {
  const lab = await startLab({ preset: 'large', seed: 1, latencyMs: LATENCY_MS })
  const receivers = await startReceiverServer()
  const worker = localWorker(
    labWorkerVars(lab.model, lab.sources, {
      PULSE_SUBREQUEST_BUDGET: '1000000',
      PULSE_WEBHOOK_SECRET: HOOK_SECRET,
      PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
      PULSE_PUBLIC_URL: 'http://127.0.0.1:8787',
      // One ntfy topic, as README "Alerts" sets up.
      ...Object.fromEntries(
        Object.entries(labChannelVars(receivers.url)).filter(
          ([key]) => !key.startsWith('PULSE_CHANNEL_') || key.startsWith('PULSE_CHANNEL_NTFY_'),
        ),
      ),
      PULSE_ALERT_CHANNELS: JSON.stringify([{ id: 'ntfy', type: 'ntfy' }]),
    }),
  )
  const ntfy = receivers.receivers.ntfy
  try {
    // The first refresh, until nothing is left; its digest (the skipped guest among it) sent.
    await worker.core.trigger(worker.env, { reason: 'bench' })
    await until(() => ntfy.accepted.length === 1, 120_000)
    const guest = lab.model.clusters[0]?.guests.find(
      (g) => g.vmid === lab.model.facts.jobs.skippedNightly.vmid,
    )
    if (!guest) throw new Error('the lab has no skipped nightly guest')
    // Its backup is made; PVE sends the webhook as the job ends.
    runLabBackup(lab.model, { cluster: 'homelab', vmid: guest.vmid })
    lab.resetCounts()
    const started = performance.now()
    const response = await worker.request('/hooks/proxmox', {
      method: 'POST',
      headers: { authorization: `Bearer ${HOOK_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'vzdump backup status',
        severity: 'info',
        timestamp: Math.floor(Date.now() / 1000),
        fields: { hostname: guest.node, type: 'vzdump' },
        message: 'backup successful',
      }),
    })
    if (response.status !== 202) throw new Error(`the webhook answered ${response.status}`)
    await until(() => ntfy.accepted.length === 2, 120_000)
    const wallMs = performance.now() - started
    const message = JSON.stringify(ntfy.accepted[1])
    if (!message.includes('Resolved') || !message.includes(guest.name ?? String(guest.vmid))) {
      throw new Error(`the second message is not the resolve: ${message.slice(0, 200)}`)
    }
    const requests = lab.requestCounts().total
    const limitMs =
      DEPENDENCY_DEPTH * LATENCY_MS + (requests / MAX_CONCURRENT_REQUESTS) * LATENCY_MS
    row(
      `Proxmox webhook → resolved message at the lab's ntfy receiver, lab at ${LATENCY_MS} ms/request, vs the refresh's critical path (${requests} requests, ${MAX_CONCURRENT_REQUESTS} at a time)`,
      wallMs,
      limitMs,
      '≤ 1.2×',
    )
    console.log(
      `  of which the refresh pass (collect, normalize, publish, evaluate): ${worker.pass.ms.toFixed(1)} ms = ${(worker.pass.ms / limitMs).toFixed(2)}× the critical path; webhook, alarm and delivery around it: ${(wallMs - worker.pass.ms).toFixed(1)} ms`,
    )
  } finally {
    worker.stop()
    await receivers.close()
    await lab.close()
  }
}

export async function benchAlerts(): Promise<void> {
  console.log('\n## Alerts\n')
  await evaluation()
  await webhookToMessage()
}

async function evaluation(): Promise<void> {
  const lab = await startLab({ preset: 'large', seed: 1 })
  try {
    const env = {
      ...labWorkerVars(lab.model, lab.sources, { PULSE_SUBREQUEST_BUDGET: '1000000' }),
      PULSE_KV: createMemoryKv().namespace,
    } as unknown as Env
    const coordinator = benchCoordinator(env)
    await coordinator.refresh({ now: lab.model.now })
    const facts = coordinator.state.allFacts().map((s) => s.facts)
    const pve = facts.filter((f): f is PveFacts => f.kind === 'pve')
    const pbs = facts.filter((f): f is PbsFacts => f.kind === 'pbs')
    const now = lab.model.now
    const normalized = normalizeGuests({ pve, pbs, clusterMaps: {}, now })
    const data: EvaluationInput = {
      guests: normalized.guests.map(toGuestSummary),
      orphans: normalized.orphans,
      jobs: normalized.jobs,
      storage: normalized.storage,
      sources: coordinator.state.readStatus().sources,
      dashboardBaseUrl: 'https://pulse.example.com',
    }
    const settings = lifecycleSettings(DEFAULT_ALERT_RULES)
    const once = (at: number) => {
      const evaluation = evaluate(data, DEFAULT_ALERT_RULES, at)
      return step(EMPTY_ALERT_STATE, evaluation, at, settings)
    }
    const normalizeMs = median(
      await timeIt(15, () => normalizeGuests({ pve, pbs, clusterMaps: {}, now })),
    )
    const labFiring = once(now).events.length
    const labMs = median(await timeIt(15, () => once(now)))
    // Ten days on, every guest is past the critical age.
    const later = now + 10 * 86_400
    const allFiring = once(later).events.length
    const allMs = median(await timeIt(15, () => once(later)))
    console.log(`lab preset "large": ${data.guests.length} guests`)
    row(
      `rule evaluation + step, lab as is (${labFiring} events) vs normalize`,
      labMs,
      normalizeMs,
      '≤ 0.2×',
    )
    row(
      `rule evaluation + step, all overdue (${allFiring} events) vs normalize`,
      allMs,
      normalizeMs,
      '≤ 0.2×',
    )
  } finally {
    await lab.close()
  }
}

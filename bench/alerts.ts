// Alert benchmarks: rule evaluation (evaluate + lifecycle step) over the large lab's 800
// guests beside normalizing the same facts, measured in the same run. Two cases: the lab as it
// is, and every guest overdue at once (each yields a condition, a fired event and a record).
// And end to end: from a Proxmox vzdump webhook to the resolved message at the lab's ntfy
// receiver, with the lab at 20 ms per request (each source's lab in a process of its own, as in
// bench/pipeline.ts), beside the critical path of the refresh the webhook starts: the request
// graph of the sources it refreshes (bench/minimum.ts requestGraph, from the lab's data) in its
// best schedule through 6 connections (bench/critical-path.ts), and beside the same requests
// replayed in the same run (bench/timeline.ts), the fastest this harness makes them.

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
import { criticalPath } from './critical-path.ts'
import { startLabProcesses } from './lab-process.ts'
import { median, row, timeIt } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'
import { requestGraph } from './minimum.ts'
import { createTimeline, replay, summarize } from './timeline.ts'

const LATENCY_MS = 20
const HOOK_SECRET = 'bench-hook-secret'

/**
 * The Worker and its coordinator in Node: the core over memory, its alarm a timer (as the
 * Durable Object's alarm fires on its own), the routes in front of it.
 */
function localWorker(vars: Record<string, string>) {
  const state = createMemoryState()
  // Every fetch of the Worker (its passes and its deliveries) through here, so the bench can
  // time the requests of one refresh.
  const fetcher = { current: fetch }
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = Promise.resolve()
  const env = {
    ...vars,
    PULSE_KV: createMemoryKv().namespace,
  } as unknown as Env
  const core: CoordinatorCore = new CoordinatorCore(
    state,
    (at) => {
      clearTimeout(timer)
      timer = setTimeout(
        () => {
          running = running.then(() => core.alarm(env).then(() => {}))
        },
        Math.max(0, at - Date.now()),
      )
    },
    { fetch: (input, init) => fetcher.current(input, init) },
  )
  // How long the last refresh pass took and what it refreshed, so the figure can be split into
  // the refresh and what the alerts add after it, and its critical path is that of its sources.
  const pass = { ms: 0, refreshed: [] as string[] }
  const runPass = core.runPass.bind(core)
  core.runPass = async (...args) => {
    const started = performance.now()
    try {
      const report = await runPass(...args)
      if (report) pass.refreshed = report.refreshed
      return report
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
    fetcher,
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

/** Each lab process's origin (one per source). */
function labOrigins(sources: readonly { url: string }[]): string[] {
  return [...new Set(sources.map((s) => new URL(s.url).origin))]
}

/**
 * A Proxmox webhook → the resolved message at the receiver, beside the critical path of the
 * refresh it starts (the sources it refreshes, from their request graph) and beside the same
 * requests replayed here. The lab runs in processes of its own (its answers' CPU would stall
 * the Worker's event loop), each with the model generated from the same clock.
 */
async function webhookToMessage(): Promise<void> {
  const now = Math.floor(Date.now() / 1000)
  const lab = await startLabProcesses({
    preset: 'large',
    seed: 1,
    now,
    latencyMs: LATENCY_MS,
    perSource: true,
  })
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
    // Its backup is made (in every lab process, and in the model here for the request graph);
    // PVE sends the webhook as the job ends.
    const backup = { cluster: 'homelab', vmid: guest.vmid, at: now }
    runLabBackup(lab.model, backup)
    for (const origin of labOrigins(lab.sources)) {
      const made = await fetch(`${origin}/_lab/backup`, {
        method: 'POST',
        body: JSON.stringify(backup),
      })
      if (!made.ok) throw new Error(`the lab refused the backup: ${await made.text()}`)
    }
    const origins = new Set(labOrigins(lab.sources))
    const isUpstream = (r: { url: string } | undefined) =>
      r !== undefined && origins.has(new URL(r.url).origin)
    const timeline = createTimeline()
    worker.fetcher.current = timeline.fetch
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
    // The timeline records a request once its answer is read: the receiver's comes just after.
    await until(() => timeline.requests.length > 0 && !isUpstream(timeline.requests.at(-1)), 5_000)
    worker.fetcher.current = fetch
    const message = JSON.stringify(ntfy.accepted[1])
    if (!message.includes('Resolved') || !message.includes(guest.name ?? String(guest.vmid))) {
      throw new Error(`the second message is not the resolve: ${message.slice(0, 200)}`)
    }
    // The refresh's requests (the delivery to the receiver is the one other request).
    const upstream = timeline.requests.filter(isUpstream)
    const delivery = timeline.requests.find((r) => !isUpstream(r))
    const refreshed = new Set(worker.pass.refreshed)
    const path = criticalPath(requestGraph(lab.model, true, refreshed), MAX_CONCURRENT_REQUESTS)
    const pathMs = path.rounds * LATENCY_MS
    if (upstream.length !== path.requests)
      console.log(
        `  NOTE: the refresh made ${upstream.length} requests, the graph of ${[...refreshed].join(' + ')} has ${path.requests}`,
      )
    const replayMs = await replay(upstream, MAX_CONCURRENT_REQUESTS)
    const t = summarize(upstream, MAX_CONCURRENT_REQUESTS)
    const label = `Proxmox webhook → resolved message at the lab's ntfy receiver, lab at ${LATENCY_MS} ms/request (the refresh of ${[...refreshed].join(' + ')}: ${upstream.length} requests, ${MAX_CONCURRENT_REQUESTS} connections)`
    console.log(`${label}:`)
    console.log(
      `  critical path: ${path.rounds} rounds × ${LATENCY_MS} ms = ${pathMs} ms (longest chain of dependent requests ${path.chain}, ⌈${path.requests} ÷ ${MAX_CONCURRENT_REQUESTS}⌉ = ${path.throughput}${path.optimal ? '; the schedule meets the larger bound, so none is shorter' : ''})`,
    )
    row(
      `  webhook → message vs critical path at exactly ${LATENCY_MS} ms a round`,
      wallMs,
      pathMs,
      '≤ 1.2×',
    )
    row(
      `  webhook → message vs critical path as this harness makes it (the same requests replayed, ${(replayMs / path.throughput).toFixed(1)} ms a round)`,
      wallMs,
      replayMs,
      '≤ 1.2×',
    )
    console.log(
      `  where it went: first request at ${t.firstRequest.toFixed(0)} ms after the webhook was sent; connections busy ${(t.busy * 100).toFixed(0)}% until the last answer at ${t.lastAnswer.toFixed(0)} ms (a request took ${t.meanRequestMs.toFixed(1)} ms on average); the refresh pass (collect, normalize, publish, evaluate) ${worker.pass.ms.toFixed(0)} ms; the message posted at ${delivery ? delivery.start.toFixed(0) : '?'} ms and answered at ${delivery ? delivery.end.toFixed(0) : '?'} ms; received at ${wallMs.toFixed(0)} ms`,
    )
  } finally {
    worker.stop()
    await receivers.close()
    lab.stop()
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

// Alert benchmarks: rule evaluation (evaluate + lifecycle step) over the large lab's 800
// guests beside normalizing the same facts, measured in the same run. Two cases: the lab as it
// is, and every guest overdue at once (each yields a condition, a fired event and a record).

import type { EvaluationInput } from '../functions/alerts/condition.ts'
import { evaluate } from '../functions/alerts/evaluate.ts'
import { lifecycleSettings, step } from '../functions/alerts/lifecycle.ts'
import { EMPTY_ALERT_STATE } from '../functions/alerts/state.ts'
import type { PbsFacts, PveFacts } from '../functions/collect/facts.ts'
import { DEFAULT_ALERT_RULES } from '../functions/config/alert-rules.ts'
import type { Env } from '../functions/env.ts'
import { normalizeGuests, toGuestSummary } from '../functions/normalize/index.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { startLab } from '../test/lab/server.ts'
import { benchCoordinator } from './coordinator.ts'
import { median, row, timeIt } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'

export async function benchAlerts(): Promise<void> {
  console.log('\n## Alerts\n')
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

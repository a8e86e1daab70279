// evaluate(input, config, now): every rule over the published records, in one pass with no
// I/O. The answer is the conditions that hold now plus what the lifecycle needs to tell a
// cleared condition from one that cannot be judged (held) or whose subject is gone.
import { ALERT_RULES } from '../../shared/schema/alerts.ts'
import type { AlertRules } from '../config/alert-rules.ts'
import type { Evaluation, EvaluationInput } from './condition.ts'
import { sourceFreshness } from './freshness.ts'
import { evaluateGuests } from './rules/guests.ts'
import { evaluateOrphans } from './rules/orphans.ts'
import { evaluatePbsJobs } from './rules/pbs-jobs.ts'
import { evaluateJobs } from './rules/pve-jobs.ts'
import { evaluateSources } from './rules/sources.ts'
import { evaluateStores } from './rules/stores.ts'
import { createSink, type RuleContext } from './sink.ts'

export function evaluate(input: EvaluationInput, config: AlertRules, now: number): Evaluation {
  const enabled = ALERT_RULES.filter((rule) => config.rules[rule].enabled)
  const { sink, result } = createSink(enabled)
  const ctx: RuleContext = {
    config,
    now,
    baseUrl: input.dashboardBaseUrl,
    freshness: sourceFreshness(input.sources, config, now),
    sink,
  }
  evaluateGuests(input.guests, input.jobs, input.storage, ctx)
  evaluateJobs(input.jobs, ctx)
  evaluatePbsJobs(input.jobs, input.storage, ctx)
  evaluateStores(input.storage, ctx)
  evaluateSources(ctx)
  evaluateOrphans(input.orphans, ctx)
  return result()
}

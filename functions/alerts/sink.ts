// What the rules write into while they evaluate, and the Evaluation it becomes.
import type { AlertRule, AlertSubjectView as AlertSubject } from '../../shared/schema/alerts.ts'
import type { AlertRules } from '../config/alert-rules.ts'
import { type Condition, type Evaluation, subjectRef } from './condition.ts'
import type { Freshness } from './freshness.ts'

export interface RuleContext {
  config: AlertRules
  now: number
  baseUrl: string
  freshness: Freshness
  sink: Sink
}

export interface Sink {
  /** The subject exists; `excluded` ones never alert (and close their alerts silently). */
  subject(subject: Pick<AlertSubject, 'kind' | 'key'>, state: 'watched' | 'excluded'): void
  fire(condition: Condition): void
  hold(id: string): void
  holdRule(rule: AlertRule): void
  off(id: string, reason: 'disabled' | 'replaced'): void
}

export function createSink(enabled: readonly AlertRule[]): {
  sink: Sink
  result(): Evaluation
} {
  const conditions: Condition[] = []
  const ids: string[] = []
  const heldRules = new Set<AlertRule>()
  const subjects: Evaluation['subjects'] = {}
  const off: Evaluation['off'] = {}
  const sink: Sink = {
    subject(subject, state) {
      const ref = subjectRef(subject)
      // Excluded wins: a subject seen twice (a store in two listings) is excluded if either says.
      if (subjects[ref] !== 'excluded') subjects[ref] = state
    },
    fire: (condition) => void conditions.push(condition),
    hold: (id) => void ids.push(id),
    holdRule: (rule) => void heldRules.add(rule),
    off(id, reason) {
      off[id] = reason
    },
  }
  return {
    sink,
    result: () => ({
      conditions,
      held: { ids, rules: [...heldRules] },
      subjects,
      rules: [...enabled],
      off,
    }),
  }
}

// What the rules write into while they evaluate, and the Evaluation it becomes.
import type {
  AlertRule,
  AlertSubjectView as AlertSubject,
  ExcludedSubject,
} from '../../shared/schema/alerts.ts'
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
  /**
   * The subject exists: watched (`exclusion` null), or excluded from alerting for that reason
   * (scope.ts): it never alerts, and its alerts close silently.
   */
  subject(subject: AlertSubject, exclusion: string | null): void
  fire(condition: Condition): void
  hold(id: string): void
  holdRule(rule: AlertRule): void
  off(id: string, reason: 'disabled' | 'replaced'): void
}

/** Kind, then key: the same set is always listed alike (the alerts document stays unwritten). */
function byKindAndKey(a: ExcludedSubject, b: ExcludedSubject): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
}

export function createSink(enabled: readonly AlertRule[]): {
  sink: Sink
  result(): Evaluation
} {
  const conditions: Condition[] = []
  const ids: string[] = []
  const heldRules = new Set<AlertRule>()
  const subjects: Evaluation['subjects'] = {}
  const excluded = new Map<string, ExcludedSubject>()
  const off: Evaluation['off'] = {}
  const sink: Sink = {
    subject(subject, exclusion) {
      const ref = subjectRef(subject)
      // Excluded wins: a subject seen twice (a store in two listings) is excluded if either
      // says, for the first reason given.
      if (subjects[ref] === 'excluded') return
      subjects[ref] = exclusion === null ? 'watched' : 'excluded'
      if (exclusion !== null) excluded.set(ref, { ...subject, reason: exclusion })
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
      excluded: [...excluded.values()].sort(byKindAndKey),
      rules: [...enabled],
      off,
    }),
  }
}

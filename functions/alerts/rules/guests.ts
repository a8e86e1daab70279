// Every rule about one guest: age per type (or missed, for a guest a job covers), failed in a
// job, newest PBS snapshot failed verification, in no backup job. Each alert is held while the
// guest's backup runs (it would clear or fire by itself when the run ends) and while the data
// it depends on is from a source that cannot be judged now (freshness.ts).
import type { BackupFilter } from '../../../shared/age.ts'
import type { AlertSubjectView as AlertSubject } from '../../../shared/schema/alerts.ts'
import type { GuestSummary } from '../../../shared/schema/guest.ts'
import type { JobsIndex } from '../../../shared/schema/jobs.ts'
import type { StorageIndex } from '../../../shared/schema/storage.ts'
import { alertId, type Condition } from '../condition.ts'
import { subjectLink } from '../links.ts'
import { GUEST_RULES, guestExclusion, guestRules } from '../scope.ts'
import type { RuleContext } from '../sink.ts'
import { guestName, utc } from '../words.ts'
import { AGE_RULES, ageCondition } from './age.ts'
import { missedCondition } from './missed.ts'
import { failuresByGuest, guestFailedCondition } from './pve-jobs.ts'

type GuestRule = (typeof GUEST_RULES)[number]

const FILTERS: readonly BackupFilter[] = ['all', 'pve', 'pbs', 'snapshots']

/** Job keys whose storage is a PBS storage (or unknown): their missed state rests on PBS data. */
function jobsOnPbs(jobs: JobsIndex | null, storage: StorageIndex | null): Set<string> {
  // By cluster and storage id: a node-local storage is listed once per node, with one type.
  const types = new Map<string, string>()
  for (const s of storage?.storages ?? []) types.set(`${s.cluster}/${s.storage}`, s.type)
  const onPbs = new Set<string>()
  for (const job of jobs?.pve ?? []) {
    const type = job.storage === null ? undefined : types.get(`${job.cluster}/${job.storage}`)
    if (type === undefined || type === 'pbs') onPbs.add(job.key)
  }
  return onPbs
}

interface GuestFacts {
  failures: ReturnType<typeof failuresByGuest>
  onPbs: Set<string>
  jobsKnown: boolean
}

/** Which of the guest's alerts cannot be judged now. */
function heldRules(guest: GuestSummary, facts: GuestFacts, ctx: RuleContext): Set<GuestRule> {
  if (guest.backingUp) return new Set(GUEST_RULES)
  const { freshness } = ctx
  const pve = freshness.clusterUnknown(guest.cluster)
  const pbs = freshness.anyPbsUnknown
  const held = new Set<GuestRule>()
  const add = (rule: GuestRule, when: boolean) => when && held.add(rule)
  add('age-all', pve || pbs)
  add('age-pve', pve)
  add('age-pbs', pbs)
  add('age-snapshots', pve)
  const onPbs = (guest.schedule?.jobs ?? []).some((job) => facts.onPbs.has(job))
  add('missed', pve || (pbs && onPbs))
  add('guest-failed', pve || !facts.jobsKnown)
  add('verify-failed', pbs)
  add('no-job', pve)
  return held
}

function verifyCondition(
  guest: GuestSummary,
  base: Pick<Condition, 'subject' | 'link'>,
  ctx: RuleContext,
): Condition | null {
  if (guest.verification?.latest !== 'failed') return null
  const verified = guest.verification.latestVerified
  return {
    ...base,
    alertId: alertId('verify-failed', guest.key),
    rule: 'verify-failed',
    severity: ctx.config.rules['verify-failed'].severity,
    summary:
      verified === null
        ? 'newest PBS snapshot failed verification; no snapshot has verified ok'
        : `newest PBS snapshot failed verification; newest verified one is from ${utc(verified)}`,
    detail: 'A snapshot that failed verification is not a restore point to trust.',
    since: null,
  }
}

function noJobCondition(
  guest: GuestSummary,
  base: Pick<Condition, 'subject' | 'link'>,
  ctx: RuleContext,
): Condition | null {
  if (guest.covered !== false) return null
  return {
    ...base,
    alertId: alertId('no-job', guest.key),
    rule: 'no-job',
    severity: ctx.config.rules['no-job'].severity,
    summary: 'is in no backup job',
    detail: null,
    since: null,
  }
}

function evaluateGuest(guest: GuestSummary, facts: GuestFacts, ctx: RuleContext): void {
  const { sink, config, now } = ctx
  const subject: AlertSubject = { kind: 'guest', key: guest.key, name: guestName(guest) }
  const exclusion = guestExclusion(guest, config)
  sink.subject(subject, exclusion)
  if (exclusion !== null) return
  const link = subjectLink(ctx.baseUrl, 'guest', guest.key)
  const base = { subject, link }
  const rules = guestRules(guest, config)
  const held = heldRules(guest, facts, ctx)
  // A guest a job covers is judged by its schedule, not by the fixed age (except snapshots,
  // which no backup job makes). Unknown jobs (no `schedule` field) keep the age rules.
  const scheduled = rules.missed.enabled && guest.schedule !== undefined && guest.schedule !== null

  const judge = (rule: GuestRule, enabled: boolean, make: () => Condition | null) => {
    const id = alertId(rule, guest.key)
    if (!enabled) {
      if (config.rules[rule].enabled) sink.off(id, 'disabled')
      return
    }
    if (held.has(rule)) return sink.hold(id)
    const condition = make()
    if (condition) sink.fire(condition)
  }

  for (const filter of FILTERS) {
    const rule = AGE_RULES[filter]
    const setting = rules[rule]
    if (scheduled && filter !== 'snapshots' && setting.enabled) {
      sink.off(alertId(rule, guest.key), 'replaced')
      continue
    }
    judge(rule, setting.enabled, () => ageCondition(guest, filter, setting, subject, link, now))
  }
  judge('missed', rules.missed.enabled, () =>
    missedCondition(guest, rules.missed, subject, link, now),
  )
  judge('guest-failed', rules['guest-failed'].enabled, () =>
    guestFailedCondition(
      facts.failures.get(guest.key) ?? [],
      guest.latestBackupTime,
      base,
      config,
      now,
    ),
  )
  judge('verify-failed', rules['verify-failed'].enabled, () => verifyCondition(guest, base, ctx))
  judge('no-job', rules['no-job'].enabled, () => noJobCondition(guest, base, ctx))
}

export function evaluateGuests(
  guests: readonly GuestSummary[],
  jobs: JobsIndex | null,
  storage: StorageIndex | null,
  ctx: RuleContext,
): void {
  const facts: GuestFacts = {
    failures: failuresByGuest(jobs),
    onPbs: jobsOnPbs(jobs, storage),
    jobsKnown: jobs !== null,
  }
  for (const guest of guests) evaluateGuest(guest, facts, ctx)
}

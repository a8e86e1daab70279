// The coordinator's state in memory: for the refresh pass in Node (benches, convergence tests)
// and for Worker tests that drive the pass with an environment of their own. Same contract as
// the SQLite store, including copy-on-read (facts: frozen instead), so no caller can change
// stored state by accident.
import type { DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import type { Evaluation } from '../alerts/condition.ts'
import type { Delivery } from '../alerts/run-schemas.ts'
import type { AlertRecord, Outbox } from '../alerts/state.ts'
import type { SourceFacts } from '../collect/facts.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { ReportMarks } from '../reports/schedule.ts'
import { createMemoryHistory } from './history-memory.ts'
import { EMPTY_SCHEDULE, type Schedule } from './schedule.ts'
import {
  type CounterName,
  EMPTY_STATUS,
  type StateStore,
  type StoredFacts,
  type StoredStatus,
} from './state.ts'

const copy = <T>(value: T): T => structuredClone(value)

/**
 * Facts are the largest thing kept (5 MB of PBS snapshots on the large lab) and are read by
 * every pass: they are kept frozen and handed out as they are, as the SQLite store hands out
 * the facts it parsed last. Frozen, a caller that tries to change them throws (modules are
 * strict), so a test over this store finds the mistake a copy would hide.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

export function createMemoryState(): StateStore {
  let facts = new Map<string, StoredFacts>()
  let status: StoredStatus = EMPTY_STATUS
  let schedule: Schedule = EMPTY_SCHEDULE
  let digests = new Map<string, string>()
  let claimed = new Map<string, number>()
  /** Keyed by `key at`, as the SQLite table's primary key. */
  let samples = new Map<string, UsageSample>()
  let seq = 0
  let alerts = new Map<string, AlertRecord>()
  let evaluation: Evaluation | null = null
  let outboxes = new Map<string, Outbox>()
  let deliveries = new Map<string, Delivery>()
  /** Per channel, oldest first. */
  let logs = new Map<string, DeliveryLogEntry[]>()
  let counters = new Map<CounterName, number>()
  let origin: string | null = null
  let reportMarks: ReportMarks = {}
  const history = createMemoryHistory(() => samples)
  return {
    transaction(work) {
      const savedHistory = history.snapshot()
      const saved = {
        facts: new Map(facts),
        status,
        schedule,
        digests: new Map(digests),
        claimed: new Map(claimed),
        samples: new Map(samples),
        seq,
        alerts: new Map(alerts),
        evaluation,
        outboxes: new Map(outboxes),
        deliveries: new Map(deliveries),
        logs: new Map([...logs].map(([id, list]) => [id, [...list]])),
        counters: new Map(counters),
        origin,
        reportMarks,
      }
      try {
        return work()
      } catch (error) {
        ;({
          facts,
          status,
          schedule,
          digests,
          claimed,
          samples,
          seq,
          alerts,
          evaluation,
          outboxes,
          deliveries,
          logs,
          counters,
          origin,
          reportMarks,
        } = saved)
        history.restore(savedHistory)
        throw error
      }
    },
    readFacts: (id) => facts.get(id) ?? null,
    allFacts: () =>
      [...facts.values()].sort((a, b) =>
        a.facts.sourceId < b.facts.sourceId ? -1 : a.facts.sourceId > b.facts.sourceId ? 1 : 0,
      ),
    writeFacts(value: SourceFacts, at: number) {
      const stored = facts.get(value.sourceId)
      if (stored && stored.seq > at) return false
      facts.set(value.sourceId, deepFreeze({ facts: value, seq: at }))
      return true
    },
    deleteFacts: (id) => {
      facts.delete(id)
    },
    nextSeq: () => {
      seq += 1
      return seq
    },
    readStatus: () => copy(status),
    writeStatus: (value) => {
      status = copy(value)
    },
    readSchedule: () => copy(schedule),
    writeSchedule: (value) => {
      schedule = copy(value)
    },
    cacheDigests: () => new Map(digests),
    setCacheDigest: (key, digest) => {
      if (digest === null) digests.delete(key)
      else digests.set(key, digest)
    },
    claimId(digest, now, until) {
      for (const [known, expires] of claimed) if (expires <= now) claimed.delete(known)
      if (claimed.has(digest)) return false
      claimed.set(digest, until)
      return true
    },
    usageSamples(keys, since) {
      const wanted = new Set(keys)
      return [...samples.values()]
        .filter((s) => wanted.has(s.key) && s.at >= since)
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.at - b.at))
        .map(copy)
    },
    addUsageSamples(added, keepSince) {
      for (const s of added) samples.set(`${s.key} ${s.at}`, copy(s))
      for (const [id, s] of samples) if (s.at < keepSince) samples.delete(id)
    },
    readAlerts: () =>
      [...alerts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy),
    writeAlerts(records, dropped) {
      for (const record of records) alerts.set(record.id, copy(record))
      for (const id of dropped) alerts.delete(id)
    },
    readEvaluation: () => (evaluation ? copy(evaluation) : null),
    writeEvaluation: (value) => {
      evaluation = copy(value)
    },
    readOutboxes: () =>
      [...outboxes.values()]
        .sort((a, b) => (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0))
        .map(copy),
    writeOutbox: (outbox) => {
      outboxes.set(outbox.channelId, copy(outbox))
    },
    deleteChannel(channelId) {
      outboxes.delete(channelId)
      logs.delete(channelId)
      for (const [id, d] of deliveries) if (d.digest.channelId === channelId) deliveries.delete(id)
    },
    readDeliveries: () =>
      [...deliveries.values()]
        .sort(
          (a, b) =>
            a.due - b.due ||
            (a.digest.messageId < b.digest.messageId
              ? -1
              : a.digest.messageId > b.digest.messageId
                ? 1
                : 0),
        )
        .map(copy),
    writeDelivery: (delivery) => {
      deliveries.set(delivery.digest.messageId, copy(delivery))
    },
    deleteDelivery: (messageId) => {
      deliveries.delete(messageId)
    },
    appendDeliveryLog(entry, keep) {
      const list = [...(logs.get(entry.channelId) ?? []), copy(entry)]
      logs.set(entry.channelId, list.slice(Math.max(0, list.length - keep)))
    },
    deliveryLog: (channelId) => [...(logs.get(channelId) ?? [])].reverse().map(copy),
    readCounter: (name) => counters.get(name) ?? 0,
    addToCounter: (name, by) => {
      counters.set(name, (counters.get(name) ?? 0) + by)
    },
    readOrigin: () => origin,
    writeOrigin: (value) => {
      origin = value
    },
    readReportMarks: () => copy(reportMarks),
    writeReportMarks: (marks) => {
      reportMarks = copy(marks)
    },
    thinUsageSamples(from, until) {
      const first = new Map<string, number>()
      for (const s of samples.values()) {
        const day = `${s.key} ${Math.floor(s.at / 86_400)}`
        first.set(day, Math.min(first.get(day) ?? s.at, s.at))
      }
      let written = 0
      for (const [id, s] of samples) {
        if (s.at < from || s.at >= until) continue
        if (first.get(`${s.key} ${Math.floor(s.at / 86_400)}`) !== s.at) {
          samples.delete(id)
          written += 1
        }
      }
      return written
    },
    ...history,
  }
}

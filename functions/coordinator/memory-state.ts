// The coordinator's state in memory: for the refresh pass in Node (benches, convergence tests)
// and for Worker tests that drive the pass with an environment of their own. Same contract as
// the SQLite store, including copy-on-read, so no caller can change stored state by accident.
import type { SourceFacts } from '../collect/facts.ts'
import type { UsageSample } from '../normalize/types.ts'
import { createMemoryHistory } from './history-memory.ts'
import { EMPTY_SCHEDULE, type Schedule } from './schedule.ts'
import { EMPTY_STATUS, type StateStore, type StoredFacts, type StoredStatus } from './state.ts'

const copy = <T>(value: T): T => structuredClone(value)

export function createMemoryState(): StateStore {
  let facts = new Map<string, StoredFacts>()
  let status: StoredStatus = EMPTY_STATUS
  let schedule: Schedule = EMPTY_SCHEDULE
  let digests = new Map<string, string>()
  let claimed = new Map<string, number>()
  /** Keyed by `key at`, as the SQLite table's primary key. */
  let samples = new Map<string, UsageSample>()
  let seq = 0
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
      }
      try {
        return work()
      } catch (error) {
        ;({ facts, status, schedule, digests, claimed, samples, seq } = saved)
        history.restore(savedHistory)
        throw error
      }
    },
    readFacts: (id) => {
      const stored = facts.get(id)
      return stored ? copy(stored) : null
    },
    allFacts: () => [...facts.values()].map(copy),
    writeFacts(value: SourceFacts, at: number) {
      const stored = facts.get(value.sourceId)
      if (stored && stored.seq > at) return false
      facts.set(value.sourceId, { facts: copy(value), seq: at })
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

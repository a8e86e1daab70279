// What the coordinator keeps, and the one interface through which it is kept: the Durable
// Object's SQLite (sqlite-state.ts) in production, a Map (memory-state.ts) for Node benches and
// tests of the refresh pass. Synchronous on purpose: SQLite in a Durable Object is synchronous,
// and nothing else may interleave between a read and the write that depends on it.
import * as z from 'zod'
import type { DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import { SourceStatusSchema, StoreErrorSchema } from '../../shared/schema/status.ts'
import type { Evaluation } from '../alerts/condition.ts'
import type { Delivery } from '../alerts/run-schemas.ts'
import type { AlertRecord, Outbox } from '../alerts/state.ts'
import type { SourceFacts } from '../collect/facts.ts'
import type {
  ActivityBucket,
  BackupChange,
  GuestHistorySummary,
  GuestRun,
  HistoryMiss,
  HistoryRun,
  HistorySize,
  ObservedBackup,
  StoredBackup,
} from '../history/types.ts'
import type { UsageSample } from '../normalize/types.ts'
import type { ReportMarks } from '../reports/schedule.ts'
import { ScheduleSchema } from './schedule.ts'

export const LastRefreshSchema = z.object({
  startedAt: z.int(),
  finishedAt: z.int(),
  reason: z.string(),
  subrequests: z.int(),
  kvWrites: z.int(),
})

/** Work left of a refresh round that the subrequest budget cut into several invocations. */
export const ProgressSchema = z.object({
  /** When the round began (epoch seconds). */
  since: z.int(),
  /** Invocations (passes) this round has taken so far. */
  passes: z.int(),
  /** Work units fetched in this round so far. */
  done: z.int(),
  /** Work units still deferred. */
  left: z.int(),
})

export const StoredStatusSchema = z.object({
  sources: z.array(SourceStatusSchema),
  lastRefresh: LastRefreshSchema.nullable(),
  storeError: z.nullable(StoreErrorSchema),
  progress: ProgressSchema.nullable(),
  /** Requests each source's last complete full refresh cost: how the budget is shared. */
  needs: z.optional(z.record(z.string(), z.int())),
})
export type StoredStatus = z.infer<typeof StoredStatusSchema>
export type Progress = z.infer<typeof ProgressSchema>

export const EMPTY_STATUS: StoredStatus = {
  sources: [],
  lastRefresh: null,
  storeError: null,
  progress: null,
}

export { ScheduleSchema }

export interface StoredFacts {
  facts: SourceFacts
  /** Collection sequence number: facts of an older collection never replace newer ones. */
  seq: number
}

export interface StateStore {
  /** Runs `work` atomically: all of its writes land, or none. */
  transaction<T>(work: () => T): T
  /**
   * The stored facts (parsed with their schema when read back from storage). Shared, not
   * copied: the store keeps what it handed out for the next read, so never change them.
   */
  readFacts(sourceId: string): StoredFacts | null
  /** Every source's stored facts, by source id; shared as readFacts'. */
  allFacts(): StoredFacts[]
  /** Stores facts unless facts of a newer collection (higher seq) are stored. True if written. */
  writeFacts(facts: SourceFacts, seq: number): boolean
  deleteFacts(sourceId: string): void
  /** The next collection sequence number (monotonic across restarts). */
  nextSeq(): number
  readStatus(): StoredStatus
  writeStatus(status: StoredStatus): void
  readSchedule(): z.infer<typeof ScheduleSchema>
  writeSchedule(schedule: z.infer<typeof ScheduleSchema>): void
  /** Digest of what the read cache (KV) holds at `key`, as last written by the coordinator. */
  cacheDigests(): Map<string, string>
  setCacheDigest(key: string, digest: string | null): void
  /** Claims a webhook id (by digest) until `until`; false when it is already claimed. */
  claimId(digest: string, now: number, until: number): boolean
  /** Usage samples of these storage keys taken at or after `since`, oldest first per key. */
  usageSamples(keys: readonly string[], since: number): UsageSample[]
  /** Keeps `samples` (one per key and time) and drops every sample older than `keepSince`. */
  addUsageSamples(samples: readonly UsageSample[], keepSince: number): void

  // Alerts (functions/alerts/): one row per alert record, per channel an outbox and a capped
  // delivery log, the digests awaiting delivery, and the last Evaluation.
  /** Every alert record, sorted by id. */
  readAlerts(): AlertRecord[]
  /** Writes these records (one row each, by id) and deletes the `dropped` ids. */
  writeAlerts(records: readonly AlertRecord[], dropped: readonly string[]): void
  /** The last Evaluation of fresh data: what a step between refreshes judges by. */
  readEvaluation(): Evaluation | null
  writeEvaluation(evaluation: Evaluation): void
  readOutboxes(): Outbox[]
  writeOutbox(outbox: Outbox): void
  /** Forgets a channel that is no longer configured: its outbox, deliveries and log. */
  deleteChannel(channelId: string): void
  /** Digests awaiting delivery, by due time (then message id). */
  readDeliveries(): Delivery[]
  /** Inserts or replaces the delivery of `delivery.digest.messageId`. */
  writeDelivery(delivery: Delivery): void
  deleteDelivery(messageId: string): void
  /** Appends an attempt to its channel's log, keeping the `keep` newest of that channel. */
  appendDeliveryLog(entry: DeliveryLogEntry, keep: number): void
  /** A channel's logged attempts, newest first. */
  deliveryLog(channelId: string): DeliveryLogEntry[]
  /** A monotonic counter (refreshes, notifications sent); 0 until first added to. */
  readCounter(name: CounterName): number
  addToCounter(name: CounterName, by: number): void
  /** Where the dashboard was last reached (an origin), for links when no public URL is set. */
  readOrigin(): string | null
  writeOrigin(origin: string): void
  /** Per channel, the scheduled report time it last reported for (reports/schedule.ts). */
  readReportMarks(): ReportMarks
  writeReportMarks(marks: ReportMarks): void
  // ---- History (functions/history/): the backup record over time. ----
  // Every write returns the rows it wrote (SQLite's rowsWritten), so a test can tell that a
  // steady refresh wrote none.
  /** Thins the samples taken in [from, until) to the first of each key and UTC day. */
  thinUsageSamples(from: number, until: number): number
  /** Digest of the backups last recorded per key (history/digest.ts). */
  historyDigests(): Map<string, string>
  /** Sets (or, with null, deletes) digests. */
  setHistoryDigests(entries: readonly (readonly [string, string | null])[]): number
  /** The backups of these keys still on storage (not pruned). */
  openBackups(keys: readonly string[]): StoredBackup[]
  /**
   * Records backups first seen at `now`; one already known by (key, kind, ident) but marked
   * pruned is on storage again: it is revived with the figures given.
   */
  upsertBackups(backups: readonly ObservedBackup[], now: number): number
  updateBackups(changes: readonly BackupChange[]): number
  /** Upids of the cluster's runs recorded that started at or after `since`. */
  historyRunIds(cluster: string, since: number): Set<string>
  addRuns(runs: readonly HistoryRun[]): number
  /** `${key} ${run}` of the misses recorded for runs at or after `since`. */
  historyMissKeys(since: number): Set<string>
  addMisses(misses: readonly HistoryMiss[]): number
  /**
   * Retention: drops runs, misses and backups no longer on storage older than `cutoff` (by their
   * time); a backup still on storage is the present, not history, and stays.
   */
  dropHistoryBefore(cutoff: number): number
  /** A key's backups with a time at or after `since` (pruned ones too), oldest first. */
  guestBackups(key: string, since: number): StoredBackup[]
  /** A key's runs that started at or after `since`, oldest first. */
  guestRuns(key: string, since: number): GuestRun[]
  guestSummary(key: string): GuestHistorySummary
  /**
   * Backups made (ok), failed guest runs and misses per span [bounds[i], bounds[i + 1]) (a
   * calendar day each): `bucket` is i. Bounds ascending.
   */
  activityCounts(bounds: readonly number[]): ActivityBucket[]
  /** The newest backup on storage (seen by the last pass) of each key and kind. */
  newestBackups(): StoredBackup[]
  historySize(): HistorySize
}

export type CounterName = 'refreshes' | 'notifications'

/** The history part of the StateStore (memory and SQLite each implement it once). */
export type HistoryMethods = Pick<
  StateStore,
  | 'historyDigests'
  | 'setHistoryDigests'
  | 'openBackups'
  | 'upsertBackups'
  | 'updateBackups'
  | 'historyRunIds'
  | 'addRuns'
  | 'historyMissKeys'
  | 'addMisses'
  | 'dropHistoryBefore'
  | 'guestBackups'
  | 'guestRuns'
  | 'guestSummary'
  | 'activityCounts'
  | 'newestBackups'
  | 'historySize'
>

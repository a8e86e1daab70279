// The only KV code: the read cache that the page, the API and the badges read (one KV read per
// request). Written only by the coordinator and only where content changed: the coordinator
// keeps the digest of every key it wrote, so a refresh that changes nothing writes no key.
// Reads go through the schemas, so a bad value counts as missing.
import * as z from 'zod'
import { type AlertsResponse, AlertsResponseSchema } from '../../shared/schema/alerts.ts'
import {
  type GuestRecord,
  GuestRecordSchema,
  type OrphanRecord,
  OrphanRecordSchema,
} from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import { type JobsIndex, JobsIndexSchema } from '../../shared/schema/jobs.ts'
import { type StorageIndex, StorageIndexSchema } from '../../shared/schema/storage.ts'
import type { Env } from '../env.ts'
import { digestOf } from './digest.ts'
import {
  guestKvKey,
  KV_ALERTS_KEY,
  KV_INDEX_KEY,
  KV_JOBS_KEY,
  KV_STORAGE_KEY,
  orphanKvKey,
} from './keys.ts'

/** The part of the environment the read cache lives in. */
export type CacheEnv = Pick<Env, 'PULSE_KV'>

export type StoredIndex = GuestIndex & {
  /** Digest of the stored text (computed on read, for the ETag). */
  textDigest: string
}

async function readStored<T extends z.core.$ZodType>(
  kv: KVNamespace,
  key: string,
  schema: T,
): Promise<{ value: z.output<T>; raw: string } | null> {
  const raw = await kv.get(key, 'text')
  if (raw === null) return null
  try {
    const parsed = z.safeParse(schema, JSON.parse(raw))
    if (parsed.success) return { value: parsed.data, raw }
  } catch {
    // fall through: unreadable counts as missing
  }
  console.warn(`kv: ignoring unreadable value at ${key}`)
  return null
}

export async function readIndex(env: CacheEnv): Promise<StoredIndex | null> {
  const stored = await readStored(env.PULSE_KV, KV_INDEX_KEY, GuestIndexSchema)
  return stored ? { ...stored.value, textDigest: await digestOf(stored.raw) } : null
}

export async function readGuest(
  env: CacheEnv,
  cluster: string,
  vmid: string,
): Promise<GuestRecord | null> {
  return (
    (await readStored(env.PULSE_KV, guestKvKey(cluster, vmid), GuestRecordSchema))?.value ?? null
  )
}

export async function readOrphan(env: CacheEnv, key: string): Promise<OrphanRecord | null> {
  return (await readStored(env.PULSE_KV, orphanKvKey(key), OrphanRecordSchema))?.value ?? null
}

/** A whole-document key (jobs, storage) with the digest of its text, for the ETag. */
async function readDocument<T extends z.core.$ZodType>(env: CacheEnv, key: string, schema: T) {
  const stored = await readStored(env.PULSE_KV, key, schema)
  return stored ? { value: stored.value, textDigest: await digestOf(stored.raw) } : null
}

export const readJobs = (env: CacheEnv) => readDocument(env, KV_JOBS_KEY, JobsIndexSchema)
export const readStorage = (env: CacheEnv) => readDocument(env, KV_STORAGE_KEY, StorageIndexSchema)
export const readAlerts = (env: CacheEnv) => readDocument(env, KV_ALERTS_KEY, AlertsResponseSchema)

/** Everything a pass publishes besides the guest index. */
export interface Published {
  records: readonly GuestRecord[]
  index: GuestIndex
  orphans: readonly OrphanRecord[]
  jobs: JobsIndex
  storage: StorageIndex
}

/** Counts KV operations so a refresh can report them (and tests can assert on them). */
export interface WriteLog {
  writes: number
  deletes: number
}

/** What the cache holds, as the coordinator last wrote it: key → digest of the value. */
export interface CacheLedger {
  digests: ReadonlyMap<string, string>
  /** Called after each successful write (digest) or delete (null). */
  record(key: string, digest: string | null): void
}

/**
 * The text and digest last published at each key, per KV namespace (so per coordinator): a
 * steady pass publishes ~850 values (9 MB of JSON on the large lab) of which almost none
 * changed, and comparing a text with the last one costs far less than digesting it. Only a
 * cache of digestOf: a text equal to the one remembered has its digest, whatever the ledger
 * says, so what is written is decided as before. (Comparing the values instead of their texts
 * would skip JSON.stringify too, but walking them was slower than V8's stringify.)
 */
const lastPublished = new WeakMap<KVNamespace, Map<string, { text: string; digest: string }>>()

async function digestsOf(
  kv: KVNamespace,
  entries: readonly (readonly [string, string])[],
): Promise<string[]> {
  const previous = lastPublished.get(kv) ?? new Map<string, { text: string; digest: string }>()
  const digests = await Promise.all(
    entries.map(([key, text]) => {
      const last = previous.get(key)
      return last?.text === text ? last.digest : digestOf(text)
    }),
  )
  // Only the keys of this pass: a key no longer published is forgotten.
  lastPublished.set(
    kv,
    new Map(entries.map(([key, text], i) => [key, { text, digest: digests[i] as string }])),
  )
  return digests
}

/**
 * Publishes a pass: changed records (guests, orphans) and documents (jobs, storage) first, then
 * the index in one put (readers see the old index or the new one), then deletes of keys the new
 * index no longer lists — so a failed write leaves an index whose records all exist. Throws on
 * the first KV failure; what was written by then is in the ledger, so the next refresh writes
 * only what is still missing.
 */
export async function publishGuests(
  env: CacheEnv,
  published: Published,
  ledger: CacheLedger,
  log: WriteLog,
): Promise<void> {
  const kv = env.PULSE_KV
  // The alerts document has its own writer (publishAlerts, after each evaluation).
  const wanted = new Set<string>([KV_INDEX_KEY, KV_ALERTS_KEY])
  const entries: [string, unknown][] = [
    ...published.records.map((r): [string, unknown] => [guestKvKey(r.cluster, r.guestId), r]),
    ...published.orphans.map((o): [string, unknown] => [orphanKvKey(o.key), o]),
    [KV_JOBS_KEY, published.jobs],
    [KV_STORAGE_KEY, published.storage],
  ]
  // All digests at once: awaited one by one, the ~850 of the large lab took 100-300 ms of a
  // refresh's wall time (bench pipeline), most of it waiting between them.
  const texts = entries.map(([, value]) => JSON.stringify(value))
  const digests = await digestsOf(
    kv,
    entries.map(([key], i) => [key, texts[i] as string] as const),
  )
  const writes: Promise<void>[] = []
  for (const [i, [key]] of entries.entries()) {
    wanted.add(key)
    const text = texts[i] as string
    const digest = digests[i] as string
    if (ledger.digests.get(key) === digest) continue
    log.writes += 1
    writes.push(kv.put(key, text).then(() => ledger.record(key, digest)))
  }
  await Promise.all(writes)
  const indexText = JSON.stringify(published.index)
  const indexDigest = await digestOf(indexText)
  if (ledger.digests.get(KV_INDEX_KEY) !== indexDigest) {
    log.writes += 1
    await kv.put(KV_INDEX_KEY, indexText)
    ledger.record(KV_INDEX_KEY, indexDigest)
  }
  const stale = [...ledger.digests.keys()].filter((key) => !wanted.has(key))
  await Promise.all(
    stale.map(async (key) => {
      log.deletes += 1
      await kv.delete(key)
      ledger.record(key, null)
    }),
  )
}

/** How often the alerts document is rewritten when only the wording of its times changed. */
export const ALERT_WORDING_REFRESH_SECONDS = 3_600

/** The alerts document without its words (summaries and details say "6h ago"). */
function alertsSubstance(document: AlertsResponse): unknown {
  return {
    ...document,
    alerts: document.alerts.map(({ summary: _summary, detail: _detail, ...rest }) => rest),
  }
}

/**
 * Publishes the alerts document where it changed, through the same ledger as publishGuests.
 * Summaries name times relatively ("no new backup since the run due 6h ago"), so their words
 * change as time passes with nothing else changing: such a change alone is written at most
 * once an hour, and a steady refresh writes no key. Any other change (an alert fires,
 * resolves, is acknowledged, snoozed, reminded of) is written at once. Throws on a KV
 * failure; the ledger then still holds the old entry, so the next evaluation tries again.
 */
export async function publishAlerts(
  env: CacheEnv,
  document: AlertsResponse,
  ledger: CacheLedger,
  log: WriteLog,
  now: number,
): Promise<void> {
  const text = JSON.stringify(document)
  const full = await digestOf(text)
  const substance = await digestOf(JSON.stringify(alertsSubstance(document)))
  // The ledger's entry for this key: `<substance digest> <full digest> <written at>`.
  const [storedSubstance, storedFull, storedAt] = (ledger.digests.get(KV_ALERTS_KEY) ?? '').split(
    ' ',
  )
  if (storedFull === full) return
  const wordingOnly = storedSubstance === substance
  if (wordingOnly && now - Number(storedAt) < ALERT_WORDING_REFRESH_SECONDS) return
  log.writes += 1
  await env.PULSE_KV.put(KV_ALERTS_KEY, text)
  ledger.record(KV_ALERTS_KEY, `${substance} ${full} ${now}`)
}

/** First line of a KV failure, short: Workers KV messages name the limit that was hit. */
export function describeStoreFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const line = text.split('\n')[0] ?? ''
  return `KV write failed (${line.length > 200 ? `${line.slice(0, 200)}…` : line})`
}

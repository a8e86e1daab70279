// The only KV code. Per-guest records plus one compact index the page reads in a single
// request; every write is skipped when the content did not change (Free plan: 1,000 KV
// writes a day), and reads go through the schemas so a bad value counts as missing.
import * as z from 'zod'
import { type GuestRecord, GuestRecordSchema } from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import {
  SourceStatusSchema,
  type StoreError,
  StoreErrorSchema,
} from '../../shared/schema/status.ts'
import type { SourceFacts } from '../collect/facts.ts'
import { digestOf } from './digest.ts'
import { factsKvKey, guestKvKey, KV_INDEX_KEY, KV_STATUS_KEY } from './keys.ts'

const StoredIndexSchema = z.object({
  ...GuestIndexSchema.shape,
  /** Digest of each guest's stored record, by key, to skip unchanged writes. */
  digests: z.record(z.string(), z.string()),
})
export type StoredIndex = GuestIndex & {
  digests: Record<string, string>
  /** Digest of the stored text itself (not stored; computed on read). */
  textDigest?: string
}

const StoredStatusSchema = z.object({
  sources: z.array(SourceStatusSchema),
  factsDigests: z.record(z.string(), z.string()),
  lastRefresh: z
    .object({
      startedAt: z.number().int(),
      finishedAt: z.number().int(),
      reason: z.string(),
      subrequests: z.number().int(),
      kvWrites: z.number().int(),
    })
    .nullable(),
  storeError: z.optional(z.nullable(StoreErrorSchema)),
})
export type StoredStatus = z.infer<typeof StoredStatusSchema>

// Facts are our own output, but an older release may have written another shape.
const StoredFactsSchema = z.looseObject({
  kind: z.enum(['pve', 'pbs']),
  sourceId: z.string(),
  warnings: z.array(z.string()),
  deferred: z.array(z.string()),
})

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

async function readJson<T extends z.core.$ZodType>(kv: KVNamespace, key: string, schema: T) {
  return (await readStored(kv, key, schema))?.value ?? null
}

export async function readIndex(kv: KVNamespace): Promise<StoredIndex | null> {
  const stored = await readStored(kv, KV_INDEX_KEY, StoredIndexSchema)
  return stored ? { ...stored.value, textDigest: await digestOf(stored.raw) } : null
}

export const readStatus = (kv: KVNamespace): Promise<StoredStatus | null> =>
  readJson(kv, KV_STATUS_KEY, StoredStatusSchema)

export const readGuest = (
  kv: KVNamespace,
  cluster: string,
  vmid: string,
): Promise<GuestRecord | null> => readJson(kv, guestKvKey(cluster, vmid), GuestRecordSchema)

export async function readFacts(kv: KVNamespace, sourceId: string): Promise<SourceFacts | null> {
  const facts = await readJson(kv, factsKvKey(sourceId), StoredFactsSchema)
  // The loose schema checked the envelope; the body is what collectors wrote.
  return facts && facts.sourceId === sourceId ? (facts as unknown as SourceFacts) : null
}

/** Counts KV writes so a refresh can report them (and tests can assert on them). */
export interface WriteLog {
  writes: number
  deletes: number
}

export async function writeFactsIfChanged(
  kv: KVNamespace,
  facts: SourceFacts,
  previousDigest: string | undefined,
  log: WriteLog,
): Promise<string> {
  // collectedAt changes every run and says nothing new; it lives in the status instead.
  const { collectedAt: _, ...content } = facts
  const digest = await digestOf(JSON.stringify(content))
  if (digest !== previousDigest) {
    await kv.put(factsKvKey(facts.sourceId), JSON.stringify(facts))
    log.writes += 1
  }
  return digest
}

export async function writeGuestsIfChanged(
  kv: KVNamespace,
  records: GuestRecord[],
  index: GuestIndex,
  previous: StoredIndex | null,
  log: WriteLog,
): Promise<void> {
  const digests: Record<string, string> = {}
  const writes: Promise<void>[] = []
  for (const record of records) {
    const text = JSON.stringify(record)
    const digest = await digestOf(text)
    digests[record.key] = digest
    if (previous?.digests[record.key] !== digest) {
      writes.push(kv.put(guestKvKey(record.cluster, record.guestId), text))
      log.writes += 1
    }
  }
  const deletes: string[] = []
  for (const key of Object.keys(previous?.digests ?? {})) {
    if (digests[key] !== undefined) continue
    const [cluster, vmid] = key.split('/')
    if (cluster && vmid) {
      deletes.push(guestKvKey(cluster, vmid))
      log.deletes += 1
    }
  }
  await Promise.all(writes)
  // Written after the records, in one put: readers see the old index or the new one.
  const indexText = JSON.stringify({ ...index, digests })
  if (previous?.textDigest !== (await digestOf(indexText))) {
    await kv.put(KV_INDEX_KEY, indexText)
    log.writes += 1
  }
  // Deleted only once the new index no longer lists them: a failed index write must leave
  // the old index pointing at records that are all still there.
  await Promise.all(deletes.map((key) => kv.delete(key)))
}

export async function writeStatus(
  kv: KVNamespace,
  status: StoredStatus,
  log: WriteLog,
): Promise<void> {
  await kv.put(KV_STATUS_KEY, JSON.stringify(status))
  log.writes += 1
}

/** First line of a KV failure, short: Workers KV messages name the limit that was hit. */
export function describeStoreFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const line = text.split('\n')[0] ?? ''
  return `KV write failed (${line.length > 200 ? `${line.slice(0, 200)}…` : line})`
}

// A status that could not be written cannot be read back from KV, so the isolate that tried
// keeps it for /api/status; other isolates still see the last stored status and its time.
let unstoredError: StoreError | null = null

export function rememberStoreError(error: StoreError | null): void {
  unstoredError = error
}

/** The remembered store error unless a status stored since supersedes it (any isolate's). */
export function currentStoreError(stored: StoredStatus | null): StoreError | null {
  const storedAt = stored?.lastRefresh?.startedAt ?? Number.NEGATIVE_INFINITY
  if (unstoredError && unstoredError.at >= storedAt) return unstoredError
  return stored?.storeError ?? null
}

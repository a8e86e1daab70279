// GET /api/status: per-source health, so the page can say which source is stale and why.
import * as z from 'zod/mini'

export const SourceErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  /** Epoch seconds. */
  at: z.int(),
})

export const SourceStatusSchema = z.object({
  id: z.string(),
  kind: z.enum(['pve', 'pbs']),
  name: z.optional(z.string()),
  lastAttempt: z.nullable(z.int()),
  lastSuccess: z.nullable(z.int()),
  /** The newest failure; cleared by the next success. */
  lastError: z.nullable(SourceErrorSchema),
  /** Serving data older than the last attempt because that attempt failed. */
  stale: z.boolean(),
  warnings: z.array(z.string()),
  /** Work units left for the next run (subrequest budget). */
  deferred: z.int(),
  counts: z.object({ guests: z.int(), backups: z.int(), snapshots: z.int() }),
  /**
   * Privileges the token lacks, by name, from /access/permissions. `checked` is false when
   * the permissions call itself was refused: then `missing` comes from the fallback heuristic.
   */
  permissions: z.optional(
    z.object({
      checked: z.boolean(),
      /** e.g. `monitor@pve!pulse` */
      tokenId: z.nullable(z.string()),
      missing: z.array(
        z.object({
          path: z.string(),
          privilege: z.string(),
          /** Whole sentence: `<token> lacks <priv> on <path>: <consequence>`. */
          message: z.string(),
        }),
      ),
    }),
  ),
  /** Parts of the source whose last good data is kept while they cannot be read. */
  held: z.optional(z.array(z.object({ unit: z.string(), reason: z.string(), since: z.int() }))),
})

/** A refresh whose results could not all be written to KV (e.g. the daily write limit). */
export const StoreErrorSchema = z.object({
  message: z.string(),
  /** Epoch seconds of the refresh that could not store its results. */
  at: z.int(),
})

export const StatusSchema = z.object({
  sources: z.array(SourceStatusSchema),
  configIssues: z.array(z.object({ field: z.string(), message: z.string() })),
  thresholds: z.object({ freshHours: z.number(), staleHours: z.number() }),
  lastRefresh: z.nullable(
    z.object({
      startedAt: z.int(),
      finishedAt: z.int(),
      reason: z.string(),
      subrequests: z.int(),
      kvWrites: z.int(),
    }),
  ),
  /**
   * While a refresh round is split over several invocations by the subrequest budget: since
   * when, how many invocations so far, requests done and work units left. Null when complete.
   */
  progress: z.nullable(z.object({ since: z.int(), passes: z.int(), done: z.int(), left: z.int() })),
  /** Epoch seconds of the next scheduled refresh, when known. */
  nextRefresh: z.nullable(z.int()),
  /**
   * Set while the newest refresh could not store everything it collected: the guests shown
   * are older than the sources' times say. Cleared by the next refresh that stores it all.
   */
  storeError: z.optional(z.nullable(StoreErrorSchema)),
  refreshAllowed: z.boolean(),
})

export type SourceStatus = z.infer<typeof SourceStatusSchema>
export type StoreError = z.infer<typeof StoreErrorSchema>
export type Status = z.infer<typeof StatusSchema>

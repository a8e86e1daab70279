// GET /api/health: liveness plus whether the configuration parsed.
// shared/ schemas use zod/mini (namespace import) so the page bundle stays small.
import * as z from 'zod/mini'

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  /** The Worker's clock, epoch seconds. */
  now: z.int(),
  sources: z.int().check(z.nonnegative()),
  configIssues: z.int().check(z.nonnegative()),
})

export type Health = z.infer<typeof HealthSchema>

// The body of a refresh queue message: its own module, importing nothing of the Worker, so the
// Env type (env.ts) can name the queue binding's type and stay at the bottom of the imports.
import * as z from 'zod'

export const RefreshMessageSchema = z.object({
  sourceId: z.string().min(1).max(64),
  reason: z.string().min(1).max(64),
  /** Epoch seconds the refresh was asked for. */
  requestedAt: z.int().nonnegative(),
})
export type RefreshMessage = z.infer<typeof RefreshMessageSchema>

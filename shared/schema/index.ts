// GET /api/guests: the compact index the page reads in one request.
import * as z from 'zod/mini'
import { AmbiguousSchema, GuestSummarySchema, OrphanSchema } from './guest.ts'

export const GuestIndexSchema = z.object({
  guests: z.array(GuestSummarySchema),
  orphans: z.array(OrphanSchema),
  ambiguous: z.array(AmbiguousSchema),
})

export type GuestIndex = z.infer<typeof GuestIndexSchema>

// The one JSON error shape every /api and /hooks route answers with.
import * as z from 'zod/mini'

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.optional(z.string()),
  }),
})

export type ApiError = z.infer<typeof ApiErrorSchema>

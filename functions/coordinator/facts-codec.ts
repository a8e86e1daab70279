// Stored facts back into typed facts. The envelope is checked here; see collect/facts.ts.
import * as z from 'zod'
import type { SourceFacts } from '../collect/facts.ts'

const EnvelopeSchema = z.looseObject({
  kind: z.enum(['pve', 'pbs']),
  sourceId: z.string(),
  warnings: z.array(z.string()),
  deferred: z.array(z.string()),
})

export function parseStoredFacts(text: string, sourceId: string): SourceFacts | null {
  try {
    const parsed = EnvelopeSchema.safeParse(JSON.parse(text))
    if (parsed.success && parsed.data.sourceId === sourceId) {
      return parsed.data as unknown as SourceFacts
    }
  } catch {
    // fall through
  }
  console.warn(`coordinator: ignoring unreadable facts of ${sourceId}`)
  return null
}

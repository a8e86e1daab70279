// Stored facts back into typed facts, through the one schema of each fact (collect/facts.ts): a
// row an older release wrote in another shape counts as missing (the next refresh of that
// source collects it again) instead of reaching the normalizer.
import { type SourceFacts, SourceFactsSchema } from '../collect/facts.ts'

export function parseStoredFacts(text: string, sourceId: string): SourceFacts | null {
  try {
    const parsed = SourceFactsSchema.safeParse(JSON.parse(text))
    if (parsed.success && parsed.data.sourceId === sourceId) return parsed.data
  } catch {
    // fall through
  }
  console.warn(`coordinator: ignoring unreadable facts of ${sourceId}`)
  return null
}

// The optional JSON body of POST /hooks/refresh: `{"source":"homelab"}`, `{"sources":[…]}`,
// both, or nothing at all (= every source). Other keys are ignored, so a sender's own event
// payload is accepted as "refresh everything". Pure.
import * as z from 'zod'

const RefreshBodySchema = z.looseObject({
  source: z.string().optional(),
  sources: z.array(z.string()).optional(),
})

export type RefreshRequest = { ok: true; sourceIds: string[] } | { ok: false; message: string }

const quoted = (value: string) =>
  JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)

export function parseRefreshRequest(text: string, configured: string[]): RefreshRequest {
  if (text.trim() === '') return { ok: true, sourceIds: configured }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, message: 'The body is not valid JSON (send {"source":"<id>"} or nothing)' }
  }
  const parsed = RefreshBodySchema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      message:
        'The body must be a JSON object such as {"source":"<id>"} or {"sources":["<id>", …]}',
    }
  }
  const { source, sources } = parsed.data
  const asked = [...(source !== undefined ? [source] : []), ...(sources ?? [])]
  if (source === undefined && sources === undefined) return { ok: true, sourceIds: configured }
  if (asked.length === 0) return { ok: false, message: '"sources" is empty' }
  const unknown = asked.filter((id) => !configured.includes(id))
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `No source ${unknown.map(quoted).join(', ')} is configured`,
    }
  }
  return { ok: true, sourceIds: [...new Set(asked)] }
}

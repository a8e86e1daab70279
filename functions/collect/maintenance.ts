// A PBS datastore's maintenance mode, from the `maintenance` property string of /admin/datastore
// (pbs-api-types MaintenanceMode): `type=offline,message=disk%20swap`, or just `offline` (type is
// the default key). The message may be percent-encoded (PBS decodes it before showing it) or
// double-quoted; both are undone here.

export interface MaintenanceMode {
  /** `read-only`, `offline`, `delete`, `unmount`, `s3-refresh`, or a type newer than we know. */
  type: string
  message: string | null
}

/** Splits on commas outside double quotes; a quoted value keeps its commas, `\"` is a quote. */
function splitParts(text: string): string[] | undefined {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += text[i + 1]
      i += 1
    } else if (c === '"') quoted = !quoted
    else if (c === ',' && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  if (quoted) return undefined
  parts.push(current)
  return parts.filter((p) => p.trim() !== '')
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The mode, or undefined for a string that is not a maintenance property string. */
export function parseMaintenance(text: string): MaintenanceMode | undefined {
  const parts = splitParts(text)
  if (!parts) return undefined
  let type: string | undefined
  let message: string | null = null
  for (const part of parts) {
    const eq = part.indexOf('=')
    const key = eq < 0 ? 'type' : part.slice(0, eq).trim()
    const value = (eq < 0 ? part : part.slice(eq + 1)).trim()
    if (key === 'type') type = value
    else if (key === 'message') message = decoded(value)
  }
  return type ? { type, message: message === '' ? null : message } : undefined
}

/**
 * Whether PBS refuses reads in this mode (MaintenanceMode::check): `read-only` still allows
 * listing, and so does a type PBS itself does not know; the others refuse every read.
 */
export function blocksReading(type: string): boolean {
  return type === 'offline' || type === 'unmount' || type === 'delete' || type === 's3-refresh'
}

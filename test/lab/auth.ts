// Parses API-token Authorization headers exactly as pveproxy and proxmox-rest-server do.

export interface TokenCredentials {
  tokenId: string
  secret: string
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** `PVEAPIToken=user@realm!id=SECRET` (or a space for the first `=`), split at the last `=`. */
export function parsePveToken(header: string | null): TokenCredentials | undefined {
  const m = /^PVEAPIToken[= ](.*)$/.exec(header?.trim() ?? '')
  if (!m) return undefined
  const value = percentDecode((m[1] as string).split(';')[0] as string)
  const at = value.lastIndexOf('=')
  if (at <= 0) return undefined
  return { tokenId: value.slice(0, at), secret: value.slice(at + 1) }
}

/** `PBSAPIToken=user@realm!name:SECRET` (or a space after PBSAPIToken), split at the last `:`. */
export function parsePbsToken(header: string | null): TokenCredentials | undefined {
  const m = /^PBSAPIToken[= ](.*)$/.exec(header?.trim() ?? '')
  if (!m) return undefined
  const value = m[1] as string
  const at = value.lastIndexOf(':')
  if (at <= 0) return undefined
  return { tokenId: value.slice(0, at), secret: percentDecode(value.slice(at + 1)) }
}

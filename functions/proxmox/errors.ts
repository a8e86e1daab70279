// One error type for every way a Proxmox call can fail, with a closed `kind` and a short
// message a person can act on. Messages name the source and path, never a token or query.

export const PROXMOX_ERROR_KINDS = [
  'unreachable',
  'timeout',
  'auth',
  'access',
  'permission',
  'http',
  'invalid-response',
  'budget',
] as const

export type ProxmoxErrorKind = (typeof PROXMOX_ERROR_KINDS)[number]

export class ProxmoxError extends Error {
  override readonly name = 'ProxmoxError'
  readonly kind: ProxmoxErrorKind
  readonly status: number | undefined

  constructor(
    kind: ProxmoxErrorKind,
    message: string,
    options?: { status?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.kind = kind
    this.status = options?.status
  }
}

export function isProxmoxError(value: unknown): value is ProxmoxError {
  return value instanceof Error && value.name === 'ProxmoxError' && 'kind' in value
}

/** The serialisable form kept in KV and shown in /api/status. */
export interface SourceError {
  kind: ProxmoxErrorKind | 'internal'
  message: string
  /** Epoch seconds. */
  at: number
}

export function toSourceError(error: unknown, at: number): SourceError {
  if (isProxmoxError(error)) return { kind: error.kind, message: error.message, at }
  // Unexpected bugs: say what broke without echoing data that may come from upstream.
  const name = error instanceof Error ? error.name : 'Error'
  return { kind: 'internal', message: `internal error (${name}) while collecting`, at }
}

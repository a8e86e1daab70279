// Runtime faults: shapes, validation of control input, and matching against a request.

export type LabFault =
  | { kind: 'node-offline'; source: string; node: string }
  | { kind: 'datastore-unavailable'; source: string; datastore: string; message?: string }
  /** A complete body that is not JSON: a bare `nan`, as Perl's JSON encoder writes NaN. */
  | { kind: 'malformed-json'; source: string; path?: string }
  /** The body cut off part-way, as by a dropped connection or a proxy's size limit. */
  | { kind: 'truncated-json'; source: string; path?: string }
  /**
   * The whole source is unreachable: every connection to it is closed without an answer, or
   * (`via: 'tunnel'`) Cloudflare answers for it with its 530 "tunnel error" page.
   */
  | { kind: 'source-down'; source: string; via?: 'connection' | 'tunnel' }
  | { kind: 'slow'; source: string; path?: string; delayMs: number }
  | { kind: 'bad-token'; source: string }
  | { kind: 'http-error'; source: string; path?: string; status: number; message?: string }
  | { kind: 'pve-legacy-errors'; source: string }
  /**
   * An ACL entry for the source's monitoring token on `aclPath` (replacing its entry there):
   * `privileges` (none: NoAccess), propagating unless `propagate` is false. See acl.ts.
   */
  | {
      kind: 'token-acl'
      source: string
      aclPath: string
      privileges: string[]
      propagate?: boolean
    }

export type LabFaultKind = LabFault['kind']

const kinds: readonly LabFaultKind[] = [
  'node-offline',
  'datastore-unavailable',
  'malformed-json',
  'truncated-json',
  'source-down',
  'slow',
  'bad-token',
  'http-error',
  'pve-legacy-errors',
  'token-acl',
]

type Raw = Record<string, unknown>

const str = (o: Raw, key: string, required: boolean): string | undefined => {
  const v = o[key]
  if (v === undefined && !required) return undefined
  if (typeof v !== 'string' || v === '') throw new Error(`fault.${key} must be a non-empty string`)
  return v
}

const int = (o: Raw, key: string, min: number, max: number): number => {
  const v = o[key]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`fault.${key} must be an integer from ${min} to ${max}`)
  }
  return v
}

/** Validates untrusted input (PUT /_lab/faults); throws an Error with a readable message. */
export function parseFaults(input: unknown, sourceIds: readonly string[]): LabFault[] {
  if (!Array.isArray(input)) throw new Error('faults must be a JSON array')
  return input.map((item, i): LabFault => {
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw new Error('fault must be an object')
      const o = item as Raw
      const kind = o.kind
      if (typeof kind !== 'string' || !kinds.includes(kind as LabFaultKind)) {
        throw new Error(`fault.kind must be one of ${kinds.join(', ')}`)
      }
      const source = str(o, 'source', true) as string
      if (!sourceIds.includes(source))
        throw new Error(`unknown source '${source}' (known: ${sourceIds.join(', ')})`)
      const path = str(o, 'path', false)
      const withPath = path === undefined ? {} : { path }
      switch (kind as LabFaultKind) {
        case 'node-offline':
          return { kind: 'node-offline', source, node: str(o, 'node', true) as string }
        case 'datastore-unavailable': {
          const message = str(o, 'message', false)
          return {
            kind: 'datastore-unavailable',
            source,
            datastore: str(o, 'datastore', true) as string,
            ...(message ? { message } : {}),
          }
        }
        case 'malformed-json':
          return { kind: 'malformed-json', source, ...withPath }
        case 'truncated-json':
          return { kind: 'truncated-json', source, ...withPath }
        case 'source-down': {
          const via = str(o, 'via', false)
          if (via !== undefined && via !== 'connection' && via !== 'tunnel')
            throw new Error("fault.via must be 'connection' or 'tunnel'")
          return { kind: 'source-down', source, ...(via ? { via } : {}) }
        }
        case 'slow':
          return { kind: 'slow', source, ...withPath, delayMs: int(o, 'delayMs', 0, 600000) }
        case 'bad-token':
          return { kind: 'bad-token', source }
        case 'http-error': {
          const message = str(o, 'message', false)
          return {
            kind: 'http-error',
            source,
            ...withPath,
            status: int(o, 'status', 400, 599),
            ...(message ? { message } : {}),
          }
        }
        case 'token-acl': {
          const aclPath = str(o, 'aclPath', true) as string
          if (!aclPath.startsWith('/')) throw new Error('fault.aclPath must start with /')
          const privileges = o.privileges
          if (
            !Array.isArray(privileges) ||
            privileges.some((p) => typeof p !== 'string' || p === '')
          )
            throw new Error('fault.privileges must be an array of privilege names')
          if (o.propagate !== undefined && typeof o.propagate !== 'boolean')
            throw new Error('fault.propagate must be a boolean')
          return {
            kind: 'token-acl',
            source,
            aclPath,
            privileges: privileges as string[],
            ...(o.propagate === false ? { propagate: false } : {}),
          }
        }
        default:
          return { kind: 'pve-legacy-errors', source }
      }
    } catch (error) {
      throw new Error(`faults[${i}]: ${(error as Error).message}`)
    }
  })
}

const patternCache = new Map<string, RegExp>()

/** `*` matches anything, `{name}` one path segment; the pattern must match the whole API path. */
export function pathMatches(pattern: string | undefined, apiPath: string): boolean {
  if (pattern === undefined) return true
  let re = patternCache.get(pattern)
  if (!re) {
    const body = pattern
      .split(/(\*|\{[^}/]+\})/)
      .map((part) =>
        part === '*'
          ? '.*'
          : /^\{[^}/]+\}$/.test(part)
            ? '[^/]+'
            : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')
    re = new RegExp(`^${body}$`)
    patternCache.set(pattern, re)
  }
  return re.test(apiPath)
}

export function faultsFor<K extends LabFaultKind>(
  faults: readonly LabFault[],
  source: string,
  kind: K,
): Extract<LabFault, { kind: K }>[] {
  return faults.filter(
    (f): f is Extract<LabFault, { kind: K }> => f.kind === kind && f.source === source,
  )
}

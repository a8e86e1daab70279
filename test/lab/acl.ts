// What each lab token may do, modelled as Proxmox does it: ACL entries (path, privileges,
// propagate) resolved along the path as pve-access-control's roles() and PBS's AclTree::roles()
// do (the deepest entry that applies replaces the ones above; on the final path every entry
// applies, above it only propagating ones), the /access/permissions answer derived from them
// in each product's shape, and the checks the endpoints make. A `token-acl` fault adds or
// replaces the entry of one path for a source's monitoring token.
import type { LabFault } from './faults.ts'

export interface AclEntry {
  path: string
  /** Empty: the NoAccess role. */
  privileges: readonly string[]
  propagate: boolean
}

/** README's PulseMonitor role on `/`, propagating. */
export const PVE_MONITOR_PRIVILEGES = [
  'Datastore.AllocateSpace',
  'Datastore.Audit',
  'Sys.Audit',
  'VM.Audit',
  'VM.Backup',
]
/** PVE's built-in PVEAuditor role. */
export const PVE_AUDITOR_PRIVILEGES = [
  'Datastore.Audit',
  'Mapping.Audit',
  'Pool.Audit',
  'SDN.Audit',
  'Sys.Audit',
  'VM.Audit',
]

/** Paths each product's /access/permissions answers even without an ACL there. */
const DEFAULT_PATHS = {
  pve: ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms'],
  pbs: ['/', '/access', '/datastore', '/remote', '/system'],
} as const

export type Product = keyof typeof DEFAULT_PATHS

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function normalPath(path: string): string {
  return `/${segments(path).join('/')}`
}

/** The monitoring token's entries: its base role, then the faults' entries for that source. */
export function tokenAcl(
  base: readonly AclEntry[],
  faults: readonly LabFault[],
  source: string,
): AclEntry[] {
  const byPath = new Map(base.map((e) => [normalPath(e.path), e]))
  for (const f of faults) {
    if (f.kind !== 'token-acl' || f.source !== source) continue
    const path = normalPath(f.aclPath)
    byPath.set(path, { path, privileges: f.privileges, propagate: f.propagate ?? true })
  }
  return [...byPath.values()]
}

/** Privilege → propagates, in effect on `path`. */
export function effectivePrivileges(acl: readonly AclEntry[], path: string): Map<string, boolean> {
  const byPath = new Map(acl.map((e) => [normalPath(e.path), e]))
  const parts = segments(path)
  let current = new Map<string, boolean>()
  for (let depth = 0; depth <= parts.length; depth++) {
    const entry = byPath.get(`/${parts.slice(0, depth).join('/')}`)
    const final = depth === parts.length
    if (entry && (final || entry.propagate))
      current = new Map(entry.privileges.map((p) => [p, entry.propagate]))
  }
  return current
}

export function allows(acl: readonly AclEntry[], path: string, privilege: string): boolean {
  return effectivePrivileges(acl, path).has(privilege)
}

/**
 * GET /access/permissions of the calling token: the default paths and every ACL path, each
 * with its privileges (PVE: propagate as 1/0, PBS: true/false); paths with none left out. With
 * `?path=`, only that path.
 */
export function permissionsAnswer(
  acl: readonly AclEntry[],
  product: Product,
  only: string | null,
): Record<string, Record<string, number | boolean>> {
  const paths = only
    ? [only]
    : [...new Set([...DEFAULT_PATHS[product], ...acl.map((e) => normalPath(e.path))])]
  const out: Record<string, Record<string, number | boolean>> = {}
  for (const path of paths.sort()) {
    const privileges = effectivePrivileges(acl, path)
    if (privileges.size === 0) continue
    out[path] = Object.fromEntries(
      [...privileges]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([p, propagate]) => [p, product === 'pve' ? (propagate ? 1 : 0) : propagate]),
    )
  }
  return out
}

/** What an endpoint checks before it answers: any one of `privileges` on `path`. */
export interface RouteCheck {
  path: string
  privileges: string[]
}

/** PVE endpoints' permission checks (the API viewer's "permissions" of each), by route. */
export function pveRouteCheck(
  pattern: string,
  params: Record<string, string>,
): RouteCheck | undefined {
  switch (pattern) {
    case '/cluster/status':
    case '/cluster/backup':
    case '/cluster/backup-info/not-backed-up':
      return { path: '/', privileges: ['Sys.Audit'] }
    case '/nodes/{node}/storage/{storage}/content':
      return {
        path: `/storage/${params.storage}`,
        privileges: ['Datastore.Audit', 'Datastore.AllocateSpace'],
      }
    case '/nodes/{node}/qemu/{vmid}/snapshot':
    case '/nodes/{node}/lxc/{vmid}/snapshot':
      return { path: `/vms/${params.vmid}`, privileges: ['VM.Audit'] }
    default:
      return undefined
  }
}

/** PBS listing endpoints of a datastore (or a namespace of it, `ns`/`parent`). */
export function pbsRouteCheck(
  pattern: string,
  params: Record<string, string>,
  query: URLSearchParams,
): RouteCheck | undefined {
  if (!pattern.startsWith('/admin/datastore/{store}/')) return undefined
  const ns = (query.get('ns') ?? query.get('parent') ?? '').replace(/^\/+|\/+$/g, '')
  return {
    path: `/datastore/${params.store}${ns ? `/${ns}` : ''}`,
    privileges: ['Datastore.Audit', 'Datastore.Backup'],
  }
}

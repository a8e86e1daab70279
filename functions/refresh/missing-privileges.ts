// Which privileges a source's token lacks, by name, from the /access/permissions answer kept
// in its facts: each one with the path it is missing on and what the user does not see
// because of it. When that call was refused, the collector's heuristic stands in (PVE: no
// backup listed although vzdump jobs succeeded) and `checked` is false.
//
// How the answer is read (pve-access-control RPCEnvironment::permissions and PBS
// list_permissions, the same on both): it holds the default top-level paths and every path an
// ACL or pool names, each with the privileges in effect there and whether they propagate.
// A path not in it (e.g. /storage/local without an ACL of its own) gets what flows down from
// its nearest listed ancestor: the privileges flagged as propagating there. An ancestor whose
// privileges all stop at it (non-propagating roles) passes on what reached it from above. A
// default path missing from the answer has no privileges at all. (An ACL path holding only
// NoAccess is left out too and cannot be told from no ACL; but what it hides, the token cannot
// see in the first place.)
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { PbsFacts, PveFacts, SourceFacts } from '../collect/facts.ts'
import { TOKEN_PRIVILEGE_WARNING } from '../collect/pve.ts'

export type TokenPermissions = NonNullable<SourceStatus['permissions']>
type PermissionTree = Readonly<Record<string, Readonly<Record<string, boolean>>>>

/** Paths PVE's answer always covers when the token has anything there. */
const PVE_DEFAULT_PATHS = new Set([
  '/',
  '/access',
  '/access/groups',
  '/nodes',
  '/pool',
  '/sdn',
  '/storage',
  '/vms',
])
const PBS_DEFAULT_PATHS = new Set(['/', '/access', '/datastore', '/remote', '/system'])

function parentOf(path: string): string | undefined {
  if (path === '/') return undefined
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}

/** The privileges in effect on `path`, read from the answer as described above. */
export function privilegesAt(
  tree: PermissionTree,
  path: string,
  defaults: ReadonlySet<string>,
): Set<string> {
  const own = tree[path]
  if (own) return new Set(Object.keys(own))
  if (defaults.has(path)) return new Set()
  for (let at = parentOf(path); at !== undefined; at = parentOf(at)) {
    const listed = tree[at]
    if (listed) {
      const flowing = Object.keys(listed).filter((privilege) => listed[privilege])
      if (flowing.length > 0) return new Set(flowing)
    } else if (defaults.has(at)) return new Set()
  }
  return new Set()
}

interface Checker {
  has(path: string, privilege: string): boolean
  lacks(path: string, privilege: string, consequence: string): void
  missing: TokenPermissions['missing']
}

function checker(tree: PermissionTree, defaults: ReadonlySet<string>, tokenId: string): Checker {
  const missing: TokenPermissions['missing'] = []
  return {
    missing,
    has: (path, privilege) => privilegesAt(tree, path, defaults).has(privilege),
    lacks: (path, privilege, consequence) =>
      missing.push({
        path,
        privilege,
        message: `${tokenId} lacks ${privilege} on ${path}: ${consequence}`,
      }),
  }
}

/**
 * `lacks` for each path without `privilege`; one entry on `parent` instead when every one of
 * them lacks it (granting it there is the fix).
 */
function perPath(
  c: Checker,
  paths: readonly string[],
  privilege: string,
  parent: { path: string; consequence: string },
  consequence: string,
): void {
  const lacking = paths.filter((path) => !c.has(path, privilege))
  if (lacking.length === 0) return
  if (lacking.length === paths.length && !c.has(parent.path, privilege))
    c.lacks(parent.path, privilege, parent.consequence)
  else for (const path of lacking) c.lacks(path, privilege, consequence)
}

function pveMissing(
  facts: PveFacts,
  tree: PermissionTree,
  tokenId: string,
  directPbsServers: ReadonlySet<string>,
): TokenPermissions['missing'] {
  const c = checker(tree, PVE_DEFAULT_PATHS, tokenId)
  if (!c.has('/', 'Sys.Audit'))
    c.lacks('/', 'Sys.Audit', 'PVE shows neither the cluster status nor which guests no job covers')
  perPath(
    c,
    facts.nodes.map((n) => `/nodes/${n.name}`),
    'Sys.Audit',
    {
      path: '/nodes',
      consequence: "PVE lists only the token's own tasks, not the scheduled backup runs",
    },
    "PVE lists only the token's own tasks there, not the scheduled backup runs",
  )
  if (!c.has('/vms', 'VM.Audit'))
    c.lacks('/vms', 'VM.Audit', 'PVE hides every guest it is not granted on, with its snapshots')
  let backupNeeded = false
  for (const storage of facts.storages) {
    const path = `/storage/${storage.storage}`
    // /cluster/resources lists a storage only with Datastore.Audit: without it, it is never
    // seen active anywhere, so it is never listed.
    if (!c.has(path, 'Datastore.Audit'))
      c.lacks(
        path,
        'Datastore.Audit',
        'PVE reports neither its usage nor where it is active, so its backups are not listed',
      )
    // Read from the PBS itself, not through PVE.
    if (storage.pbs && directPbsServers.has(storage.pbs.server)) continue
    // pve-storage check_volume_access: a backup volume is listed with Datastore.Allocate, or
    // with Datastore.AllocateSpace plus VM.Backup on its guest; otherwise silently left out.
    if (c.has(path, 'Datastore.Allocate')) continue
    if (c.has(path, 'Datastore.AllocateSpace')) backupNeeded = true
    else c.lacks(path, 'Datastore.AllocateSpace', 'PVE lists no backups there')
  }
  if (backupNeeded) {
    perPath(
      c,
      [...new Set(facts.guests.map((g) => g.vmid))].sort((a, b) => a - b).map((v) => `/vms/${v}`),
      'VM.Backup',
      {
        path: '/vms',
        consequence: 'PVE lists no backups on storages where it lacks Datastore.Allocate',
      },
      "PVE lists none of this guest's backups on storages where it lacks Datastore.Allocate",
    )
  }
  return c.missing
}

function pbsMissing(
  facts: PbsFacts,
  tree: PermissionTree,
  tokenId: string,
): TokenPermissions['missing'] {
  const c = checker(tree, PBS_DEFAULT_PATHS, tokenId)
  // With Datastore.Backup alone, PBS lists only the groups the token owns: PVE's are owned by
  // the PVE storage's user, so that is usually none.
  for (const { store, namespaces } of facts.datastores) {
    const root = `/datastore/${store}`
    if (!c.has(root, 'Datastore.Audit')) {
      c.lacks(root, 'Datastore.Audit', 'PBS lists only the backup groups the token owns there')
      continue
    }
    for (const ns of namespaces) {
      if (ns !== '' && !c.has(`${root}/${ns}`, 'Datastore.Audit'))
        c.lacks(
          `${root}/${ns}`,
          'Datastore.Audit',
          'PBS lists only the backup groups the token owns in this namespace',
        )
    }
  }
  return c.missing
}

/** The heuristic, when the permissions could not be read: by its warning in the facts. */
function inferred(facts: SourceFacts, tokenId: string): TokenPermissions['missing'] {
  if (facts.kind !== 'pve' || !facts.warnings.includes(TOKEN_PRIVILEGE_WARNING)) return []
  return [
    {
      path: '/storage',
      privilege: 'Datastore.AllocateSpace',
      message: `${tokenId} most likely lacks Datastore.AllocateSpace (with VM.Backup) or Datastore.Allocate on the backup storages: PVE lists no backups although vzdump jobs succeeded`,
    },
  ]
}

/** The source's permissions part of /api/status; undefined until they were first checked. */
export function tokenPermissions(
  facts: SourceFacts | null,
  tokenId: string,
  directPbsServers: ReadonlySet<string>,
): TokenPermissions | undefined {
  const known = facts?.permissions
  if (!facts || !known) return undefined
  if (!known.paths) return { checked: false, tokenId, missing: inferred(facts, tokenId) }
  const missing =
    facts.kind === 'pve'
      ? pveMissing(facts, known.paths, tokenId, directPbsServers)
      : pbsMissing(facts, known.paths, tokenId)
  return { checked: true, tokenId, missing }
}

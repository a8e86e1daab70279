// Missing privileges by name, from /access/permissions answers in both products' semantics:
// the privileges in effect on a path that is not in the answer (propagate flags, a deeper ACL
// replacing a higher one, default paths), each privilege Pulse Edge needs named with its
// consequence, and the fallback when the call was refused.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PveFacts, TokenPermissionsFact } from '../../../../functions/collect/facts.ts'
import { TOKEN_PRIVILEGE_WARNING } from '../../../../functions/collect/pve.ts'
import { privilegesAt, tokenPermissions } from '../../../../functions/refresh/missing-privileges.ts'
import { type AclEntry, effectivePrivileges, permissionsAnswer } from '../../../lab/acl.ts'
import {
  makeGuest,
  makePbsFacts,
  makePbsStorage,
  makePveFacts,
  NOW,
} from '../normalize/builders.ts'

const PVE_DEFAULTS = new Set([
  '/',
  '/access',
  '/access/groups',
  '/nodes',
  '/pool',
  '/sdn',
  '/storage',
  '/vms',
])
const TOKEN = 'monitor@pve!pulse'
const MONITOR = ['Datastore.AllocateSpace', 'Datastore.Audit', 'Sys.Audit', 'VM.Audit', 'VM.Backup']

const tree = (paths: Record<string, Record<string, boolean>>): TokenPermissionsFact => ({
  checkedAt: NOW,
  paths,
})
const grant = (privileges: string[], propagate = true) =>
  Object.fromEntries(privileges.map((p) => [p, propagate]))

const cluster = (permissions: TokenPermissionsFact, overrides: Partial<PveFacts> = {}) =>
  makePveFacts({
    nodes: [
      { name: 'pve1', online: true },
      { name: 'pve2', online: true },
    ],
    guests: [makeGuest({ vmid: 100 }), makeGuest({ vmid: 101 })],
    storages: [
      { storage: 'local', type: 'dir', shared: false },
      { storage: 'nas', type: 'nfs', shared: true },
    ],
    permissions,
    ...overrides,
  })

const missingOf = (facts: PveFacts, direct: ReadonlySet<string> = new Set()) =>
  tokenPermissions(facts, TOKEN, direct)?.missing.map((m) => m.message)

describe('privileges in effect on a path', () => {
  const answer = {
    '/': grant(['Sys.Audit', 'VM.Audit']),
    '/storage': grant(['Sys.Audit', 'VM.Audit']),
    '/storage/nas': grant(['Datastore.Audit'], false),
    '/vms/100': grant(['VM.Backup']),
  }

  it('takes a listed path as it is, propagating or not', () => {
    expect(privilegesAt(answer, '/storage/nas', PVE_DEFAULTS)).toEqual(new Set(['Datastore.Audit']))
    expect(privilegesAt(answer, '/vms/100', PVE_DEFAULTS)).toEqual(new Set(['VM.Backup']))
  })

  it('gives an unlisted path what propagates from its nearest listed ancestor', () => {
    expect(privilegesAt(answer, '/storage/local', PVE_DEFAULTS)).toEqual(
      new Set(['Sys.Audit', 'VM.Audit']),
    )
    // Below a path whose privileges all stop there, what reached it from above goes on.
    expect(privilegesAt(answer, '/storage/nas/sub', PVE_DEFAULTS)).toEqual(
      new Set(['Sys.Audit', 'VM.Audit']),
    )
  })

  it('treats a default path missing from the answer as having nothing', () => {
    // `/vms` is always answered when the token has anything there: its absence means none,
    // so `/vms/101` inherits nothing from `/`.
    expect(privilegesAt(answer, '/vms', PVE_DEFAULTS)).toEqual(new Set())
    expect(privilegesAt(answer, '/vms/101', PVE_DEFAULTS)).toEqual(new Set())
  })

  // The lab resolves ACL entries the way pve-access-control and PBS do (deepest applicable
  // entry wins, only propagating ones pass below); reading its answer back must agree.
  it('agrees with the ACL model for any set of grants', () => {
    const privilege = fc.constantFrom(
      'Datastore.Audit',
      'Datastore.AllocateSpace',
      'Sys.Audit',
      'VM.Backup',
    )
    const path = fc.constantFrom(
      '/',
      '/storage',
      '/storage/local',
      '/storage/nas',
      '/vms',
      '/vms/100',
      '/nodes/pve1',
    )
    const entry = fc.record({
      path,
      privileges: fc.uniqueArray(privilege, { minLength: 1, maxLength: 3 }),
      propagate: fc.boolean(),
    })
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (e) => e.path, maxLength: 5 }),
        (acl: AclEntry[]) => {
          const answered = Object.fromEntries(
            Object.entries(permissionsAnswer(acl, 'pve', null)).map(([p, privs]) => [
              p,
              Object.fromEntries(Object.entries(privs).map(([k, v]) => [k, v === 1])),
            ]),
          )
          for (const p of [
            '/storage/local',
            '/storage/nas/x',
            '/vms/100',
            '/vms/101',
            '/nodes/pve1',
            '/nodes/pve2',
          ]) {
            expect(privilegesAt(answered, p, PVE_DEFAULTS), p).toEqual(
              new Set(effectivePrivileges(acl, p).keys()),
            )
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('missing privileges of a PVE token', () => {
  it('names nothing when the role is granted on / with propagation', () => {
    const facts = cluster(
      tree({
        '/': grant(MONITOR),
        '/storage': grant(MONITOR),
        '/vms': grant(MONITOR),
        '/nodes': grant(MONITOR),
      }),
    )
    expect(tokenPermissions(facts, TOKEN, new Set())).toEqual({
      checked: true,
      tokenId: TOKEN,
      missing: [],
    })
  })

  it('names Datastore.AllocateSpace on the one storage without it', () => {
    const facts = cluster(
      tree({
        '/': grant(MONITOR),
        '/storage': grant(MONITOR),
        '/vms': grant(MONITOR),
        '/nodes': grant(MONITOR),
        '/storage/local': grant(['Datastore.Audit']),
      }),
    )
    expect(tokenPermissions(facts, TOKEN, new Set())?.missing).toEqual([
      {
        path: '/storage/local',
        privilege: 'Datastore.AllocateSpace',
        message:
          'monitor@pve!pulse lacks Datastore.AllocateSpace on /storage/local: PVE lists no backups there',
      },
    ])
  })

  it('names every privilege an auditor-only token lacks, each with its consequence', () => {
    const audit = ['Datastore.Audit', 'Sys.Audit', 'VM.Audit']
    const facts = cluster(
      tree({
        '/': grant(audit),
        '/storage': grant(audit),
        '/vms': grant(audit),
        '/nodes': grant(audit),
      }),
    )
    expect(missingOf(facts)).toEqual([
      'monitor@pve!pulse lacks Datastore.AllocateSpace on /storage/local: PVE lists no backups there',
      'monitor@pve!pulse lacks Datastore.AllocateSpace on /storage/nas: PVE lists no backups there',
    ])
  })

  it('names Sys.Audit, VM.Audit and Datastore.Audit where they are missing', () => {
    const facts = cluster(
      tree({
        '/storage': grant(['Datastore.AllocateSpace', 'Datastore.Allocate']),
        '/nodes/pve2': grant(['Sys.Audit']),
      }),
    )
    expect(missingOf(facts)).toEqual([
      'monitor@pve!pulse lacks Sys.Audit on /: PVE shows neither the cluster status nor which guests no job covers',
      "monitor@pve!pulse lacks Sys.Audit on /nodes/pve1: PVE lists only the token's own tasks there, not the scheduled backup runs",
      'monitor@pve!pulse lacks VM.Audit on /vms: PVE hides every guest it is not granted on, with its snapshots',
      'monitor@pve!pulse lacks Datastore.Audit on /storage/local: PVE reports neither its usage nor where it is active, so its backups are not listed',
      'monitor@pve!pulse lacks Datastore.Audit on /storage/nas: PVE reports neither its usage nor where it is active, so its backups are not listed',
    ])
  })

  it('names VM.Backup once on /vms when no guest has it, else per guest', () => {
    const noBackup = ['Datastore.AllocateSpace', 'Datastore.Audit', 'Sys.Audit', 'VM.Audit']
    const none = cluster(
      tree({
        '/': grant(noBackup),
        '/storage': grant(noBackup),
        '/vms': grant(noBackup),
        '/nodes': grant(noBackup),
      }),
    )
    expect(missingOf(none)).toEqual([
      'monitor@pve!pulse lacks VM.Backup on /vms: PVE lists no backups on storages where it lacks Datastore.Allocate',
    ])
    const one = cluster(
      tree({
        '/': grant(noBackup),
        '/storage': grant(noBackup),
        '/vms': grant(noBackup),
        '/nodes': grant(noBackup),
        '/vms/100': grant(MONITOR),
      }),
    )
    expect(missingOf(one)).toEqual([
      "monitor@pve!pulse lacks VM.Backup on /vms/101: PVE lists none of this guest's backups on storages where it lacks Datastore.Allocate",
    ])
    // Datastore.Allocate alone shows every backup: VM.Backup is then not needed.
    const allocate = [...noBackup, 'Datastore.Allocate']
    const owner = cluster(
      tree({
        '/': grant(allocate),
        '/storage': grant(allocate),
        '/vms': grant(allocate),
        '/nodes': grant(allocate),
      }),
    )
    expect(missingOf(owner)).toEqual([])
  })

  it('does not ask for listing privileges on a pbs storage whose PBS is read directly', () => {
    const audit = ['Datastore.Audit', 'Sys.Audit', 'VM.Audit']
    const facts = cluster(
      tree({
        '/': grant(audit),
        '/storage': grant(audit),
        '/vms': grant(audit),
        '/nodes': grant(audit),
      }),
      {
        storages: [makePbsStorage()],
      },
    )
    expect(missingOf(facts, new Set(['pbs.lan']))).toEqual([])
    expect(missingOf(facts)).toEqual([
      'monitor@pve!pulse lacks Datastore.AllocateSpace on /storage/pbs-main: PVE lists no backups there',
    ])
  })

  it('falls back to the heuristic when the call was refused, and says nothing before a check', () => {
    const refused: TokenPermissionsFact = {
      checkedAt: NOW,
      paths: null,
      error: 'x: permission denied (403)',
      refused: true,
    }
    expect(tokenPermissions(cluster(refused), TOKEN, new Set())).toEqual({
      checked: false,
      tokenId: TOKEN,
      missing: [],
    })
    const inferred = tokenPermissions(
      cluster(refused, { warnings: [TOKEN_PRIVILEGE_WARNING] }),
      TOKEN,
      new Set(),
    )
    expect(inferred?.checked).toBe(false)
    expect(inferred?.missing.map((m) => [m.path, m.privilege])).toEqual([
      ['/storage', 'Datastore.AllocateSpace'],
    ])
    const { permissions: _, ...unchecked } = cluster(refused)
    expect(tokenPermissions(unchecked, TOKEN, new Set())).toBeUndefined()
    expect(tokenPermissions(null, TOKEN, new Set())).toBeUndefined()
  })
})

describe('missing privileges of a PBS token', () => {
  const pbs = (paths: Record<string, Record<string, boolean>>) =>
    makePbsFacts({
      datastores: [
        { store: 'store1', namespaces: ['', 'office', 'office/old'] },
        { store: 'store2', namespaces: [''] },
      ],
      permissions: tree(paths),
    })

  it('names Datastore.Audit per store, or per namespace where only that one lacks it', () => {
    const facts = pbs({
      '/datastore': grant(['Datastore.Audit']),
      '/datastore/store1/office': grant(['Datastore.Backup']),
      '/datastore/store2': grant(['Datastore.Backup']),
    })
    expect(
      tokenPermissions(facts, 'monitor@pbs!pulse', new Set())?.missing.map((m) => m.message),
    ).toEqual([
      'monitor@pbs!pulse lacks Datastore.Audit on /datastore/store1/office: PBS lists only the backup groups the token owns in this namespace',
      'monitor@pbs!pulse lacks Datastore.Audit on /datastore/store1/office/old: PBS lists only the backup groups the token owns in this namespace',
      'monitor@pbs!pulse lacks Datastore.Audit on /datastore/store2: PBS lists only the backup groups the token owns there',
    ])
  })
})

// GET /access/permissions on PVE and PBS: the calling token's privileges from its lab ACL
// (acl.ts), in each product's shape. Asking for another user's or token's needs Sys.Audit on
// /access (PBS: the same), as both products check it.
import { allows, permissionsAnswer } from './acl.ts'
import type { PbsContext } from './pbs-routes.ts'
import type { PveContext } from './pve-context.ts'
import { fail, ok } from './respond.ts'
import type { Route } from './router.ts'

export const pveAccessRoutes: Route<PveContext>[] = [
  {
    pattern: '/access/permissions',
    handle: (ctx, _p, query) => {
      const userid = query.get('userid')
      if (userid && userid !== ctx.tokenId && !allows(ctx.acl, '/access', 'Sys.Audit'))
        return fail(403, 'Permission check failed (/access, Sys.Audit)')
      return ok(
        permissionsAnswer(
          userid && userid !== ctx.tokenId ? [] : ctx.acl,
          'pve',
          query.get('path'),
        ),
      )
    },
  },
]

export const pbsAccessRoutes: Route<PbsContext>[] = [
  {
    pattern: '/access/permissions',
    handle: (ctx, _p, query) => {
      const authId = query.get('auth-id')
      if (authId && authId !== ctx.server.tokenId && !allows(ctx.acl, '/access', 'Sys.Audit'))
        return fail(400, `not allowed to list permissions of ${authId}`)
      return ok(
        permissionsAnswer(
          authId && authId !== ctx.server.tokenId ? [] : ctx.acl,
          'pbs',
          query.get('path'),
        ),
      )
    },
  },
]

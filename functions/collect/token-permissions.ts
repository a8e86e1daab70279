// What the token may do, read with one GET /access/permissions (the whole tree in one answer,
// on PVE and PBS alike), so a missing privilege is named instead of guessed at. Privileges
// change rarely: the answer is kept in the facts and asked again once it is an hour old, on a
// manual refresh (someone who just fixed an ACL wants to see it), or on the next refresh after
// a call that failed for a passing reason. A refused call (403) degrades to a warning, and the
// source's fallback heuristics stand in for it until the next check.

import { PermissionTreeSchema, readPermissionTree } from '../proxmox/access-schemas.ts'
import type { ProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import type { TokenPermissionsFact } from './facts.ts'
import type { Trouble } from './trouble.ts'

export const PERMISSIONS_RECHECK_SECONDS = 3600

export interface PermissionsContext {
  client: ProxmoxClient
  now: number
  previous: TokenPermissionsFact | undefined
  /** Ask again whatever the age of the previous answer. */
  recheck?: boolean
}

export function permissionsDue(ctx: Omit<PermissionsContext, 'client'>): boolean {
  const { previous, now } = ctx
  if (ctx.recheck || !previous) return true
  if (previous.paths === null && !previous.refused) return true
  return now - previous.checkedAt >= PERMISSIONS_RECHECK_SECONDS || previous.checkedAt > now
}

async function ask(ctx: PermissionsContext, trouble: Trouble): Promise<TokenPermissionsFact> {
  try {
    // Part of the base, which decides every request after it: the `opens` lane.
    const raw = await ctx.client.get('/access/permissions', PermissionTreeSchema, undefined, {
      opens: true,
    })
    const { paths, dropped } = readPermissionTree(raw)
    if (dropped > 0) {
      trouble.warnings.push(
        `${dropped} of ${Object.keys(raw).length} paths in /access/permissions dropped: unreadable privileges`,
      )
    }
    return { checkedAt: ctx.now, paths }
  } catch (error) {
    // Out of budget: the caller defers its base calls as a whole.
    if (!isProxmoxError(error) || error.kind === 'budget') throw error
    return {
      checkedAt: ctx.now,
      paths: null,
      error: error.message,
      ...(error.kind === 'permission' ? { refused: true } : {}),
    }
  }
}

/** The token's permissions, asked now or carried; a failed check adds its warning each run. */
export async function readTokenPermissions(
  ctx: PermissionsContext,
  trouble: Trouble,
): Promise<TokenPermissionsFact | undefined> {
  const fact = permissionsDue(ctx) ? await ask(ctx, trouble) : ctx.previous
  if (fact?.paths === null) {
    trouble.warnings.push(
      `${fact.error ?? 'GET /access/permissions failed'}; the token's privileges could not be read, so missing ones are only inferred`,
    )
  }
  return fact
}

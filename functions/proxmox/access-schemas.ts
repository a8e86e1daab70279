// GET /access/permissions, the same on PVE (pve-access-control) and PBS (proxmox-backup): the
// calling token's effective privileges as a map of ACL path → privilege → propagate flag. PVE
// writes the flag as 1/0, PBS as true/false; paths where the token has nothing are left out.
import * as z from 'zod'
import { perlBool } from './lenient.ts'

export const PermissionTreeSchema = z.record(z.string(), z.unknown())

const PrivilegesSchema = z.record(z.string(), perlBool)

/** The readable paths of an answer; `dropped` counts paths whose privileges made no sense. */
export function readPermissionTree(raw: Record<string, unknown>): {
  paths: Record<string, Record<string, boolean>>
  dropped: number
} {
  const paths: Record<string, Record<string, boolean>> = {}
  let dropped = 0
  for (const [path, privileges] of Object.entries(raw)) {
    const parsed = PrivilegesSchema.safeParse(privileges)
    if (path.startsWith('/') && parsed.success) paths[path] = parsed.data
    else dropped += 1
  }
  return { paths, dropped }
}

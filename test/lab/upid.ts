// PVE and PBS task ids (UPIDs) in the exact formats the real servers use.

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0')

export interface PveUpidParts {
  node: string
  pid: number
  pstart: number
  starttime: number
  type: string
  id: string
  user: string
}

export function pveUpid(p: PveUpidParts): string {
  return `UPID:${p.node}:${hex8(p.pid)}:${hex8(p.pstart)}:${hex8(p.starttime)}:${p.type}:${p.id}:${p.user}:`
}

export function parsePveUpid(upid: string): PveUpidParts | undefined {
  const m =
    /^UPID:([a-zA-Z0-9.-]+):([0-9A-F]{8}):([0-9A-F]{8,9}):([0-9A-F]{8}):([^:]+):([^:]*):([^:]+):$/.exec(
      upid,
    )
  if (!m) return undefined
  const [node, pid, pstart, starttime, type, id, user] = m.slice(1) as string[]
  return {
    node: node as string,
    pid: Number.parseInt(pid as string, 16),
    pstart: Number.parseInt(pstart as string, 16),
    starttime: Number.parseInt(starttime as string, 16),
    type: type as string,
    id: id as string,
    user: user as string,
  }
}

/** systemd-style escaping PBS applies to worker ids: `-` and `:` become `\x2d` and `\x3a`, `/` becomes `-`. */
export function pbsEscape(workerId: string): string {
  return workerId.replace(/-/g, '\\x2d').replace(/:/g, '\\x3a').replace(/\//g, '-')
}

export function pbsUpid(p: {
  node: string
  pid: number
  pstart: number
  taskId: number
  starttime: number
  type: string
  workerId: string
  authId: string
}): string {
  return `UPID:${p.node}:${hex8(p.pid)}:${hex8(p.pstart)}:${hex8(p.taskId)}:${hex8(p.starttime)}:${p.type}:${pbsEscape(p.workerId)}:${p.authId}:`
}

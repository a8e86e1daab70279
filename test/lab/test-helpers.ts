// Shared helpers for the lab tests: authenticated GETs per source kind.
import type { LabSource } from './model.ts'
import type { RunningLab } from './server.ts'

export const NOW = 1749405600

export function source(lab: RunningLab, id: string): LabSource {
  const s = lab.sources.find((x) => x.id === id)
  if (!s) throw new Error(`no source ${id}`)
  return s
}

export function pveAuth(s: LabSource): string {
  return `PVEAPIToken=${s.tokenId}=${s.tokenSecret}`
}

export function pbsAuth(s: LabSource): string {
  return `PBSAPIToken=${s.tokenId}:${s.tokenSecret}`
}

export function get(s: LabSource, path: string, authorization?: string): Promise<Response> {
  const auth = authorization ?? (s.kind === 'pve' ? pveAuth(s) : pbsAuth(s))
  return fetch(`${s.url}/api2/json${path}`, { headers: { authorization: auth } })
}

export async function data<T = Record<string, unknown>[]>(s: LabSource, path: string): Promise<T> {
  const res = await get(s, path)
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { data: T }).data
}

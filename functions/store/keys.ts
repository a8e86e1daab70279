// Every KV key of the read cache, versioned so a schema change can move to new keys. (Facts,
// status, schedule and webhook ids live in the coordinator's SQLite, not in KV.)
export const KV_INDEX_KEY = 'index/v1'

export function guestKvKey(cluster: string, vmid: number | string): string {
  return `guest/v1/${cluster}/${vmid}`
}

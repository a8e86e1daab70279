// Every KV key the Worker uses, versioned so a schema change can move to new keys.
export const KV_INDEX_KEY = 'index/v1'
export const KV_STATUS_KEY = 'status/v1'

export function guestKvKey(cluster: string, vmid: number | string): string {
  return `guest/v1/${cluster}/${vmid}`
}

export function factsKvKey(sourceId: string): string {
  return `facts/v1/${sourceId}`
}

/** When a webhook last started a refresh of this source (the minimum interval across isolates). */
export function hookLastRunKvKey(sourceId: string): string {
  return `hooks/v1/last-run/${sourceId}`
}

/** A Standard Webhooks message id already accepted (by digest: ids are sender-chosen text). */
export function hookSeenIdKvKey(idDigest: string): string {
  return `hooks/v1/seen/${idDigest}`
}

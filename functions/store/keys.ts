// Every KV key of the read cache, versioned so a schema change can move to new keys. (Facts,
// status, schedule and webhook ids live in the coordinator's SQLite, not in KV.)
export const KV_INDEX_KEY = 'index/v1'

export function guestKvKey(cluster: string, vmid: number | string): string {
  return `guest/v1/${cluster}/${vmid}`
}

/** GET /api/jobs: PVE backup jobs and PBS jobs. */
export const KV_JOBS_KEY = 'jobs/v1'
/** GET /api/storage: backup storages and PBS datastores. */
export const KV_STORAGE_KEY = 'storage/v1'
/** GET /api/alerts: the alerts firing and recently resolved (written after each evaluation). */
export const KV_ALERTS_KEY = 'alerts/v1'

/** An orphan's record; its key may hold `/`, which KV keys allow. */
export function orphanKvKey(key: string): string {
  return `orphan/v1/${key}`
}

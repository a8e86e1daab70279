// Writes guest records straight into KV, for badge tests that need ages and names the lab does
// not have. Records go through the shared schema, as a refresh would write them.
import type { Env } from '../../functions/env.ts'
import { guestKvKey } from '../../functions/store/keys.ts'
import { type GuestRecord, GuestRecordSchema } from '../../shared/schema/guest.ts'

type Times = Partial<GuestRecord['latestTimes']>

export async function putGuest(
  env: Env,
  cluster: string,
  vmid: number,
  times: Times,
  guestName: string | null = 'web01',
): Promise<GuestRecord> {
  const latestTimes = {
    pve: times.pve ?? null,
    pbs: times.pbs ?? null,
    snapshots: times.snapshots ?? null,
  }
  const backups = [latestTimes.pve, latestTimes.pbs].filter((t): t is number => t !== null)
  const record = GuestRecordSchema.parse({
    key: `${cluster}/${vmid}`,
    cluster,
    guestId: vmid,
    guestName,
    type: 'qemu',
    node: 'pve1',
    status: 'running',
    template: false,
    latestBackupTime: backups.length > 0 ? Math.max(...backups) : null,
    latestTimes,
    lastJob: null,
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: 0, pbs: 0, snapshots: 0 },
    backupDates: [],
    backups: [],
  })
  await env.PULSE_KV.put(guestKvKey(cluster, vmid), JSON.stringify(record))
  return record
}

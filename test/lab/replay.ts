// The lab as it looked at a moment of its past: its clock set back (`PUT /_lab/clock`), every
// source answers as of then — the backups and tasks made by that time, of the generated past
// (LabOptions.replayDays) only those still kept then (the lab's `days`: prune took the older),
// verifications done by then, no guest locked by a backup that runs only now, storage usage as
// much lower as it has grown since. So `npm run dev` can step the clock day by day over a year
// and let the Worker refresh at each step: history is written by the ordinary refresh pass.
import type { LabModel } from './model.ts'
import type { Guest, PbsDatastore, PbsGroup, PbsSnapshot, PveCluster } from './types.ts'

const DAY = 86_400

/** When the daily verify job verified a snapshot (generate-pbs.ts: a few hours after it). */
const verifiedAt = (snapshot: PbsSnapshot) => snapshot.time + 6 * 3600 - (snapshot.time % 3600)

function snapshotAt(snapshot: PbsSnapshot, at: number): PbsSnapshot {
  if (!snapshot.verification || verifiedAt(snapshot) <= at) return snapshot
  const { verification: _later, ...rest } = snapshot
  return rest
}

function guestAt(guest: Guest, at: number): Guest {
  const { lock, ...rest } = guest
  const snapshots = guest.snapshots.filter((s) => s.snaptime <= at)
  // A backup lock is one of the runs going on at the lab's own now.
  return { ...rest, ...(lock && lock !== 'backup' ? { lock } : {}), snapshots }
}

function clusterAt(model: LabModel, cluster: PveCluster, at: number, keepFrom: number) {
  const past = model.past?.clusters[cluster.id]
  const live = at >= model.now
  return {
    ...cluster,
    guests: live ? cluster.guests : cluster.guests.map((g) => guestAt(g, at)),
    archives: [
      ...(past?.archives ?? []).filter((a) => a.time >= keepFrom && a.time <= at),
      ...cluster.archives.filter((a) => a.time <= at),
    ].sort((a, b) => a.time - b.time),
    tasks: [
      ...cluster.tasks.filter(
        (t) => t.starttime <= at && (t.endtime === undefined ? live : t.endtime <= at),
      ),
      ...(past?.tasks ?? []).filter(
        (t) => t.starttime >= keepFrom && t.endtime !== undefined && t.endtime <= at,
      ),
    ].sort((a, b) => b.starttime - a.starttime),
  }
}

function groupsAt(
  groups: readonly PbsGroup[],
  past: readonly PbsGroup[],
  at: number,
  keepFrom: number,
): PbsGroup[] {
  const byId = new Map<string, PbsGroup>()
  const id = (g: PbsGroup) => `${g.ns}\u0000${g.type}\u0000${g.id}`
  for (const g of past) {
    const snapshots = g.snapshots
      .filter((s) => s.time >= keepFrom && s.time <= at)
      .map((s) => snapshotAt(s, at))
    byId.set(id(g), { ...g, snapshots })
  }
  const out: PbsGroup[] = []
  for (const g of groups) {
    const older = byId.get(id(g))
    byId.delete(id(g))
    const snapshots = [
      ...(older?.snapshots ?? []),
      ...g.snapshots.filter((s) => s.time <= at).map((s) => snapshotAt(s, at)),
    ]
    if (snapshots.length > 0) out.push({ ...g, snapshots })
  }
  // Groups of the past only (none today, but a guest's group may be all pruned by now).
  for (const g of byId.values()) if (g.snapshots.length > 0) out.push(g)
  return out
}

/** Used bytes `back` seconds before the lab's now, at the rate it fills towards its full date. */
function usageAt(store: PbsDatastore, now: number, back: number): PbsDatastore['usage'] {
  const usage = store.usage
  if (!usage || back <= 0) return usage
  const perDay =
    store.estimatedFull !== undefined && store.estimatedFull > now
      ? (usage.total - usage.used) / ((store.estimatedFull - now) / DAY)
      : usage.used * 0.001
  const used = Math.max(
    Math.round(usage.used * 0.2),
    Math.round(usage.used - (perDay * back) / DAY),
  )
  return { ...usage, used, sampledAt: usage.sampledAt - back }
}

/** The model as of `at` (null: the lab's own now). Without a past and a clock: the model. */
export function labAt(model: LabModel, at: number | null): LabModel {
  if (at === null && !model.past) return model
  const t = at ?? model.now
  const keepFrom = t - model.days * DAY
  return {
    ...model,
    now: t,
    clusters: model.clusters.map((c) => clusterAt(model, c, t, keepFrom)),
    pbs: model.pbs.map((server) => ({
      ...server,
      datastores: server.datastores.map((d) => {
        const usage = usageAt(d, model.now, model.now - t)
        return {
          ...d,
          groups: groupsAt(d.groups, model.past?.datastores[d.store] ?? [], t, keepFrom),
          ...(usage ? { usage } : {}),
        }
      }),
    })),
  }
}

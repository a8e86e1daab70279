// Records each scheduled run a guest missed: the normalizer says `missed` once the run's deadline
// passed with no new backup on the job's storage; history keeps (guest, run) once, with the job
// that decided it and where that job writes, so the activity chart can count misses per day and
// type after the guest has long been backed up again.
import type { GuestRecord } from '../../shared/schema/guest.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { PveFacts } from '../collect/facts.ts'
import type { StateStore } from '../coordinator/state.ts'
import type { HistoryMiss } from './types.ts'

export function newMisses(
  state: StateStore,
  guests: readonly Pick<GuestRecord, 'key' | 'schedule'>[],
  jobs: JobsIndex,
  pve: readonly PveFacts[],
  /** Retention: none older, or it would be dropped again at once. */
  cutoff: number,
): HistoryMiss[] {
  const missed = guests.flatMap((g) =>
    g.schedule?.state === 'missed' &&
    g.schedule.previousRun !== null &&
    g.schedule.previousRun >= cutoff
      ? [{ key: g.key, schedule: g.schedule, run: g.schedule.previousRun }]
      : [],
  )
  if (missed.length === 0) return []
  const known = state.historyMissKeys(Math.min(...missed.map((m) => m.run)))
  const byKey = new Map(jobs.pve.map((job) => [job.key, job]))
  const storageTypes = new Map(
    pve.flatMap((f) => f.storages.map((s) => [`${f.sourceId}/${s.storage}`, s.type] as const)),
  )
  return missed
    .filter((m) => !known.has(`${m.key} ${m.run}`))
    .map((m): HistoryMiss => {
      // The job in the worst state is the one whose previous run decides the guest's.
      const job = m.schedule.jobs
        .map((key) => byKey.get(key))
        .find((j) => j !== undefined && j.previousRun === m.run)
      const type = job ? storageTypes.get(`${job.cluster}/${job.storage}`) : undefined
      return {
        key: m.key,
        run: m.run,
        since: m.schedule.missedSince ?? m.schedule.deadline ?? m.run,
        job: job?.key ?? null,
        kind: type === 'pbs' ? 'pbs' : 'pve',
      }
    })
}

// Every metric family GET /metrics exposes, defined once: name, type, help and labels. The
// exposition always lists all of them (HELP and TYPE even with no sample), so a scrape is
// self-describing, and the Grafana dashboard and the README are checked against this list.
// Label values are data (guest names can be anything); label names and metric names are ours.
import type { FamilySpec } from './exposition.ts'

/** The labels naming a guest on every per-guest series. `node` is only on the info series. */
const GUEST = ['cluster', 'vmid', 'name'] as const
const PVE_JOB = ['cluster', 'job'] as const
const PBS_JOB = ['source', 'kind', 'job', 'store'] as const
const STORAGE = ['cluster', 'storage', 'node'] as const
const DATASTORE = ['source', 'store'] as const
const SOURCE = ['source', 'kind'] as const

export const FAMILIES = {
  guestInfo: {
    name: 'pulse_edge_guest_info',
    type: 'gauge',
    help: 'A guest Pulse Edge watches (always 1), with its node, guest_type (qemu or lxc), template flag and pool; join on cluster and vmid.',
    labels: [...GUEST, 'node', 'guest_type', 'template', 'pool'],
  },
  backupTimestamp: {
    name: 'pulse_edge_backup_latest_timestamp_seconds',
    type: 'gauge',
    help: "Time of the guest's newest finished backup of this type (pve: vzdump archive, pbs: PBS snapshot, snapshot: guest snapshot); no sample when there is none.",
    labels: [...GUEST, 'type'],
  },
  backupAge: {
    name: 'pulse_edge_backup_age_seconds',
    type: 'gauge',
    help: 'Age at scrape time of the newest finished backup of this type; +Inf when the guest has none.',
    labels: [...GUEST, 'type'],
  },
  backupSize: {
    name: 'pulse_edge_backup_latest_size_bytes',
    type: 'gauge',
    help: 'Size of the newest finished backup of this type (pve or pbs; PBS sizes are logical, not deduplicated); no sample when unknown.',
    labels: [...GUEST, 'type'],
  },
  verificationOk: {
    name: 'pulse_edge_backup_verification_ok',
    type: 'gauge',
    help: "1 when the guest's newest PBS snapshot verified ok, 0 when its verification failed; no sample when it was never verified or there is no PBS snapshot.",
    labels: GUEST,
  },
  lastVerified: {
    name: 'pulse_edge_backup_last_verified_timestamp_seconds',
    type: 'gauge',
    help: "Time of the guest's newest PBS snapshot that verified ok; no sample when none did.",
    labels: GUEST,
  },
  scheduleState: {
    name: 'pulse_edge_backup_schedule_state',
    type: 'gauge',
    help: "Due or missed by Proxmox's backup job schedules: 1 for the guest's current state (ok, due or missed), 0 for the other two; no samples for a guest no enabled job covers.",
    labels: [...GUEST, 'state'],
  },
  guestAlertFiring: {
    name: 'pulse_edge_guest_alert_firing',
    type: 'gauge',
    help: 'An alert firing now about this guest (always 1), by rule and severity.',
    labels: [...GUEST, 'rule', 'severity'],
  },
  alertsFiring: {
    name: 'pulse_edge_alerts_firing',
    type: 'gauge',
    help: 'Alerts firing now about any subject (guests, jobs, storage, sources), by severity.',
    labels: ['severity'],
  },
  pveJobEnabled: {
    name: 'pulse_edge_pve_job_enabled',
    type: 'gauge',
    help: '1 when the PVE backup job is enabled, 0 when disabled.',
    labels: PVE_JOB,
  },
  pveJobLastRun: {
    name: 'pulse_edge_pve_job_last_run_timestamp_seconds',
    type: 'gauge',
    help: "When the PVE backup job's last run ended (when it started, while it runs); no sample before a run is seen.",
    labels: PVE_JOB,
  },
  pveJobSuccess: {
    name: 'pulse_edge_pve_job_last_run_success',
    type: 'gauge',
    help: "1 when the PVE backup job's last run ended OK, 0 when it failed or warned; no sample while it runs or before a run is seen.",
    labels: PVE_JOB,
  },
  pveJobFailedGuests: {
    name: 'pulse_edge_pve_job_last_run_failed_guests',
    type: 'gauge',
    help: "Guests that failed in the PVE backup job's last run; no sample before a run is seen.",
    labels: PVE_JOB,
  },
  pveJobNextRun: {
    name: 'pulse_edge_pve_job_next_run_timestamp_seconds',
    type: 'gauge',
    help: "PVE's next scheduled run of the backup job; no sample for a disabled job.",
    labels: PVE_JOB,
  },
  pbsJobLastRun: {
    name: 'pulse_edge_pbs_job_last_run_timestamp_seconds',
    type: 'gauge',
    help: "When the PBS job's last run ended (kind: verify, prune, sync or gc); no sample before a run.",
    labels: PBS_JOB,
  },
  pbsJobSuccess: {
    name: 'pulse_edge_pbs_job_last_run_success',
    type: 'gauge',
    help: "1 when the PBS job's last run state is OK, 0 for WARNINGS or an error; no sample while it runs or before a run.",
    labels: PBS_JOB,
  },
  pbsJobNextRun: {
    name: 'pulse_edge_pbs_job_next_run_timestamp_seconds',
    type: 'gauge',
    help: "PBS's next scheduled run of the job; no sample when it has none.",
    labels: PBS_JOB,
  },
  storageUsed: {
    name: 'pulse_edge_storage_used_bytes',
    type: 'gauge',
    help: 'Bytes used on a PVE backup storage (a shared storage once, node empty; a local one per node).',
    labels: STORAGE,
  },
  storageTotal: {
    name: 'pulse_edge_storage_total_bytes',
    type: 'gauge',
    help: 'Size of a PVE backup storage in bytes.',
    labels: STORAGE,
  },
  storageFull: {
    name: 'pulse_edge_storage_estimated_full_timestamp_seconds',
    type: 'gauge',
    help: "When the PVE backup storage will be full at its recent growth (least-squares fit of Pulse Edge's samples); no sample while unknown or not growing.",
    labels: STORAGE,
  },
  datastoreUsed: {
    name: 'pulse_edge_datastore_used_bytes',
    type: 'gauge',
    help: 'Bytes used on a PBS datastore.',
    labels: DATASTORE,
  },
  datastoreAvailable: {
    name: 'pulse_edge_datastore_available_bytes',
    type: 'gauge',
    help: 'Bytes PBS reports available on the datastore (not always total minus used).',
    labels: DATASTORE,
  },
  datastoreTotal: {
    name: 'pulse_edge_datastore_total_bytes',
    type: 'gauge',
    help: 'Size of a PBS datastore in bytes.',
    labels: DATASTORE,
  },
  datastoreFull: {
    name: 'pulse_edge_datastore_estimated_full_timestamp_seconds',
    type: 'gauge',
    help: "PBS's own estimated-full-date of the datastore; no sample when PBS has no estimate.",
    labels: DATASTORE,
  },
  sourceUp: {
    name: 'pulse_edge_source_up',
    type: 'gauge',
    help: "1 when the source's last refresh attempt succeeded, 0 when it failed (its last good data is still served) or none was made yet.",
    labels: SOURCE,
  },
  sourceLastSuccess: {
    name: 'pulse_edge_source_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'When the source was last refreshed successfully; no sample before the first success.',
    labels: SOURCE,
  },
  lastRefresh: {
    name: 'pulse_edge_last_refresh_timestamp_seconds',
    type: 'gauge',
    help: 'When the newest refresh pass finished; no sample before the first.',
    labels: [],
  },
  refreshes: {
    name: 'pulse_edge_refreshes_total',
    type: 'counter',
    help: 'Refresh passes the coordinator has run.',
    labels: [],
  },
  notificationsSent: {
    name: 'pulse_edge_notifications_sent_total',
    type: 'counter',
    help: 'Alert messages delivered to notification channels.',
    labels: [],
  },
} as const satisfies Record<string, FamilySpec>

export type FamilyId = keyof typeof FAMILIES
export type LabelOf<Id extends FamilyId> = (typeof FAMILIES)[Id]['labels'][number]

// The Jobs view (/api/jobs): each PVE backup job with its schedule, next run, storage, what it
// selects and covers now, and how its last run went (failed guests with their error text);
// each PBS verify / prune / sync / GC job with its state as PBS classified it. Problems first.
import { html, nothing, type TemplateResult } from 'lit-html'
import type {
  JobsIndex,
  PbsJob,
  PbsJobKind,
  PveBackupJob,
  PveJobSelection,
} from '../../shared/schema/jobs.ts'
import {
  errorState,
  loadingState,
  notListed,
  OUTCOME_RANK,
  outcome,
  reloadFailed,
  schedule,
  when,
} from './view-parts.ts'

export interface JobsState {
  jobs: JobsIndex | null
  error: string | null
  now: number
  /** Cluster id → its display name, from the guest index. */
  clusterNames: ReadonlyMap<string, string>
  /** Guest key → its label, for covered and failed guests. */
  guestNames: ReadonlyMap<string, string>
  /** The link opening a guest's drill-down in the current view. */
  guestHref: (key: string) => string
  onRetry: () => void
  /** The job an alert's link named (`?job=`): highlighted, and scrolled to by main.ts. */
  highlight?: string
}

export const PBS_KIND_TEXT: Record<PbsJobKind, string> = {
  verify: 'Verify',
  prune: 'Prune',
  sync: 'Sync',
  gc: 'Garbage collection',
}

/** What a job selects, in words: "all guests except 105 on node pve1". */
export function selectionText(s: PveJobSelection): string {
  const what =
    s.mode === 'all'
      ? 'all guests'
      : s.mode === 'pool'
        ? `pool ${s.pool ?? '(unnamed)'}`
        : s.vmids.length > 0
          ? `VMID ${s.vmids.join(', ')}`
          : 'no VMID'
  const except = s.exclude.length > 0 ? ` except ${s.exclude.join(', ')}` : ''
  const node = s.node ? ` on node ${s.node}` : ''
  return `${what}${except}${node}`
}

/** The highlighted row's attribute (styled, and found by main.ts to scroll to and focus). */
const mark = (key: string, state: JobsState) => (state.highlight === key ? 'true' : nothing)

function byProblem<T extends { key: string }>(outcomeOf: (j: T) => keyof typeof OUTCOME_RANK) {
  return (a: T, b: T) =>
    OUTCOME_RANK[outcomeOf(a)] - OUTCOME_RANK[outcomeOf(b)] || a.key.localeCompare(b.key)
}

function guestLink(key: string | null, vmid: number, state: JobsState): TemplateResult | string {
  if (key === null) return `${vmid} (no longer exists)`
  const name = state.guestNames.get(key)
  return html`<a href=${state.guestHref(key)} data-guest=${key}>${name ? `${name} (${vmid})` : String(vmid)}</a>`
}

function covers(job: PveBackupJob, state: JobsState): TemplateResult | string {
  if (job.covers.length === 0) return job.enabled ? 'no guest' : 'none (disabled)'
  return html`<details class="covers">
    <summary>${job.covers.length} guest(s)</summary>
    <ul>
      ${job.covers.map((key) => html`<li>${guestLink(key, Number(key.split('/')[1]), state)}</li>`)}
    </ul>
  </details>`
}

function lastRun(job: PveBackupJob, now: number): TemplateResult {
  const run = job.lastRun
  if (!run) return outcome('never')
  const time = run.end ?? run.start
  // "WARNINGS: 2" says what the outcome already does, but for its count.
  const warnings = /^WARNINGS: (\d+)$/.exec(run.status)
  const status =
    run.outcome === 'ok' || run.status === ''
      ? ''
      : warnings
        ? ` (${warnings[1]})`
        : `: ${run.status}`
  return html`${outcome(run.outcome, status)} ${when(time, now)}${
    run.matchedByTime
      ? html` <span class="note">started by hand on ${run.node} (matched by node and time)</span>`
      : html` <span class="note">on ${run.node}</span>`
  }`
}

function failedGuests(job: PveBackupJob, state: JobsState): TemplateResult | string {
  const failed = job.lastRun?.failed ?? []
  if (failed.length === 0) return '—'
  return html`<ul class="failed">
    ${failed.map(
      (f) =>
        html`<li data-vmid=${f.vmid}>${guestLink(f.key, f.vmid, state)}: <span class="reason">${f.error}</span></li>`,
    )}
  </ul>`
}

function pveRow(job: PveBackupJob, state: JobsState): TemplateResult {
  const { now } = state
  const cluster = state.clusterNames.get(job.cluster) ?? job.cluster
  const hl = mark(job.key, state)
  return html`<tr data-job=${job.key} data-outcome=${job.lastRun?.outcome ?? 'never'} data-highlight=${hl} tabindex=${hl === nothing ? nothing : '-1'}>
    <th scope="row">
      <span class="job-id">${job.id}</span>${job.enabled ? nothing : html` <span class="tag">disabled</span>`}
      <span class="note">cluster ${cluster}</span>${job.comment ? html` <span class="note">${job.comment}</span>` : nothing}
    </th>
    <td class="wrap">${schedule(job.schedule, 'node time')}</td>
    <td>${job.enabled ? when(job.nextRun, now) : 'disabled'}</td>
    <td>${job.storage ?? '—'}${job.mode ? html` <span class="note">${job.mode} mode</span>` : nothing}</td>
    <td class="wrap">${selectionText(job.selection)}</td>
    <td>${covers(job, state)}</td>
    <td>${lastRun(job, now)}</td>
    <td class="wrap">${failedGuests(job, state)}</td>
  </tr>`
}

function pbsState(job: PbsJob): TemplateResult {
  if (job.outcome === 'failed')
    return html`${outcome('failed')} <span class="reason note">${job.error ?? job.lastRunState ?? ''}</span>`
  if (job.outcome === 'warning') return outcome('warning', ` (${job.warnings})`)
  return outcome(job.outcome)
}

function pbsRow(job: PbsJob, state: JobsState): TemplateResult {
  const { now } = state
  const hl = mark(job.key, state)
  return html`<tr data-job=${job.key} data-outcome=${job.outcome} data-highlight=${hl} tabindex=${hl === nothing ? nothing : '-1'}>
    <th scope="row">
      <span class="job-id">${job.id}</span>${job.comment ? html` <span class="note">${job.comment}</span>` : nothing}
    </th>
    <td>${PBS_KIND_TEXT[job.kind]}</td>
    <td>${job.store} <span class="note">on ${job.source}</span></td>
    <td class="wrap">${schedule(job.schedule, 'server time')}</td>
    <td>${when(job.nextRun, now)}</td>
    <td>${when(job.lastRunEnd, now, 'never')}</td>
    <td class="wrap">${pbsState(job)}</td>
  </tr>`
}

function count(n: number, what: string): string {
  return `${n} ${what}`
}

/** One line over the tables: how many jobs, and how many whose last run needs a look. */
export function jobsSummary(jobs: JobsIndex): string {
  const pveFailed = jobs.pve.filter((j) => j.lastRun?.outcome === 'failed').length
  const pveWarn = jobs.pve.filter((j) => j.lastRun?.outcome === 'warning').length
  const disabled = jobs.pve.filter((j) => !j.enabled).length
  const pbsFailed = jobs.pbs.filter((j) => j.outcome === 'failed').length
  const pbsWarn = jobs.pbs.filter((j) => j.outcome === 'warning').length
  const parts = [
    `${count(jobs.pve.length, 'PVE backup job(s)')}${disabled ? ` (${disabled} disabled)` : ''}: last run failed for ${pveFailed}, warnings for ${pveWarn}`,
    `${count(jobs.pbs.length, 'PBS job(s)')}: failed ${pbsFailed}, warnings ${pbsWarn}`,
  ]
  return `${parts.join(' · ')}.`
}

const PVE_HEADERS = [
  'Job',
  'Schedule',
  'Next run',
  'Storage',
  'Selects',
  'Covers now',
  'Last run',
  'Failed guests',
]
const PBS_HEADERS = ['Job', 'Kind', 'Datastore', 'Schedule', 'Next run', 'Last run', 'State']

const heads = (headers: readonly string[]) =>
  html`<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>`

export function jobsView(state: JobsState): TemplateResult {
  const { jobs } = state
  let content: TemplateResult
  if (state.error && !jobs)
    content = errorState(`Cannot load the jobs: ${state.error}`, state.onRetry)
  else if (!jobs) content = loadingState('Loading jobs…')
  else {
    const pve = [...jobs.pve].sort(byProblem((j) => j.lastRun?.outcome ?? 'never'))
    const pbs = [...jobs.pbs].sort(byProblem((j) => j.outcome))
    const keys = [...pve, ...pbs].map((j) => j.key)
    content = html`${reloadFailed(state.error)}${notListed('job', state.highlight, keys)}<p class="view-summary">${jobsSummary(jobs)}</p>
      <h3>Proxmox VE backup jobs (${pve.length})</h3>
      ${
        pve.length === 0
          ? html`<p class="placeholder">No PVE backup job is known (Datacenter → Backup).</p>`
          : html`<div class="scroll">
            <table class="view-table pve-jobs">
              <caption class="sr-only">PVE backup jobs, failed last runs first</caption>
              ${heads(PVE_HEADERS)}
              <tbody>${pve.map((j) => pveRow(j, state))}</tbody>
            </table>
          </div>`
      }
      <h3>Proxmox Backup Server jobs (${pbs.length})</h3>
      ${
        pbs.length === 0
          ? html`<p class="placeholder">No PBS verify, prune, sync or garbage-collection job is known.</p>`
          : html`<div class="scroll">
            <table class="view-table pbs-jobs">
              <caption class="sr-only">PBS jobs, failed last runs first</caption>
              ${heads(PBS_HEADERS)}
              <tbody>${pbs.map((j) => pbsRow(j, state))}</tbody>
            </table>
          </div>`
      }`
  }
  return html`<section class="view jobs-view" aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Backup jobs</h2>
    ${content}
  </section>`
}

// The Storage view (/api/storage): PBS datastores (usage, PBS's own full estimate, maintenance,
// held snapshots, mount state, backend, garbage collection and the store's PBS jobs) and PVE
// backup storages (usage, the coordinator's full estimate, active). Stores that are not being
// read lead the page, with why and since when.
import { html, nothing, type TemplateResult } from 'lit-html'
import type { JobsIndex, PbsJob } from '../../shared/schema/jobs.ts'
import type { BackupStorage, Datastore, StorageIndex } from '../../shared/schema/storage.ts'
import {
  formatBytes,
  formatLocalDate,
  formatLocalTime,
  formatShortTime,
  relativeTime,
} from './format.ts'
import { PBS_KIND_TEXT } from './jobs-view.ts'
import { storageTrendsSection, type TrendsState } from './storage-trends.ts'
import { errorState, loadingState, notListed, outcome, reloadFailed, when } from './view-parts.ts'

export interface StorageState {
  storage: StorageIndex | null
  /** For each datastore's verify / prune / sync states; null while not loaded. */
  jobs: JobsIndex | null
  error: string | null
  now: number
  clusterNames: ReadonlyMap<string, string>
  onRetry: () => void
  /** The datastore or storage an alert's link named (`?store=`): highlighted and scrolled to. */
  highlight?: string
  /** Usage over time (its own endpoint); absent, the view shows only today's. */
  trends?: TrendsState
}

/** The highlighted row's attribute (styled, and found by main.ts to scroll to and focus). */
const mark = (key: string, state: StorageState) => (state.highlight === key ? 'true' : nothing)

const DAY = 86_400
/** An estimated-full date this close is a warning, and this close a problem. */
const FULL_WARN_DAYS = 30
const FULL_BAD_DAYS = 7

function usage(used: number | null, total: number | null, avail: number | null): TemplateResult {
  if (used === null || total === null || total <= 0)
    return html` <span class="note">${used !== null ? `${formatBytes(used)} used, total unknown` : 'not reported'}</span>`
  const fraction = Math.min(1, Math.max(0, used / total))
  const percent = Math.round(fraction * 100)
  const free = avail ?? Math.max(0, total - used)
  return html`<div class="usage">
    <meter min="0" max="1" low="0.8" high="0.9" optimum="0" value=${fraction} aria-label=${`${percent}% used`}></meter>
    <span class="pct" data-percent=${percent}>${percent}%</span>
  </div>
  <span class="note">${formatBytes(used)} of ${formatBytes(total)} · ${formatBytes(free)} free</span>`
}

function estimatedFull(time: number | null, now: number, none: string): TemplateResult {
  if (time === null) return html` <span class="note">${none}</span>`
  const days = (time - now) / DAY
  const level = days <= FULL_BAD_DAYS ? 'bad' : days <= FULL_WARN_DAYS ? 'warn' : 'ok'
  return html`<span class="full-${level}" data-full=${level} title=${formatLocalTime(time)}>${formatLocalDate(time)}</span>
    <span class="rel">${time > now ? relativeTime(time, now) : 'any time now'}</span>`
}

/** "(offline): “Replacing a disk”, since Nov 30, 01:54 AM EST (2d ago)". */
function maintenanceText(ds: Datastore, now: number): string {
  const m = ds.maintenance
  if (!m) return ''
  return `(${m.type})${m.message ? `: “${m.message}”` : ''}, since ${formatShortTime(m.since, now)} (${relativeTime(m.since, now)})`
}

/** Why and since when its snapshots are the last good ones; the reason once, if maintenance
 * already says it. */
function heldText(ds: Datastore, now: number): string {
  const held = ds.held
  if (!held) return ''
  const since = `last good data from ${formatShortTime(held.since, now)} (${relativeTime(held.since, now)})`
  return ds.maintenance ? since : `${held.reason}; ${since}`
}

function dsState(ds: Datastore, now: number): TemplateResult {
  const parts: TemplateResult[] = []
  if (ds.maintenance)
    parts.push(
      html`<span class="badge bad">maintenance</span> <span class="reason">${maintenanceText(ds, now)}</span>`,
    )
  if (ds.held)
    parts.push(
      html`<span class="badge warn" data-held="true">held</span> <span class="reason">${heldText(ds, now)}</span>`,
    )
  if (ds.mountStatus === 'notmounted')
    parts.push(
      html`<span class="badge bad">not mounted</span> <span class="reason">a removable store: its snapshots cannot be read until it is mounted</span>`,
    )
  if (ds.error)
    parts.push(html`<span class="badge bad">error</span> <span class="reason">${ds.error}</span>`)
  if (parts.length === 0) return html`<span class="badge ok">ok</span>`
  return html`${parts.map((p) => html`<div>${p}</div>`)}`
}

const MOUNT_TEXT: Record<string, string> = {
  mounted: 'mounted',
  notmounted: 'not mounted',
  nonremovable: 'not removable',
}

function mount(status: string | null): string {
  if (status === null) return '—'
  // A store that is not mounted says so in its State too.
  return MOUNT_TEXT[status] ?? status
}

function backend(type: string | null): string {
  if (type === null) return '—'
  return type === 's3' ? 'S3 (object storage)' : type
}

/** Where the store lives: its backend, and for a removable one whether it is mounted. */
function kind(ds: Datastore): TemplateResult {
  return html`${backend(ds.backend)}${ds.mountStatus !== null ? html` <span class="note">${mount(ds.mountStatus)}</span>` : nothing}`
}

function gc(ds: Datastore, now: number): TemplateResult | string {
  const g = ds.gc
  if (!g) return '—'
  const bytes = [
    g.removedBytes !== null ? `${formatBytes(g.removedBytes)} removed` : '',
    g.pendingBytes !== null ? `${formatBytes(g.pendingBytes)} pending` : '',
  ].filter(Boolean)
  const state = g.outcome === 'failed' && g.lastRunState ? `: ${g.lastRunState}` : ''
  return html`${outcome(g.outcome, state)} ${when(g.lastRunEnd, now, '')}${
    g.nextRun !== null
      ? html` <span class="note">next ${relativeTime(g.nextRun, now)}</span>`
      : nothing
  }${bytes.length ? html` <span class="note">${bytes.join(', ')}</span>` : nothing}`
}

function storeJobs(ds: Datastore, jobs: JobsIndex | null): TemplateResult | string {
  if (!jobs) return '…'
  const mine = jobs.pbs.filter(
    (j: PbsJob) => j.source === ds.source && j.store === ds.store && j.kind !== 'gc',
  )
  if (mine.length === 0) return 'none'
  return html`<ul class="store-jobs">
    ${mine.map((j) => html`<li>${PBS_KIND_TEXT[j.kind]} ${j.id}: ${outcome(j.outcome, j.outcome === 'warning' ? ` (${j.warnings})` : '')}</li>`)}
  </ul>`
}

function datastoreRow(ds: Datastore, state: StorageState): TemplateResult {
  const { now } = state
  const hl = mark(ds.key, state)
  return html`<tr
    data-store=${ds.key}
    data-maintenance=${ds.maintenance?.type ?? nothing}
    class=${ds.maintenance || ds.held ? 'not-read' : ''}
    data-highlight=${hl}
    tabindex=${hl === nothing ? nothing : '-1'}
  >
    <th scope="row">
      <span class="store-id">${ds.store}</span> <span class="note">on ${ds.source}</span>${ds.comment ? html` <span class="note">${ds.comment}</span>` : nothing}
    </th>
    <td>${usage(ds.used, ds.total, ds.avail)}</td>
    <td>${estimatedFull(ds.estimatedFull, now, 'no estimate from PBS')}</td>
    <td class="wrap state">${dsState(ds, now)}</td>
    <td class="kind">${kind(ds)}</td>
    <td>${gc(ds, now)}</td>
    <td class="wrap">${storeJobs(ds, state.jobs)}</td>
  </tr>`
}

function storageRow(s: BackupStorage, state: StorageState): TemplateResult {
  const { now } = state
  const cluster = state.clusterNames.get(s.cluster) ?? s.cluster
  const where = s.shared ? `shared by ${s.nodes.join(', ')}` : `on ${s.nodes.join(', ')}`
  const none = s.samples < 2 ? `no estimate yet (${s.samples} sample(s))` : 'not filling up'
  const hl = mark(s.key, state)
  return html`<tr data-storage=${s.key} data-highlight=${hl} tabindex=${hl === nothing ? nothing : '-1'}>
    <th scope="row">
      <span class="store-id">${s.storage}</span> <span class="note">cluster ${cluster}, ${where}</span>
    </th>
    <td>${s.type}</td>
    <td>${usage(s.used, s.total, null)}</td>
    <td>${estimatedFull(s.estimatedFull, now, none)}</td>
    <td>${s.active === null ? '—' : s.active ? 'active' : html`<span class="badge bad">inactive</span>`}</td>
  </tr>`
}

/** The stores whose snapshots are not being read now, said first and in words. */
function notRead(datastores: readonly Datastore[], now: number): TemplateResult | typeof nothing {
  const stores = datastores.filter((d) => d.maintenance || d.held)
  if (stores.length === 0) return nothing
  return html`<div class="callout warn not-read-list">
    <p><strong>${stores.length} datastore(s) not being read:</strong> their snapshots are shown as last seen, not as they are now.</p>
    <ul>
      ${stores.map(
        (d) =>
          html`<li data-store=${d.key}><strong>${d.source} / ${d.store}</strong>${d.maintenance ? ` is in maintenance ${maintenanceText(d, now)}.` : ''}${d.held ? ` Held: ${heldText(d, now)}.` : ''}</li>`,
      )}
    </ul>
  </div>`
}

const DS_HEADERS = [
  'Datastore',
  'Usage',
  'Estimated full',
  'State',
  'Backend / mount',
  'Garbage collection',
  'Jobs',
]
const PVE_HEADERS = ['Storage', 'Type', 'Usage', 'Estimated full', 'State']

const heads = (headers: readonly string[]) =>
  html`<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>`

export function storageView(state: StorageState): TemplateResult {
  const { storage, now } = state
  let content: TemplateResult
  if (state.error && !storage)
    content = errorState(`Cannot load the storage: ${state.error}`, state.onRetry)
  else if (!storage) content = loadingState('Loading storage…')
  else
    content = html`${reloadFailed(state.error)}${notListed(
      'datastore or storage',
      state.highlight,
      [...storage.datastores, ...storage.storages].map((s) => s.key),
    )}${notRead(storage.datastores, now)}
      <h3>Proxmox Backup Server datastores (${storage.datastores.length})</h3>
      ${
        storage.datastores.length === 0
          ? html`<p class="placeholder">No PBS datastore is known.</p>`
          : html`<div class="scroll">
            <table class="view-table datastores">
              <caption class="sr-only">PBS datastores: usage, estimated full date, maintenance, mount, backend, garbage collection and jobs</caption>
              ${heads(DS_HEADERS)}
              <tbody>${storage.datastores.map((d) => datastoreRow(d, state))}</tbody>
            </table>
          </div>`
      }
      <h3>Proxmox VE backup storages (${storage.storages.length})</h3>
      ${
        storage.storages.length === 0
          ? html`<p class="placeholder">No PVE storage that holds backups is known.</p>`
          : html`<div class="scroll">
            <table class="view-table storages">
              <caption class="sr-only">PVE backup storages: usage and estimated full date (a shared storage once)</caption>
              ${heads(PVE_HEADERS)}
              <tbody>${storage.storages.map((s) => storageRow(s, state))}</tbody>
            </table>
          </div>`
      }`
  return html`<section class="view storage-view" aria-labelledby="view-title">
    <h2 id="view-title" tabindex="-1">Storage</h2>
    ${content}${state.trends ? storageTrendsSection(state.trends) : nothing}
  </section>`
}

// Backups that belong to no current guest (orphans) and PBS snapshots that could belong to
// more than one cluster (ambiguous): shown apart, each with why, never mixed into guests' ages.
// Each orphan links to its drill-down.
import { html, nothing, type TemplateResult } from 'lit-html'
import { formatAge } from '../../shared/age.ts'
import type { Ambiguous, Orphan } from '../../shared/schema/guest.ts'
import { formatLocalTime, guestTypeLabel } from './format.ts'

export interface ExtrasState {
  orphans: readonly Orphan[]
  ambiguous: readonly Ambiguous[]
  now: number
  /** The link that opens an orphan's drill-down in the current view. */
  orphanHref: (key: string) => string
}

const newest = (time: number, now: number) =>
  `${formatLocalTime(time)} (${formatAge(now - time)} ago)`

function explained(
  id: string,
  title: string,
  caption: string,
  explanation: string,
  headers: readonly string[],
  rows: readonly TemplateResult[],
): TemplateResult {
  return html`<details class=${id} id=${id}>
    <summary>${title} (${rows.length})</summary>
    <p class="explain">${explanation}</p>
    ${
      rows.length > 0
        ? html`<div class="scroll">
          <table class="extra">
            <caption class="sr-only">${caption}</caption>
            <thead>
              <tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr>
            </thead>
            <tbody>${rows}</tbody>
          </table>
        </div>`
        : nothing
    }
  </details>`
}

function where(o: Orphan): string {
  const g = o.pbsGroup
  if (!g) return o.locations.join(', ')
  const owner = g.owner ? `, owner ${g.owner}` : ''
  return `${g.source} ${g.datastore}/${g.namespace || '(root)'}${owner}`
}

function orphanRow(o: Orphan, state: ExtrasState): TemplateResult {
  const id = String(o.guestId)
  return html`<tr data-orphan-key=${o.key ?? nothing}>
    <td>
      ${
        o.key
          ? html`<a href=${state.orphanHref(o.key)} data-orphan=${o.key}
            aria-label=${`Orphaned backups of ${id}${o.cluster ? ` in ${o.cluster}` : ''}: details`}
            >${id}</a
          >`
          : id
      }
    </td>
    <td>${o.cluster ?? (o.pbsGroup ? 'not attributable' : 'unknown')}</td>
    <td>${guestTypeLabel(o.type)}</td>
    <td>${newest(o.latestBackupTime, state.now)}</td>
    <td>${o.count}</td>
    <td>${where(o)}</td>
  </tr>`
}

export function extrasView(state: ExtrasState): TemplateResult {
  const { now } = state
  return html`<div class="extras">
    ${explained(
      'orphans',
      'Orphaned backups',
      'Backups of guests that no longer exist',
      'Backups of a VMID that no longer exists in its cluster: the guest was deleted, or it lives in a cluster Pulse Edge does not read. They use space and may be worth pruning; they never count towards a guest. Choose a VMID for its backups.',
      ['VMID', 'Cluster', 'Type', 'Newest', 'Count', 'Where'],
      state.orphans.map((o) => orphanRow(o, state)),
    )}
    ${explained(
      'ambiguous',
      'Ambiguous PBS snapshots',
      'PBS groups that could belong to more than one cluster',
      "PBS groups whose VMID exists in more than one cluster, with nothing (namespace, owner or mapping) saying which. They are not credited to any guest, so no guest looks newer than it is. Map them with the PBS source's clusterMap setting.",
      ['VMID', 'Type', 'Where', 'Could be', 'Newest', 'Count'],
      state.ambiguous.map(
        (a) => html`<tr>
          <td>${a.guestId}</td>
          <td>${guestTypeLabel(a.type)}</td>
          <td>${`${a.source} ${a.datastore}/${a.namespace || '(root)'}`}</td>
          <td>${a.candidates.join(', ')}</td>
          <td>${newest(a.latestBackupTime, now)}</td>
          <td>${a.count}</td>
        </tr>`,
      ),
    )}
  </div>`
}

// Backups that belong to no current guest (orphans) and PBS snapshots that could belong to
// more than one cluster (ambiguous): shown apart, each with why, never mixed into guests' ages.
import { formatAge } from '../../shared/age.ts'
import type { Ambiguous, Orphan } from '../../shared/schema/guest.ts'
import { el, scrollTable } from './dom.ts'
import { formatLocalTime, guestTypeLabel } from './format.ts'

function explained(
  id: string,
  title: string,
  explanation: string,
  headers: readonly string[],
  rows: string[][],
): HTMLElement {
  const box = el('details', undefined, id)
  box.id = id
  box.append(el('summary', `${title} (${rows.length})`), el('p', explanation, 'explain'))
  if (rows.length > 0) {
    const { wrap, tbody } = scrollTable('extra', headers)
    for (const r of rows) {
      const tr = el('tr')
      for (const cell of r) tr.append(el('td', cell))
      tbody.append(tr)
    }
    box.append(wrap)
  }
  return box
}

const newest = (time: number, now: number) =>
  `${formatLocalTime(time)} (${formatAge(now - time)} ago)`

export function renderExtras(
  orphans: readonly Orphan[],
  ambiguous: readonly Ambiguous[],
  now: number,
): HTMLElement {
  const root = el('div', undefined, 'extras')
  root.append(
    explained(
      'orphans',
      'Orphaned backups',
      'Backups of a VMID that no longer exists in its cluster: the guest was deleted, or it lives in a cluster Pulse Edge does not read. They use space and may be worth pruning; they never count towards a guest.',
      ['VMID', 'Cluster', 'Type', 'Newest', 'Count', 'Where'],
      orphans.map((o) => [
        String(o.guestId),
        o.cluster ?? 'unknown',
        guestTypeLabel(o.type),
        newest(o.latestBackupTime, now),
        String(o.count),
        o.locations.join(', '),
      ]),
    ),
    explained(
      'ambiguous',
      'Ambiguous PBS snapshots',
      "PBS groups whose VMID exists in more than one cluster, with nothing (namespace, owner or mapping) saying which. They are not credited to any guest, so no guest looks newer than it is. Map them with the PBS source's clusterMap setting.",
      ['VMID', 'Type', 'Where', 'Could be', 'Newest', 'Count'],
      ambiguous.map((a) => [
        String(a.guestId),
        guestTypeLabel(a.type),
        `${a.source} ${a.datastore}/${a.namespace || '(root)'}`,
        a.candidates.join(', '),
        newest(a.latestBackupTime, now),
        String(a.count),
      ]),
    ),
  )
  return root
}

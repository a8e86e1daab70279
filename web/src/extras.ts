// Backups that belong to no current guest (orphans) and PBS snapshots that could belong to
// more than one cluster (ambiguous): shown apart, each with why, never mixed into guests' ages.
import { formatAge } from '../../shared/age.ts'
import type { Ambiguous, Orphan } from '../../shared/schema/guest.ts'
import { el } from './dom.ts'
import { formatLocalTime } from './format.ts'

function table(headers: string[], rows: string[][]): HTMLElement {
  const wrap = el('div', undefined, 'scroll')
  const t = el('table', undefined, 'extra')
  const head = el('tr')
  for (const h of headers) {
    const th = el('th', h)
    th.scope = 'col'
    head.append(th)
  }
  const thead = el('thead')
  thead.append(head)
  const tbody = el('tbody')
  for (const r of rows) {
    const tr = el('tr')
    for (const cell of r) tr.append(el('td', cell))
    tbody.append(tr)
  }
  t.append(thead, tbody)
  wrap.append(t)
  return wrap
}

export function renderExtras(
  orphans: readonly Orphan[],
  ambiguous: readonly Ambiguous[],
  now: number,
): HTMLElement {
  const root = el('div', undefined, 'extras')
  const orphanBox = el('details', undefined, 'orphans')
  orphanBox.id = 'orphans'
  orphanBox.append(
    el('summary', `Orphaned backups (${orphans.length})`),
    el(
      'p',
      'Backups of a VMID that no longer exists in its cluster: the guest was deleted, or it lives in a cluster Pulse Edge does not read. They use space and may be worth pruning; they never count towards a guest.',
      'explain',
    ),
  )
  if (orphans.length > 0)
    orphanBox.append(
      table(
        ['VMID', 'Cluster', 'Type', 'Newest', 'Count', 'Where'],
        orphans.map((o) => [
          String(o.guestId),
          o.cluster ?? 'unknown',
          o.type === 'qemu' ? 'VM' : o.type === 'lxc' ? 'CT' : '—',
          `${formatLocalTime(o.latestBackupTime)} (${formatAge(now - o.latestBackupTime)} ago)`,
          String(o.count),
          o.locations.join(', '),
        ]),
      ),
    )
  const ambiguousBox = el('details', undefined, 'ambiguous')
  ambiguousBox.id = 'ambiguous'
  ambiguousBox.append(
    el('summary', `Ambiguous PBS snapshots (${ambiguous.length})`),
    el(
      'p',
      "PBS groups whose VMID exists in more than one cluster, with nothing (namespace, owner or mapping) saying which. They are not credited to any guest, so no guest looks newer than it is. Map them with the PBS source's clusterMap setting.",
      'explain',
    ),
  )
  if (ambiguous.length > 0)
    ambiguousBox.append(
      table(
        ['VMID', 'Type', 'Where', 'Could be', 'Newest', 'Count'],
        ambiguous.map((a) => [
          String(a.guestId),
          a.type === 'qemu' ? 'VM' : 'CT',
          `${a.source} ${a.datastore}/${a.namespace || '(root)'}`,
          a.candidates.join(', '),
          `${formatLocalTime(a.latestBackupTime)} (${formatAge(now - a.latestBackupTime)} ago)`,
          String(a.count),
        ]),
      ),
    )
  root.append(orphanBox, ambiguousBox)
  return root
}

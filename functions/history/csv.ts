// The inventory as CSV (RFC 4180): a header row, one row per guest, CRLF line ends, a field in
// double quotes when it holds a comma, a quote, a line break or edge spaces, quotes doubled. A
// text field that a spreadsheet would run as a formula (it begins with = + - @, a tab or a
// carriage return, or ' itself) is prefixed with ' (OWASP's advice on CSV injection): names, notes
// and error texts come from Proxmox and may come from anyone. Numbers are written as numbers.
import type { InventoryBackup, InventoryResponse } from '../../shared/schema/history.ts'

type Cell = string | number | boolean | null

/** A leading ' is guarded too, so a reader can always take exactly one off (as Excel does). */
const FORMULA_START = /^[=+\-@\t\r']/

export function csvField(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvField).join(',')
}

const iso = (time: number | null) =>
  time === null ? null : new Date(time * 1000).toISOString().replace('.000Z', 'Z')

const KINDS = ['pve', 'pbs', 'snapshot'] as const
const BACKUP_COLUMNS = [
  'time',
  'time_utc',
  'location',
  'node',
  'name',
  'size_bytes',
  'verification',
  'protected',
]

function backupCells(b: InventoryBackup | null): Cell[] {
  if (!b) return BACKUP_COLUMNS.map(() => null)
  return [b.time, iso(b.time), b.location, b.node, b.name, b.size, b.verification, b.protected]
}

export const INVENTORY_CSV_HEADER = [
  'key',
  'cluster',
  'vmid',
  'name',
  'type',
  'node',
  'pool',
  'tags',
  'orphan',
  'template',
  'jobs',
  'schedule',
  'last_job_outcome',
  'last_job_time',
  'last_job_error',
  ...KINDS.flatMap((kind) => BACKUP_COLUMNS.map((c) => `${kind}_${c}`)),
]

export function inventoryCsv(inventory: InventoryResponse): string {
  const lines = [csvRow(INVENTORY_CSV_HEADER)]
  for (const g of inventory.guests) {
    lines.push(
      csvRow([
        g.key,
        g.cluster,
        g.vmid,
        g.name,
        g.type,
        g.node,
        g.pool,
        g.tags.join(';'),
        g.orphan,
        g.template,
        g.jobs.join(' '),
        g.schedule,
        g.lastJob?.outcome ?? null,
        g.lastJob?.time ?? null,
        g.lastJob?.error ?? null,
        ...KINDS.flatMap((kind) => backupCells(g.newest[kind])),
      ]),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

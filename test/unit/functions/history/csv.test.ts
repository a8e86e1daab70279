// The inventory CSV: what a spreadsheet or an audit script reads back is exactly what was
// exported, whatever a guest is called; nothing in it runs as a formula.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvField, INVENTORY_CSV_HEADER, inventoryCsv } from '../../../../functions/history/csv.ts'
import { buildInventory } from '../../../../functions/history/inventory.ts'
import type { GuestSummary } from '../../../../shared/schema/guest.ts'
import { InventoryResponseSchema } from '../../../../shared/schema/history.ts'
import { readCsv } from './read-csv.ts'

const ODD_NAMES = [
  'plain',
  'with,comma',
  'with "quotes"',
  'two\nlines',
  'crlf\r\nname',
  ' padded ',
  '=HYPERLINK("http://x","click")',
  '+1',
  '-cmd',
  '@SUM(A1)',
  '<img src=x onerror=alert(1)>',
  'ünïcödé 名前',
  "'quoted",
  '',
]

function guest(vmid: number, name: string | null): GuestSummary {
  return {
    key: `homelab/${vmid}`,
    cluster: 'homelab',
    guestId: vmid,
    guestName: name,
    type: 'qemu',
    node: 'pve1',
    status: 'running',
    template: false,
    latestBackupTime: null,
    latestTimes: { pve: null, pbs: null, snapshots: null },
    lastJob: { outcome: 'failed', time: 1_749_000_000, node: 'pve1', error: 'a, "b"\nc' },
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: 0, pbs: 0, snapshots: 0 },
    tags: ['prod', 'db'],
    pool: null,
    schedule: null,
  }
}

/** What a reader gets back: the formula guard's leading ' taken off. */
const unguard = (text: string) => (/^'[=+\-@\t\r']/.test(text) ? text.slice(1) : text)

describe('the inventory as CSV', () => {
  it('reads back every odd guest name exactly, one record per guest', () => {
    const inventory = buildInventory(
      { guests: ODD_NAMES.map((name, i) => guest(100 + i, name)), orphans: [] },
      [
        {
          key: 'homelab/100',
          kind: 'pbs',
          time: 1_749_300_000,
          location: 'store1/homelab',
          node: null,
          name: 'vm/100/2025-06-07T12:40:00Z',
          size: 34_359_739_548,
          verification: 'ok',
          protected: true,
        },
      ],
      1_749_366_000,
    )
    expect(InventoryResponseSchema.safeParse(inventory).success).toBe(true)
    const csv = inventoryCsv(inventory)
    expect(csv.endsWith('\r\n')).toBe(true)
    const rows = readCsv(csv)
    expect(rows[0]).toEqual(INVENTORY_CSV_HEADER)
    expect(rows).toHaveLength(ODD_NAMES.length + 1)
    const column = (name: string) => INVENTORY_CSV_HEADER.indexOf(name)
    expect(rows.slice(1).map((r) => unguard(r[column('name')] ?? ''))).toEqual(ODD_NAMES)
    for (const r of rows) expect(r).toHaveLength(INVENTORY_CSV_HEADER.length)
    const first = rows[1] ?? []
    expect(first[column('pbs_time')]).toBe('1749300000')
    expect(first[column('pbs_time_utc')]).toBe('2025-06-07T12:40:00Z')
    expect(first[column('pbs_size_bytes')]).toBe('34359739548')
    expect(first[column('pbs_verification')]).toBe('ok')
    expect(first[column('pbs_protected')]).toBe('true')
    expect(first[column('pve_time')]).toBe('')
    expect(first[column('last_job_error')]).toBe('a, "b"\nc')
    expect(first[column('tags')]).toBe('prod;db')
  })

  it('never lets a cell start a formula', () => {
    for (const name of ['=1+1', '+1', '-2', '@A1', '\tx', '\rx', "'=1"]) {
      const cell = readCsv(`${csvField(name)}\r\n`)[0]?.[0] ?? ''
      expect(cell.startsWith("'")).toBe(true)
      expect(cell.slice(1)).toBe(name)
    }
    expect(csvField(-5)).toBe('-5')
  })

  it('round-trips any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }),
        (cells) => {
          const line = `${cells.map(csvField).join(',')}\r\n`
          expect(readCsv(line)[0]?.map(unguard)).toEqual(cells)
        },
      ),
    )
  })
})

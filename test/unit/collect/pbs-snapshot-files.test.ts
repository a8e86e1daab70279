// A PBS snapshot's file list is read for one thing: whether its manifest (index.json.blob,
// written last) is there, i.e. whether the backup finished. Entries are `{filename, …}` objects
// (plain strings in old PBS); an entry of any other shape is skipped, never the snapshot.
import { describe, expect, it } from 'vitest'
import { hasManifest } from '../../../functions/collect/pbs.ts'
import { parseItems } from '../../../functions/proxmox/lenient.ts'
import { PbsSnapshotSchema } from '../../../functions/proxmox/pbs-schemas.ts'

const snapshot = (files: unknown) => ({
  'backup-type': 'vm',
  'backup-id': '101',
  'backup-time': 1_700_000_000,
  files,
})

describe('a PBS snapshot file list', () => {
  it('finds the manifest as an object entry (PBS 2+) or a string (older PBS)', () => {
    expect(
      hasManifest([{ filename: 'qemu-server.conf.blob' }, { filename: 'index.json.blob' }]),
    ).toBe(true)
    expect(hasManifest(['drive-scsi0.img.fidx', 'index.json.blob'])).toBe(true)
    expect(hasManifest([{ filename: 'drive-scsi0.img.fidx', size: 1 }])).toBe(false)
    expect(hasManifest([])).toBe(false)
  })

  it('skips an entry of another shape and keeps the snapshot', () => {
    const odd = [null, 7, { name: 'index.json.blob' }, { filename: 3 }, ['index.json.blob']]
    expect(hasManifest(odd)).toBe(false)
    expect(hasManifest([...odd, { filename: 'index.json.blob' }])).toBe(true)
    const { items, dropped } = parseItems([snapshot(odd), snapshot(undefined)], PbsSnapshotSchema)
    expect(dropped).toBe(0)
    expect(items.map((i) => i.files)).toEqual([odd, []])
  })

  it('still drops a snapshot whose file list is not a list', () => {
    expect(parseItems([snapshot('index.json.blob')], PbsSnapshotSchema).dropped).toBe(1)
  })
})

// Writes that fail half-way must leave KV readable as it was: the index never lists a record
// that a failed refresh already deleted.
import { describe, expect, it } from 'vitest'
import { createMemoryKv } from '../../../../bench/memory-kv.ts'
import { toGuestSummary } from '../../../../functions/normalize/index.ts'
import { KV_INDEX_KEY } from '../../../../functions/store/keys.ts'
import { readGuest, readIndex, writeGuestsIfChanged } from '../../../../functions/store/kv-store.ts'
import type { GuestRecord } from '../../../../shared/schema/guest.ts'
import { guestOf, makeGuest, makePveFacts, normalize } from '../normalize/builders.ts'

function records(vmids: number[]): GuestRecord[] {
  const result = normalize({
    pve: [makePveFacts({ guests: vmids.map((vmid) => makeGuest({ vmid })) })],
  })
  return vmids.map((vmid) => guestOf(result, `cluster-a/${vmid}`))
}

const indexOf = (list: GuestRecord[]) => ({
  guests: list.map(toGuestSummary),
  orphans: [],
  ambiguous: [],
})

describe('writeGuestsIfChanged', () => {
  it('keeps a removed guest readable when the new index cannot be written', async () => {
    const memory = createMemoryKv()
    const kv = memory.namespace as unknown as KVNamespace
    const log = { writes: 0, deletes: 0 }
    const before = records([100, 101])
    await writeGuestsIfChanged(kv, before, indexOf(before), null, log)
    const previous = await readIndex(kv)

    const failing = {
      ...memory.namespace,
      async put(key: string, value: string) {
        if (key === KV_INDEX_KEY) throw new Error('KV PUT failed: 429 Too Many Requests')
        await memory.namespace.put(key, value)
      },
    } as unknown as KVNamespace
    const after = records([100])
    await expect(
      writeGuestsIfChanged(failing, after, indexOf(after), previous, log),
    ).rejects.toThrow('429')
    expect((await readIndex(kv))?.guests.map((g) => g.key)).toEqual([
      'cluster-a/100',
      'cluster-a/101',
    ])
    expect(await readGuest(kv, 'cluster-a', '101')).not.toBeNull()
  })

  it('deletes a removed guest once the index without it is written', async () => {
    const memory = createMemoryKv()
    const kv = memory.namespace as unknown as KVNamespace
    const log = { writes: 0, deletes: 0 }
    const before = records([100, 101])
    await writeGuestsIfChanged(kv, before, indexOf(before), null, log)
    const after = records([100])
    await writeGuestsIfChanged(kv, after, indexOf(after), await readIndex(kv), log)
    expect(await readGuest(kv, 'cluster-a', '101')).toBeNull()
    expect(log.deletes).toBe(1)
  })
})

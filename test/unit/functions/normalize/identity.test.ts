import { describe, expect, it } from 'vitest'
import { guestOf, HOUR, makeArchive, makeGuest, makePveFacts, NOW, normalize } from './builders.ts'

describe('guest identity', () => {
  it("describes the guest from its cluster's resources", () => {
    const result = normalize({
      pve: [
        makePveFacts({
          clusterName: 'homelab',
          guests: [
            makeGuest({
              vmid: 101,
              type: 'lxc',
              node: 'pve2',
              name: 'dns01',
              status: 'stopped',
              template: true,
            }),
          ],
        }),
      ],
    })
    expect(guestOf(result, 'cluster-a/101')).toMatchObject({
      cluster: 'cluster-a',
      clusterName: 'homelab',
      guestId: 101,
      guestName: 'dns01',
      type: 'lxc',
      node: 'pve2',
      status: 'stopped',
      template: true,
    })
  })

  it('gives a guest PVE has no name for a null name', () => {
    const guest = makeGuest({ name: undefined, status: 'unknown' })
    const result = normalize({ pve: [makePveFacts({ guests: [guest] })] })
    expect(guestOf(result, 'cluster-a/100').guestName).toBeNull()
  })

  it('keeps backups made on the node a migrated guest left', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          guests: [makeGuest({ node: 'pve2' })],
          backups: [makeArchive({ node: 'pve1', ctime: NOW - 30 * HOUR })],
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect([record.node, record.latestTimes.pve]).toEqual(['pve2', NOW - 30 * HOUR])
    expect(record.backups[0]).toMatchObject({ location: 'local', node: 'pve1' })
  })

  it("keeps each cluster's PVE archives with that cluster's guest of the same VMID", () => {
    const result = normalize({
      pve: [
        makePveFacts({ sourceId: 'cluster-a', backups: [makeArchive({ ctime: NOW - 2 * HOUR })] }),
        makePveFacts({ sourceId: 'cluster-b', backups: [makeArchive({ ctime: NOW - 9 * HOUR })] }),
      ],
    })
    expect(result.guests.map((g) => [g.key, g.latestTimes.pve])).toEqual([
      ['cluster-a/100', NOW - 2 * HOUR],
      ['cluster-b/100', NOW - 9 * HOUR],
    ])
  })

  it('keeps two guests named "web" apart', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          guests: [makeGuest({ vmid: 100, name: 'web' }), makeGuest({ vmid: 200, name: 'web' })],
          backups: [makeArchive({ vmid: 100, ctime: NOW - HOUR })],
        }),
      ],
    })
    expect(result.guests.map((g) => [g.key, g.guestName, g.latestBackupTime])).toEqual([
      ['cluster-a/100', 'web', NOW - HOUR],
      ['cluster-a/200', 'web', null],
    ])
  })

  it('lists guests by cluster, then VMID, whatever order the sources came in', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          sourceId: 'b',
          guests: [makeGuest({ vmid: 300 }), makeGuest({ vmid: 20 })],
        }),
        makePveFacts({ sourceId: 'a', guests: [makeGuest({ vmid: 100 })] }),
      ],
    })
    expect(result.guests.map((g) => g.key)).toEqual(['a/100', 'b/20', 'b/300'])
  })

  it('does not give a container the old archive of a deleted VM with the same VMID', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          guests: [makeGuest({ type: 'lxc' })],
          backups: [makeArchive({ guestType: 'qemu' })],
        }),
      ],
    })
    expect(guestOf(result, 'cluster-a/100').counts.pve).toBe(0)
    expect(result.orphans).toMatchObject([{ cluster: 'cluster-a', guestId: 100, type: 'qemu' }])
  })
})

// A PBS group's comment (its notes' first line, from the groups listing: collect/pbs-group-
// comments.ts) belongs to the guest or orphan the group is attributed to, as pbsGroupComments:
// what the alert scope reads for `no-monitor`. Per (store, namespace, type, id) group; a
// snapshot's own comment is not one.
import { describe, expect, it } from 'vitest'
import type { PbsGroupCommentsFact } from '../../../../functions/collect/facts.ts'
import { toGuestSummary } from '../../../../functions/normalize/index.ts'
import {
  guestOf,
  makeGuest,
  makePbsFacts,
  makePbsSnapshot,
  makePveFacts,
  NOW,
  normalize,
} from './builders.ts'

const comments = (
  namespace: string,
  groups: PbsGroupCommentsFact['groups'],
  datastore = 'store1',
): PbsGroupCommentsFact => ({ datastore, namespace, checkedAt: NOW, groups })

const pbs = (groupComments: PbsGroupCommentsFact[]) =>
  makePbsFacts({
    datastores: [{ store: 'store1', namespaces: ['site-a', 'site-a/old'] }],
    snapshots: [
      makePbsSnapshot({ namespace: 'site-a', comment: 'web01' }),
      makePbsSnapshot({ namespace: 'site-a/old', backupTime: NOW - 40 * 86_400 }),
      // A container 101 with a group of its own; and VMID 4242, no guest: an orphan.
      makePbsSnapshot({ namespace: 'site-a', backupType: 'ct', backupId: '101' }),
      makePbsSnapshot({ namespace: 'site-a', backupId: '4242' }),
    ],
    groupComments,
  })

const cluster = () =>
  makePveFacts({ guests: [makeGuest(), makeGuest({ vmid: 101, type: 'lxc', name: 'dns' })] })

describe('PBS group comments in the normalized records', () => {
  it("gives a guest its group's comment, on the record and the summary the alerts read", () => {
    const result = normalize({
      pve: [cluster()],
      pbs: [
        pbs([comments('site-a', [{ backupType: 'vm', backupId: '100', comment: 'no-monitor' }])]),
      ],
    })
    const web = guestOf(result, 'cluster-a/100')
    expect(web.pbsGroupComments).toEqual(['no-monitor'])
    expect(toGuestSummary(web).pbsGroupComments).toEqual(['no-monitor'])
    // Not the container's (another group), and a snapshot's comment ("web01") is none.
    expect(guestOf(result, 'cluster-a/101').pbsGroupComments).toBeUndefined()
  })

  it('gives a guest with a group in each of two namespaces both comments, once each, sorted', () => {
    const result = normalize({
      pve: [cluster()],
      pbs: [
        pbs([
          comments('site-a', [
            { backupType: 'ct', backupId: '101', comment: 'dns: keep 30' },
            { backupType: 'vm', backupId: '100', comment: 'web front end' },
          ]),
          comments('site-a/old', [
            { backupType: 'vm', backupId: '100', comment: 'before the upgrade' },
          ]),
        ]),
      ],
    })
    expect(guestOf(result, 'cluster-a/100').pbsGroupComments).toEqual([
      'before the upgrade',
      'web front end',
    ])
    expect(guestOf(result, 'cluster-a/101').pbsGroupComments).toEqual(['dns: keep 30'])
  })

  it("applies a comment to its own namespace's group only", () => {
    const result = normalize({
      pve: [cluster()],
      pbs: [
        pbs([
          // Same type and id, in a namespace where the guest has no group.
          comments('elsewhere', [{ backupType: 'vm', backupId: '100', comment: 'no-monitor' }]),
          comments('site-a', [{ backupType: 'vm', backupId: '100', comment: 'x' }], 'store2'),
        ]),
      ],
    })
    expect(guestOf(result, 'cluster-a/100').pbsGroupComments).toBeUndefined()
  })

  it("gives an orphan its group's comment", () => {
    const result = normalize({
      pve: [cluster()],
      pbs: [
        pbs([
          comments('site-a', [
            { backupType: 'vm', backupId: '4242', comment: 'old vm, no-monitor' },
          ]),
        ]),
      ],
    })
    const orphan = result.orphans.find((o) => o.guestId === 4242)
    expect(orphan?.pbsGroupComments).toEqual(['old vm, no-monitor'])
    const record = result.orphanRecords.find((o) => o.guestId === 4242)
    expect(record?.pbsGroupComments).toEqual(['old vm, no-monitor'])
  })
})

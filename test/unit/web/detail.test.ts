// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_THRESHOLDS } from '../../../shared/age.ts'
import type { GuestRecord } from '../../../shared/schema/guest.ts'
import { type DetailContent, detailView } from '../../../web/src/detail.ts'
import {
  jobsFixture,
  schedules,
  UNATTRIBUTED_KEY,
  unattributedOrphanRecord,
  verificationFailed,
} from './issue11-fixtures.ts'
import { all, mount, text } from './render.ts'
import { HOUR, NOW, summary } from './summaries.ts'

const jobs = jobsFixture(NOW, { cluster: 'homelab', vmids: [100, 101, 102, 103] })

function guest(patch: Partial<GuestRecord> = {}): GuestRecord {
  return {
    ...summary({ guestId: 101, guestName: 'db', pool: 'prod', tags: ['db', 'critical'] }),
    backupDates: [],
    backups: [],
    ...patch,
  }
}

const view = (content: DetailContent, onClose = () => {}) =>
  mount(detailView({ content, now: NOW, thresholds: DEFAULT_THRESHOLDS, timeZone: 'UTC' }, onClose))

describe('the drill-down', () => {
  it('marks a failed verification as not a restore point to trust, with the newest verified', () => {
    const root = view({
      kind: 'guest',
      record: guest({ verification: verificationFailed(NOW) }),
      jobs: null,
    })
    const callout = root.querySelector('.verification [data-verification="failed"]')
    expect(text(callout)).toMatch(
      /^The newest PBS snapshot failed verification — not a restore point to trust\. Newest snapshot verified ok: .* \(3d ago\)\.$/,
    )
    expect(text(root.querySelector('.meta'))).toContain('pool prod · tags db, critical')
  })

  it('shows the schedule: state, previous and next run, deadline, and the jobs by name', () => {
    const root = view({
      kind: 'guest',
      record: guest({ schedule: schedules(NOW, 'homelab').missedLonger }),
      jobs,
    })
    const facts = all(root, '.schedule .facts > div').map(text)
    expect(facts[0]).toMatch(/^State missed since .* \(40h ago\)$/)
    expect(facts[1]).toMatch(/^Previous scheduled run .* \(43h ago\)$/)
    expect(facts[2]).toMatch(/^Deadline \(run \+ grace\) .* \(40h ago\)$/)
    expect(facts[3]).toMatch(/^Next run .* \(in 5h\)$/)
    expect(all(root, '.covering li').map(text)).toEqual([
      'backup-nightly · every day at 21:00, node time 21:00 · to pbs-main',
      'weekly-archive · Sat at 01:00, node time sat 01:00 · to nas-nfs',
    ])
    // Without /api/jobs the keys still say which jobs.
    const bare = view({
      kind: 'guest',
      record: guest({ schedule: schedules(NOW, 'homelab').missed }),
      jobs: null,
    })
    expect(all(bare, '.covering li').map(text)).toEqual(['homelab/backup-nightly'])
  })

  it('says the age thresholds apply to a guest in no job, and nothing for an older Worker', () => {
    const none = view({ kind: 'guest', record: guest({ schedule: null, covered: false }), jobs })
    expect(text(none.querySelector('.schedule p'))).toBe(
      'No backup job includes this guest: the age thresholds apply (fresh up to 24 h, stale up to 72 h).',
    )
    const older = view({ kind: 'guest', record: guest(), jobs: null })
    expect(older.querySelector('.schedule')).toBeNull()
    expect(older.querySelector('.verification')).toBeNull()
  })

  it('shows an unattributed orphan with its PBS namespace and owner, its calendar and backups', () => {
    const record = unattributedOrphanRecord(NOW)
    const root = view({ kind: 'orphan', record })
    expect(text(root.querySelector('h2'))).toBe('Orphaned backups · VM 777')
    expect(text(root.querySelector('.meta'))).toBe(
      'Backups of VM 777 in a PBS group that no cluster can be told from, so it is not attributed to any guest.',
    )
    expect(all(root, '.facts > div').map(text)).toEqual([
      'PBS source pbs',
      'Datastore archive',
      'Namespace lost-ns',
      'Owner old@pbs',
    ])
    expect(all(root, '.calendar li[data-count="1"]')).toHaveLength(2)
    expect(all(root, '.backup-list tbody tr').map((r) => r.getAttribute('data-time'))).toEqual([
      String(NOW - 30 * HOUR),
      String(NOW - 54 * HOUR),
    ])
    expect(text(root.querySelector('dd[data-filter="pbs"]'))).toBe('30h')
    expect(record.key).toBe(UNATTRIBUTED_KEY)
  })

  it('closes from its Close button', () => {
    const onClose = vi.fn()
    const root = view({ kind: 'loading', title: 'homelab/101' }, onClose)
    expect(text(root.querySelector('.placeholder'))).toBe('Loading backups…')
    root.querySelector<HTMLButtonElement>('button.close')?.click()
    expect(onClose).toHaveBeenCalledOnce()
  })
})

// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { type StorageState, storageView } from '../../../web/src/storage-view.ts'
import { jobsFixture, MAINTENANCE_MESSAGE, storageFixture } from './issue11-fixtures.ts'
import { all, mount, text } from './render.ts'
import { NOW } from './summaries.ts'

const storage = storageFixture(NOW, 'homelab')
const jobs = jobsFixture(NOW, { cluster: 'homelab', vmids: [100, 101, 102, 103] })

function state(patch: Partial<StorageState> = {}): StorageState {
  return {
    storage,
    jobs,
    error: null,
    now: NOW,
    clusterNames: new Map([['homelab', 'Home lab']]),
    onRetry: () => {},
    ...patch,
  }
}

const store = (root: HTMLElement, name: string) =>
  root.querySelector(`table.datastores tr[data-store="pbs/${name}"]`) as Element
const cells = (row: Element) => all(row, 'td').map(text)

describe('the Storage view', () => {
  it('leads with the datastore in maintenance: its message, since when, and that it is held', () => {
    const root = mount(storageView(state()))
    const callout = root.querySelector('.not-read-list') as Element
    // It comes before the tables.
    expect(root.querySelector('.not-read-list ~ table, .not-read-list ~ .scroll')).not.toBeNull()
    expect(text(callout)).toMatch(
      new RegExp(
        `^1 datastore\\(s\\) not being read: .* pbs / archive is in maintenance \\(offline\\): “${MAINTENANCE_MESSAGE}”, since .* \\(2d ago\\)\\. Held: last good data from .* \\(2d ago\\)\\.$`,
      ),
    )
    const archive = store(root, 'archive')
    expect(archive.getAttribute('data-maintenance')).toBe('offline')
    expect(archive.classList.contains('not-read')).toBe(true)
    const state_ = text(archive.querySelector('td.state'))
    expect(state_).toContain(`maintenance (offline): “${MAINTENANCE_MESSAGE}”`)
    expect(archive.querySelector('[data-held="true"]')).not.toBeNull()
  })

  it('shows usage as a bar and a number, and how soon each store is full', () => {
    const root = mount(storageView(state()))
    const main = cells(store(root, 'main'))
    expect(main[0]).toBe('63% 2.50 TiB of 4.00 TiB · 1.50 TiB free')
    const meter = store(root, 'main').querySelector('meter') as HTMLMeterElement
    expect(Number(meter.getAttribute('value'))).toBeCloseTo(0.625)
    expect(meter.getAttribute('aria-label')).toBe('63% used')
    expect(main[1]).toMatch(/ in 120d$/)
    const level = (row: Element) => row.querySelector('[data-full]')?.getAttribute('data-full')
    expect(level(store(root, 'main'))).toBe('ok')
    expect(level(store(root, 's3-offsite'))).toBe('warn')
    const nfs = root.querySelector('tr[data-storage="homelab/nas-nfs"]') as Element
    expect(level(nfs)).toBe('bad')
    expect(cells(nfs)[1]).toBe('90% 900.0 GiB of 1000.0 GiB · 100.0 GiB free')
    expect(text(nfs.querySelector('th'))).toBe('nas-nfs cluster Home lab, shared by pve1, pve2')
    // Too few samples for an estimate says so, not a date.
    const local = root.querySelector('tr[data-storage="homelab/pve1/local"]') as Element
    expect(cells(local)[2]).toBe('no estimate yet (1 sample(s))')
    expect(text(local.querySelector('th'))).toBe('local cluster Home lab, on pve1')
  })

  it('shows mount state, backend, garbage collection and the store’s PBS jobs', () => {
    const root = mount(storageView(state()))
    const usb = cells(store(root, 'usb'))
    expect(usb[0]).toBe('not reported')
    expect(usb[3]).toBe('filesystem not mounted')
    expect(text(store(root, 'usb').querySelector('td.state .badge.bad'))).toBe('not mounted')
    expect(cells(store(root, 's3-offsite'))[3]).toBe('S3 (object storage)')
    const main = cells(store(root, 'main'))
    expect(main[3]).toBe('filesystem not removable')
    expect(main[4]).toMatch(/^ok .* 20h ago next in 4h 12.0 GiB removed, 3.00 GiB pending$/)
    expect(all(store(root, 'main'), '.store-jobs li').map(text)).toEqual([
      'Verify verify-main: ok',
      'Prune prune-main: warnings (2)',
    ])
    expect(cells(store(root, 's3-offsite'))[5]).toBe('Sync pull-offsite: failed')
    // Jobs not loaded yet: the column says it is waiting, not "none".
    const waiting = mount(storageView(state({ jobs: null })))
    expect(cells(store(waiting, 'main'))[5]).toBe('…')
  })

  it('gives its tables captions and headers', () => {
    const root = mount(storageView(state()))
    const tables = all(root, 'table')
    expect(tables).toHaveLength(2)
    for (const table of tables) {
      expect(text(table.querySelector('caption'))).not.toBe('')
      expect(all(table, 'tbody tr').every((tr) => tr.querySelector('th[scope="row"]'))).toBe(true)
    }
  })

  it('has no "not being read" callout when every store is read', () => {
    const fine = {
      ...storage,
      datastores: storage.datastores.filter((d) => !d.maintenance && !d.held),
    }
    expect(mount(storageView(state({ storage: fine }))).querySelector('.not-read-list')).toBeNull()
  })

  it('offers a retry when /api/storage failed', () => {
    const onRetry = vi.fn()
    const root = mount(storageView(state({ storage: null, error: 'offline', onRetry })))
    expect(text(root.querySelector('[role="alert"] p'))).toBe('Cannot load the storage: offline')
    root.querySelector('button')?.click()
    expect(onRetry).toHaveBeenCalledOnce()
  })
})

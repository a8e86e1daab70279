// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { type JobsState, jobsView, selectionText } from '../../../web/src/jobs-view.ts'
import { jobsFixture, SYNC_FAILURE, WEEKLY_FAILURE } from './issue11-fixtures.ts'
import { all, mount, text } from './render.ts'
import { NOW } from './summaries.ts'

const jobs = jobsFixture(NOW, { cluster: 'homelab', vmids: [100, 101, 102, 103] })

function state(patch: Partial<JobsState> = {}): JobsState {
  return {
    jobs,
    error: null,
    now: NOW,
    clusterNames: new Map([['homelab', 'Home lab']]),
    guestNames: new Map([
      ['homelab/100', 'web'],
      ['homelab/101', 'db'],
    ]),
    guestHref: (key) => `/?view=jobs&guest=${key}`,
    onRetry: () => {},
    ...patch,
  }
}

const pveRow = (root: HTMLElement, id: string) =>
  root.querySelector(`table.pve-jobs tr[data-job="homelab/${id}"]`)

describe('the Jobs view', () => {
  it('lists PVE jobs with the failed last run first, and every PBS job', () => {
    const root = mount(jobsView(state()))
    expect(all(root, 'table.pve-jobs tbody tr').map((r) => r.getAttribute('data-job'))).toEqual([
      'homelab/weekly-archive',
      'homelab/offsite',
      'homelab/backup-nightly',
      'homelab/legacy',
    ])
    expect(all(root, 'table.pbs-jobs tbody tr').map((r) => r.getAttribute('data-outcome'))).toEqual(
      ['failed', 'warning', 'ok', 'ok', 'never'],
    )
    expect(text(root.querySelector('.view-summary'))).toBe(
      '4 PVE backup job(s) (1 disabled): last run failed for 1, warnings for 1 · 5 PBS job(s): failed 1, warnings 1.',
    )
  })

  it("shows a job's schedule in words beside the event, its next run, storage and selection", () => {
    const root = mount(jobsView(state()))
    const nightly = pveRow(root, 'backup-nightly')
    const cells = all(nightly as Element, 'td').map(text)
    expect(text(nightly?.querySelector('th'))).toBe(
      'backup-nightly cluster Home lab Every guest, every night',
    )
    expect(cells[0]).toBe('every day at 21:00, node time 21:00')
    expect(cells[1]).toMatch(/ in 5h$/)
    expect(cells[2]).toBe('pbs-main snapshot mode')
    expect(cells[3]).toBe('all guests except 103')
    expect(cells[4]).toMatch(/^3 guest\(s\)/)
    expect(cells[5]).toMatch(/^ok .* 18h ago on pve1$/)
    // An event it cannot put in words is shown as written, never guessed.
    expect(text(pveRow(root, 'offsite')?.querySelectorAll('td')[0])).toBe('*/6:00')
    // A disabled job has no next run and covers nothing.
    const legacy = all(pveRow(root, 'legacy') as Element, 'td').map(text)
    expect(legacy[1]).toBe('disabled')
    expect(legacy[3]).toBe('pool legacy on node pve2')
    expect(legacy[4]).toBe('none (disabled)')
    expect(legacy[5]).toBe('never run')
  })

  it('names the failed guests with their error text, linked to their drill-down', () => {
    const root = mount(jobsView(state()))
    const weekly = pveRow(root, 'weekly-archive') as Element
    expect(text(weekly.querySelectorAll('td')[5])).toMatch(
      /^failed: job errors .* 3d 23h ago on pve2$/,
    )
    const failed = all(weekly, '.failed li')
    expect(failed.map(text)).toEqual([
      `db (101): ${WEEKLY_FAILURE}`,
      '4242 (no longer exists): guest 4242 not found',
    ])
    expect(failed[0]?.querySelector('a')?.getAttribute('href')).toBe(
      '/?view=jobs&guest=homelab/101',
    )
    // "Run now" tasks carry no job id: the page says the run was matched by node and time.
    expect(text(pveRow(root, 'offsite')?.querySelectorAll('td')[5])).toMatch(
      /^warnings \(1\) .* started by hand on pve1 \(matched by node and time\)$/,
    )
  })

  it('lists the guests a job covers now as links', () => {
    const root = mount(jobsView(state()))
    const covers = all(pveRow(root, 'backup-nightly') as Element, '.covers a')
    expect(covers.map(text)).toEqual(['web (100)', 'db (101)', '102'])
    expect(covers.map((a) => a.getAttribute('data-guest'))).toEqual([
      'homelab/100',
      'homelab/101',
      'homelab/102',
    ])
  })

  it("classifies each PBS job by PBS's own state text", () => {
    const root = mount(jobsView(state()))
    const rows = all(root, 'table.pbs-jobs tbody tr')
    const stateOf = (id: string) =>
      text(
        rows
          .find((r) => r.getAttribute('data-job')?.endsWith(`/${id}`))
          ?.querySelector('td:last-child'),
      )
    expect(stateOf('pull-offsite')).toBe(`failed ${SYNC_FAILURE}`)
    expect(stateOf('prune-main')).toBe('warnings (2)')
    expect(stateOf('verify-main')).toBe('ok')
    expect(stateOf('verify-archive')).toBe('never run')
    const gc = rows.find((r) => r.getAttribute('data-job') === 'pbs/gc/gc-main') as Element
    expect(all(gc, 'td').map(text).slice(0, 3)).toEqual([
      'Garbage collection',
      'main on pbs',
      'every day at 00:00, server time daily',
    ])
  })

  it('gives both tables a caption, column headers and row headers', () => {
    const root = mount(jobsView(state()))
    for (const table of all(root, 'table')) {
      expect(text(table.querySelector('caption'))).not.toBe('')
      expect(all(table, 'thead th').every((th) => th.getAttribute('scope') === 'col')).toBe(true)
      expect(all(table, 'tbody tr').every((tr) => tr.querySelector('th[scope="row"]'))).toBe(true)
    }
  })

  it('says when it is loading, and offers a retry when /api/jobs failed', () => {
    expect(text(mount(jobsView(state({ jobs: null }))).querySelector('.placeholder'))).toBe(
      'Loading jobs…',
    )
    const onRetry = vi.fn()
    const root = mount(jobsView(state({ jobs: null, error: '/api/jobs: 503 KV down', onRetry })))
    expect(text(root.querySelector('[role="alert"] p'))).toBe(
      'Cannot load the jobs: /api/jobs: 503 KV down',
    )
    root.querySelector('button')?.click()
    expect(onRetry).toHaveBeenCalledOnce()
  })

  it('keeps showing the jobs it has when a reload fails, and says so', () => {
    const root = mount(jobsView(state({ error: '/api/jobs: 503 KV down' })))
    expect(text(root.querySelector('.reload-failed'))).toBe(
      'Could not reload: /api/jobs: 503 KV down. Showing what was loaded before.',
    )
    expect(root.querySelectorAll('table.pve-jobs tbody tr')).toHaveLength(4)
  })

  it('says there are none rather than drawing empty tables', () => {
    const root = mount(jobsView(state({ jobs: { pve: [], pbs: [] } })))
    expect(root.querySelectorAll('table')).toHaveLength(0)
    expect(all(root, '.placeholder').map(text)).toHaveLength(2)
  })
})

describe('selectionText', () => {
  it.each([
    [{ mode: 'all', vmids: [], pool: null, exclude: [], node: null }, 'all guests'],
    [
      { mode: 'all', vmids: [], pool: null, exclude: [9000, 9001], node: null },
      'all guests except 9000, 9001',
    ],
    [{ mode: 'vmids', vmids: [100, 101], pool: null, exclude: [], node: null }, 'VMID 100, 101'],
    [
      { mode: 'pool', vmids: [], pool: 'prod', exclude: [], node: 'pve1' },
      'pool prod on node pve1',
    ],
  ] as const)('%o → %s', (selection, words) => {
    expect(
      selectionText({ ...selection, vmids: [...selection.vmids], exclude: [...selection.exclude] }),
    ).toBe(words)
  })
})

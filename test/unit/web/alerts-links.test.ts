// @vitest-environment happy-dom
// Alert links into the page: the Worker's subject links (functions/alerts/links.ts) parse to
// the view they mean, open in place from the Alerts view, and the Jobs and Storage views mark
// the job or store they name (or say it is not there).
import { describe, expect, it } from 'vitest'
import { subjectLink } from '../../../functions/alerts/links.ts'
import { SUBJECT_KINDS } from '../../../shared/schema/alerts.ts'
import { jobsView } from '../../../web/src/jobs-view.ts'
import { storageView } from '../../../web/src/storage-view.ts'
import {
  DEFAULT_VIEW,
  followLink,
  formatViewState,
  parseViewState,
} from '../../../web/src/view-state.ts'
import { jobsFixture, storageFixture } from './issue11-fixtures.ts'
import { mount, text } from './render.ts'
import { NOW } from './summaries.ts'

const BASE = 'https://pulse.example'
const search = (link: string) => new URL(link).search

describe('alert links in the view state', () => {
  it("parses every kind of the Worker's subject link to the view it means", () => {
    const keys: Record<(typeof SUBJECT_KINDS)[number], string> = {
      guest: 'homelab/101',
      orphan: 'homelab/555',
      job: 'homelab/backup-nightly',
      'pbs-job': 'pbs/sync/pull-offsite',
      datastore: 'pbs/main',
      storage: 'homelab/pve1/local',
      source: 'pbs-offsite',
    }
    const seen = Object.fromEntries(
      SUBJECT_KINDS.map((kind) => {
        const v = parseViewState(search(subjectLink(BASE, kind, keys[kind])))
        return [kind, [v.page, v.guest ?? v.orphan ?? v.job ?? v.store ?? null]]
      }),
    )
    expect(seen).toEqual({
      guest: ['guests', 'homelab/101'],
      orphan: ['guests', 'homelab/555'],
      job: ['jobs', 'homelab/backup-nightly'],
      'pbs-job': ['jobs', 'pbs/sync/pull-offsite'],
      datastore: ['storage', 'pbs/main'],
      storage: ['storage', 'homelab/pve1/local'],
      source: ['guests', null],
    })
  })

  it('round-trips the Alerts view filters and highlights, and ignores what it does not know', () => {
    const view = {
      ...DEFAULT_VIEW,
      page: 'alerts' as const,
      severity: 'critical' as const,
      alertState: 'open' as const,
    }
    expect(formatViewState(view)).toBe('?view=alerts&severity=critical&state=open')
    expect(parseViewState(formatViewState(view))).toEqual(view)
    expect(parseViewState('?view=jobs&job=pbs/gc/main').job).toBe('pbs/gc/main')
    // Old bookmarks parse to exactly what they did.
    expect(parseViewState('')).toEqual(DEFAULT_VIEW)
    expect(
      parseViewState('?severity=info&state=closed&job=../../x&store=%3Cb%3E&view=alerts'),
    ).toEqual({ ...DEFAULT_VIEW, page: 'alerts' })
  })

  it('opens a guest over the current view, and a job or store in its own, keeping the rest', () => {
    const current = {
      ...DEFAULT_VIEW,
      page: 'alerts' as const,
      search: 'db',
      severity: 'warning' as const,
    }
    const guest = followLink(current, parseViewState('?guest=homelab/101'))
    expect(formatViewState(guest)).toBe('?view=alerts&q=db&guest=homelab%2F101&severity=warning')
    const job = followLink(
      { ...current, store: 'pbs/main' },
      parseViewState('?view=jobs&job=homelab/x'),
    )
    expect(formatViewState(job)).toBe('?view=jobs&q=db&job=homelab%2Fx&severity=warning')
    const source = followLink(current, parseViewState(''))
    expect(source.page).toBe('guests')
  })
})

describe('the job or store an alert links to', () => {
  const jobs = jobsFixture(NOW, { cluster: 'homelab', vmids: [100, 101, 102, 103] })
  const base = {
    jobs,
    error: null,
    now: NOW,
    clusterNames: new Map(),
    guestNames: new Map(),
    guestHref: () => '',
    onRetry: () => {},
  }

  it('is marked in the Jobs view, focusable, and the others are not', () => {
    const root = mount(jobsView({ ...base, highlight: 'pbs/sync/pull-offsite' }))
    const marked = [...root.querySelectorAll('[data-highlight="true"]')]
    expect(marked.map((r) => r.getAttribute('data-job'))).toEqual(['pbs/sync/pull-offsite'])
    expect(marked[0]?.getAttribute('tabindex')).toBe('-1')
    expect(root.querySelector('.not-listed')).toBeNull()
    const pve = mount(jobsView({ ...base, highlight: 'homelab/weekly-archive' }))
    expect(
      pve.querySelector('table.pve-jobs [data-highlight="true"]')?.getAttribute('data-job'),
    ).toBe('homelab/weekly-archive')
  })

  it('is said to be missing when the list does not have it', () => {
    const root = mount(jobsView({ ...base, highlight: 'pbs/verify/gone' }))
    expect(root.querySelector('[data-highlight]')).toBeNull()
    expect(text(root.querySelector('.not-listed'))).toBe(
      'The job pbs/verify/gone the link points at is not in this list: it may have been removed or renamed, or not be read yet.',
    )
  })

  it('is marked in the Storage view, a datastore or a PVE storage alike', () => {
    const storage = storageFixture(NOW, 'homelab')
    const state = {
      storage,
      jobs,
      error: null,
      now: NOW,
      clusterNames: new Map(),
      onRetry: () => {},
    }
    const ds = mount(storageView({ ...state, highlight: 'pbs/archive' }))
    const row = ds.querySelector('tr[data-highlight="true"]')
    expect(row?.getAttribute('data-store')).toBe('pbs/archive')
    // It keeps its own marking as a store not being read.
    expect(row?.classList.contains('not-read')).toBe(true)
    const pve = mount(storageView({ ...state, highlight: 'homelab/nas-nfs' }))
    expect(pve.querySelector('tr[data-highlight="true"]')?.getAttribute('data-storage')).toBe(
      'homelab/nas-nfs',
    )
    const none = mount(storageView({ ...state, highlight: 'pbs/gone' }))
    expect(text(none.querySelector('.not-listed'))).toMatch(/^The datastore or storage pbs\/gone /)
  })
})

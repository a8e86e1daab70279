// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { type Status, StatusSchema } from '../../../shared/schema/status.ts'
import { createBanner } from '../../../web/src/banner.ts'
import { PERMISSION_MESSAGE, withNotices } from './issue11-fixtures.ts'
import { all, text } from './render.ts'
import { HOUR, NOW } from './summaries.ts'

function status(patch: (s: Status) => void = () => {}): Status {
  const source = (id: string, kind: 'pve' | 'pbs') => ({
    id,
    kind,
    lastAttempt: NOW - 60,
    lastSuccess: NOW - 60,
    lastError: null,
    stale: false,
    warnings: [],
    deferred: 0,
    counts: { guests: 3, backups: 9, snapshots: 1 },
  })
  const s = z.parse(StatusSchema, {
    sources: [source('homelab', 'pve'), source('pbs', 'pbs')],
    configIssues: [],
    thresholds: { freshHours: 24, staleHours: 72 },
    lastRefresh: null,
    progress: null,
    nextRefresh: null,
    refreshAllowed: false,
  })
  patch(s)
  return s
}

const noticed = (s: Status) => {
  s.sources[0] = withNotices(s.sources[0] as Status['sources'][number], NOW)
  // The same sentence as a plain warning is said once, as the notice.
  s.sources[0].warnings = [PERMISSION_MESSAGE, 'node pve2 did not answer in time']
}

describe('the data-health banner', () => {
  it('names each missing privilege and each held store, in words', () => {
    const banner = createBanner(() => {})
    banner.render(status(noticed), NOW)
    const items = all(banner.element, '.notices li')
    expect(items.map(text)).toEqual([
      `homelab (PVE): ${PERMISSION_MESSAGE}`,
      expect.stringMatching(
        /^homelab \(PVE\): datastore archive is held: in maintenance \(offline\) — since .* \(2d ago\); showing its last good data\.$/,
      ),
    ])
    expect(banner.element.dataset.state).toBe('ok')
    expect(text(banner.element.querySelector('.warnings summary'))).toBe(
      '1 warning(s) from homelab (PVE)',
    )
    expect(text(banner.element.querySelector('[role="alert"]'))).toContain(PERMISSION_MESSAGE)
  })

  it('says when the permissions call was refused and the gap is a guess', () => {
    const banner = createBanner(() => {})
    banner.render(
      status((s) => {
        noticed(s)
        const p = s.sources[0]?.permissions
        if (p) p.checked = false
      }),
      NOW,
    )
    expect(text(banner.element.querySelector('.notices li'))).toBe(
      `homelab (PVE): ${PERMISSION_MESSAGE} (guessed: the permissions call was refused)`,
    )
  })

  it('on a tick changes only the ages, and announces nothing new', () => {
    const banner = createBanner(() => {})
    banner.render(status(noticed), NOW)
    const item = banner.element.querySelector('.notices li[data-notice="held"]')
    const alert = banner.element.querySelector('[role="alert"]')
    const before = alert?.textContent
    banner.render(status(noticed), NOW + 5 * HOUR)
    // The very same list item, its age moved on; the alert untouched.
    expect(banner.element.querySelector('.notices li[data-notice="held"]')).toBe(item)
    expect(text(item)).toContain('(2d 5h ago)')
    expect(alert?.textContent).toBe(before)
    // The problems go away: that is announced once.
    banner.render(status(), NOW + 5 * HOUR)
    expect(banner.element.querySelectorAll('.notices li')).toHaveLength(0)
    expect(text(alert)).toBe('All data sources are healthy again.')
  })

  it('keeps the failing-source sentence it always had', () => {
    const banner = createBanner(() => {})
    banner.render(
      status((s) => {
        const pbs = s.sources[1] as Status['sources'][number]
        pbs.stale = true
        pbs.lastError = { kind: 'http', message: '401 Unauthorized', at: NOW - 600 }
        pbs.lastSuccess = NOW - 2 * HOUR
      }),
      NOW,
    )
    expect(banner.element.dataset.state).toBe('bad')
    expect(text(banner.element.querySelector('.problems li'))).toMatch(
      /^pbs \(PBS\) is failing since .*: 401 Unauthorized — showing data from .* \(2h old\)\.$/,
    )
  })
})

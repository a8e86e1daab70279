// PBS group comments (the first line of a group's notes, where `no-monitor` keeps a guest out of
// alerting) come only from GET /admin/datastore/{store}/groups?ns=…, one call per namespace. They
// are read on the first pass, carried while younger than an hour, read again after an hour and on
// a manual refresh; a failing call keeps the comments read before (the exclusion never silently
// lapses), and one the budget refuses is deferred without dropping them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PbsFacts } from '../../../functions/collect/facts.ts'
import { collectPbs } from '../../../functions/collect/pbs.ts'
import { GROUP_COMMENTS_RECHECK_SECONDS } from '../../../functions/collect/pbs-group-comments.ts'
import { createRequestBudget } from '../../../functions/proxmox/budget.ts'
import { createProxmoxClient } from '../../../functions/proxmox/client.ts'
import { createLimiter } from '../../../functions/proxmox/limit.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { sourceConfigs } from './lab-collect.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
})
afterAll(() => lab.close())

interface Options {
  budget?: number
  continuation?: boolean
  manual?: boolean
}

/** One collection of the lab's PBS, with the groups calls it made (`store/ns`). */
async function collect(now: number, previous?: PbsFacts, options: Options = {}) {
  const source = sourceConfigs(lab).find((s) => s.kind === 'pbs')
  if (!source) throw new Error('no pbs source')
  const groupCalls: string[] = []
  let calls = 0
  const recording: typeof fetch = (input, init) => {
    calls += 1
    const url = new URL(typeof input === 'string' ? input : (input as Request).url)
    const m = /\/admin\/datastore\/([^/]+)\/groups$/.exec(url.pathname)
    if (m) groupCalls.push(`${m[1]}/${url.searchParams.get('ns') ?? ''}`)
    return fetch(input, init)
  }
  const host = new URL(source.url).hostname
  const facts = await collectPbs({
    client: createProxmoxClient(source, {
      fetch: recording,
      budget: createRequestBudget(options.budget ?? 1e9),
      limit: createLimiter(),
    }),
    now,
    previous,
    host,
    serverNames: [host],
    continuation: options.continuation ?? false,
    ...(options.manual ? { rereadHourly: true } : {}),
  })
  return { facts, groupCalls: groupCalls.sort(), calls }
}

/** Every namespace of the stores PBS lets us read, as `store/ns`. */
function readableNamespaces(facts: PbsFacts): string[] {
  return facts.datastores
    .filter((d) => !d.held)
    .flatMap((d) => d.namespaces.map((ns) => `${d.store}/${ns}`))
    .sort()
}

/** The comment the facts hold for one group, if any. */
function commentOf(
  facts: PbsFacts,
  g: { datastore: string; namespace: string; type: string; id: string },
) {
  return facts.groupComments
    ?.find((c) => c.datastore === g.datastore && c.namespace === g.namespace)
    ?.groups.find((x) => x.backupType === g.type && x.backupId === g.id)?.comment
}

/** The lab's group for a scenario reference. */
function labGroup(g: { datastore: string; namespace: string; type: string; id: string }) {
  const group = lab.model.pbs[0]?.datastores
    .find((d) => d.store === g.datastore)
    ?.groups.find((x) => x.ns === g.namespace && x.type === g.type && x.id === g.id)
  if (!group) throw new Error('no such group in the lab')
  return group
}

describe('PBS group comments', () => {
  it('are read on the first pass: one groups call per readable namespace, first line only', async () => {
    const { facts, groupCalls } = await collect(NOW)
    expect(groupCalls).toEqual(readableNamespaces(facts))
    const { parked, noted } = lab.model.facts.groupComments
    // The notes have two lines; PBS lists (and we keep) the first.
    expect(commentOf(facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')
    for (const c of noted) expect(commentOf(facts, c)).toBe(c.comment)
    expect(facts.groupComments?.every((c) => c.checkedAt === NOW)).toBe(true)
    // Groups without notes have no entry.
    const all = facts.groupComments?.flatMap((c) => c.groups) ?? []
    expect(all).toHaveLength(noted.length + 1)
  })

  it('are carried while younger than an hour, read again after an hour and on a manual refresh', async () => {
    const { parked } = lab.model.facts.groupComments
    const group = labGroup(parked)
    const before = group.comment
    try {
      const first = await collect(NOW)
      group.comment = 'watched again'
      const soon = await collect(NOW + 600, first.facts)
      expect(soon.groupCalls).toEqual([])
      expect(soon.facts.groupComments).toEqual(first.facts.groupComments)
      expect(commentOf(soon.facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')

      // A manual refresh: someone who just edited the notes wants to see it now.
      const manual = await collect(NOW + 900, soon.facts, { manual: true })
      expect(manual.groupCalls).toEqual(readableNamespaces(manual.facts))
      expect(commentOf(manual.facts, parked)).toBe('watched again')

      group.comment = 'no-monitor again'
      const stillYoung = await collect(NOW + 900 + GROUP_COMMENTS_RECHECK_SECONDS - 1, manual.facts)
      expect(stillYoung.groupCalls).toEqual([])
      expect(commentOf(stillYoung.facts, parked)).toBe('watched again')
      const hourOld = await collect(NOW + 900 + GROUP_COMMENTS_RECHECK_SECONDS, stillYoung.facts)
      expect(hourOld.groupCalls).toEqual(readableNamespaces(hourOld.facts))
      expect(commentOf(hourOld.facts, parked)).toBe('no-monitor again')
      expect(hourOld.facts.groupComments?.[0]?.checkedAt).toBe(
        NOW + 900 + GROUP_COMMENTS_RECHECK_SECONDS,
      )
    } finally {
      if (before === undefined) delete group.comment
      else group.comment = before
    }
  })

  it('a failing groups call keeps the comments read before, with a warning, and is asked again next pass', async () => {
    const { parked } = lab.model.facts.groupComments
    const first = await collect(NOW)
    const due = NOW + GROUP_COMMENTS_RECHECK_SECONDS
    lab.setFaults([
      {
        kind: 'http-error',
        source: 'pbs/pbs',
        path: `/admin/datastore/${parked.datastore}/groups`,
        status: 500,
        message: 'unable to read group notes',
      },
    ])
    let failed: PbsFacts
    try {
      const during = await collect(due, first.facts)
      failed = during.facts
      expect(during.groupCalls.length).toBeGreaterThan(0)
      expect(commentOf(during.facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')
      const place = during.facts.groupComments?.find(
        (c) => c.datastore === parked.datastore && c.namespace === parked.namespace,
      )
      expect(place?.error).toContain('unable to read group notes')
      expect(place?.checkedAt).toBe(NOW)
      expect(
        during.facts.warnings.some(
          (w) =>
            w.includes('unable to read group notes') &&
            w.includes(`group comments of ${parked.datastore}/${parked.namespace}`),
        ),
      ).toBe(true)
      // The snapshots (another call) are unaffected.
      expect(during.facts.snapshots).toEqual(first.facts.snapshots)
    } finally {
      lab.clearFaults()
    }
    // A minute later, not an hour: the failed namespaces are asked again, and only they.
    const after = await collect(due + 60, failed)
    const failedPlaces = (failed.groupComments ?? [])
      .filter((c) => c.error !== undefined)
      .map((c) => `${c.datastore}/${c.namespace}`)
      .sort()
    expect(failedPlaces.length).toBeGreaterThan(0)
    expect(after.groupCalls).toEqual(failedPlaces)
    expect(after.facts.groupComments?.every((c) => c.error === undefined)).toBe(true)
    expect(commentOf(after.facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')
  })

  it('a call the budget refuses is deferred, the comments kept, and done by the continuation', async () => {
    const { parked } = lab.model.facts.groupComments
    const first = await collect(NOW)
    const due = NOW + GROUP_COMMENTS_RECHECK_SECONDS
    // A due pass unbudgeted: base, listings, comments, then the five health calls (queued in
    // that order: the comments are an exclusion, the health can wait).
    const full = await collect(due, first.facts)
    const commentCalls = full.groupCalls.length
    expect(commentCalls).toBeGreaterThan(2)
    // Enough for two namespaces' comments: the others and the health are deferred.
    const short = await collect(due, first.facts, { budget: full.calls - commentCalls - 5 + 2 })
    expect(short.groupCalls).toHaveLength(2)
    const deferred = short.facts.deferred.filter((u) => u.startsWith('groups:'))
    expect(deferred).toHaveLength(commentCalls - 2)
    // Nothing dropped: every namespace still has the comments read before.
    expect(short.facts.groupComments?.map((c) => c.groups)).toEqual(
      first.facts.groupComments?.map((c) => c.groups),
    )
    expect(commentOf(short.facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')

    const rest = await collect(due + 1, short.facts, { continuation: true })
    expect(rest.groupCalls).toEqual(deferred.map((u) => u.slice('groups:'.length)).sort())
    expect(rest.facts.deferred.filter((u) => u.startsWith('groups:'))).toEqual([])
    expect(rest.facts.groupComments?.every((c) => c.checkedAt >= due)).toBe(true)
    expect(commentOf(rest.facts, parked)).toBe('no-monitor: test VM, rebuilt by hand')
  })
})

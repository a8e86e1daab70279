// PVE backup storages: a shared storage once, a local one per node, figures from a node that
// reports them; the estimated-full date from a least-squares fit of the kept samples; and the
// rule that keeps steady refreshes from adding a sample each time.
import { describe, expect, it } from 'vitest'
import type { PveStorageEntryFact } from '../../../../functions/collect/facts.ts'
import {
  estimateFull,
  newestSamples,
  SAMPLE_INTERVAL_SECONDS,
  samplesToRecord,
  usageReadings,
} from '../../../../functions/normalize/storage-usage.ts'
import type { UsageSample } from '../../../../functions/normalize/types.ts'
import { DAY, HOUR, makePveFacts, NOW, normalize } from './builders.ts'

const GiB = 1024 ** 3
const TB = 1e12

function entry(overrides: Partial<PveStorageEntryFact>): PveStorageEntryFact {
  return {
    storage: 'local',
    node: 'pve1',
    status: 'available',
    type: 'dir',
    shared: false,
    used: 40 * GiB,
    total: 100 * GiB,
    ...overrides,
  }
}

const twoNodes = makePveFacts({
  nodes: [
    { name: 'pve1', online: true },
    { name: 'pve2', online: false },
  ],
  storages: [
    { storage: 'local', type: 'dir', shared: false },
    { storage: 'nas', type: 'nfs', shared: true },
  ],
  storageEntries: [
    entry({ node: 'pve1', used: 10 * GiB }),
    // pve2 is offline: PVE sends no figures for its storages.
    entry({ node: 'pve2', status: 'unknown', used: undefined, total: undefined }),
    entry({
      storage: 'nas',
      node: 'pve2',
      status: 'unknown',
      type: 'nfs',
      shared: true,
      used: undefined,
      total: undefined,
    }),
    entry({ storage: 'nas', node: 'pve1', type: 'nfs', shared: true, used: 1 * TB, total: 4 * TB }),
  ],
})

const sample = (key: string, at: number, used: number, total = 4 * TB): UsageSample => ({
  key,
  at,
  used,
  total,
})

describe('backup storages', () => {
  it('lists a shared storage once with every node that mounts it, a local one per node', () => {
    const { storages } = normalize({ pve: [twoNodes] }).storage
    expect(storages.map((s) => s.key)).toEqual([
      'cluster-a/nas',
      'cluster-a/pve1/local',
      'cluster-a/pve2/local',
    ])
    expect(storages[0]).toEqual({
      key: 'cluster-a/nas',
      cluster: 'cluster-a',
      storage: 'nas',
      type: 'nfs',
      shared: true,
      nodes: ['pve1', 'pve2'],
      // From the node that reports it, whichever entry comes first.
      used: 1 * TB,
      total: 4 * TB,
      estimatedFull: null,
      samples: 0,
      active: true,
    })
    expect(storages[1]).toMatchObject({ nodes: ['pve1'], used: 10 * GiB, active: true })
    expect(storages[2]).toMatchObject({ nodes: ['pve2'], used: null, total: null, active: false })
  })

  it('shows the newest kept sample, also while no node reports figures', () => {
    const samples = [
      sample('cluster-a/pve2/local', NOW - 2 * DAY, 5 * GiB, 100 * GiB),
      sample('cluster-a/pve2/local', NOW - DAY, 6 * GiB, 100 * GiB),
      // Another cluster's, and one past the retention: neither counts.
      sample('cluster-b/pve2/local', NOW - DAY, 99 * GiB, 100 * GiB),
      sample('cluster-a/pve2/local', NOW - 40 * DAY, 1 * GiB, 100 * GiB),
    ]
    const { storages } = normalize({ pve: [twoNodes], usageSamples: samples }).storage
    expect(storages[2]).toMatchObject({ used: 6 * GiB, total: 100 * GiB, samples: 2 })
  })

  it('keys storages by their configuration (shared or not), not by the entry alone', () => {
    const facts = makePveFacts({
      storages: [{ storage: 'nas', type: 'nfs', shared: true }],
      storageEntries: [entry({ storage: 'nas', shared: false, type: 'nfs' })],
    })
    expect(usageReadings([facts]).map((r) => r.key)).toEqual(['cluster-a/nas'])
  })
})

describe('estimated full date (least squares)', () => {
  const key = 'cluster-a/nas'
  const series = (days: number, perDay: number, start = 1 * TB) =>
    Array.from({ length: days + 1 }, (_, i) =>
      sample(key, NOW - (days - i) * DAY, start + i * perDay),
    )

  it('projects a steady growth to the date it reaches the total', () => {
    const growing = series(6, 0.1 * TB)
    // Newest at 1.6 TB of 4 TB, 0.1 TB a day: 24 days from the newest sample.
    expect(estimateFull(growing)).toBe(NOW + 24 * DAY)
  })

  it('fits through noise: the slope of all samples, from the newest one', () => {
    const noisy = series(10, 0.05 * TB).map((s, i) => ({
      ...s,
      used: s.used + (i % 2 ? 0.02 : -0.02) * TB,
    }))
    const estimate = estimateFull(noisy) ?? 0
    const exact = NOW + ((4 * TB - (noisy.at(-1)?.used ?? 0)) / (0.05 * TB)) * DAY
    expect(Math.abs(estimate - exact)).toBeLessThan(3 * DAY)
  })

  it('is null when the usage is flat or shrinking', () => {
    expect(estimateFull(series(6, 0))).toBeNull()
    expect(estimateFull(series(6, -0.1 * TB, 2 * TB))).toBeNull()
  })

  it('is null with too few samples or too short a span', () => {
    expect(estimateFull(series(1, 0.1 * TB))).toBeNull()
    const fourHours = [0, 1, 2, 3, 4].map((h) =>
      sample(key, NOW - (4 - h) * HOUR, 1 * TB + h * 0.01 * TB),
    )
    expect(estimateFull(fourHours)).toBeNull()
    expect(estimateFull([])).toBeNull()
  })

  it('is null beyond any planning horizon, and the newest time when already full', () => {
    expect(estimateFull(series(6, 1000))).toBeNull()
    const full = [sample(key, NOW - DAY, 3.9 * TB), sample(key, NOW, 4 * TB)]
    expect(estimateFull(full)).toBe(NOW)
  })

  it('reaches the record with its sample count', () => {
    const usageSamples = series(6, 0.1 * TB)
    const { storages } = normalize({ pve: [twoNodes], usageSamples }).storage
    expect(storages[0]).toMatchObject({ samples: 7, estimatedFull: NOW + 24 * DAY, used: 1.6 * TB })
  })
})

describe('which readings become samples', () => {
  const key = 'cluster-a/nas'
  const reading = { key, used: 1 * TB, total: 4 * TB }
  const last = sample(key, NOW, 1 * TB)
  const newest = newestSamples([sample(key, NOW - DAY, 0.9 * TB), last])

  it('records the first reading, then nothing while refreshes find little change', () => {
    expect(samplesToRecord([reading], new Map(), NOW)).toEqual([{ ...reading, at: NOW }])
    for (let minutes = 15; minutes < SAMPLE_INTERVAL_SECONDS / 60; minutes += 15) {
      const small = { ...reading, used: reading.used + minutes * 1e6 }
      expect(samplesToRecord([small], newest, NOW + minutes * 60)).toEqual([])
    }
  })

  it('records again after the interval, when the size changed, or the usage moved by 1%', () => {
    const later = NOW + SAMPLE_INTERVAL_SECONDS
    expect(samplesToRecord([reading], newest, later)).toHaveLength(1)
    expect(samplesToRecord([{ ...reading, total: 5 * TB }], newest, NOW + 900)).toHaveLength(1)
    expect(samplesToRecord([{ ...reading, used: 1.04 * TB }], newest, NOW + 900)).toHaveLength(1)
    expect(samplesToRecord([{ ...reading, used: 1.03 * TB }], newest, NOW + 900)).toEqual([])
  })

  it('never records at or before the newest kept time', () => {
    expect(samplesToRecord([{ ...reading, total: 5 * TB }], newest, NOW)).toEqual([])
  })

  it('keeps a day of quarter-hour refreshes to 8 samples', () => {
    let kept: UsageSample[] = []
    for (let t = NOW; t < NOW + DAY; t += 900) {
      // A steady growth of 2% of the size a day.
      const used = 1 * TB + ((t - NOW) / DAY) * 0.08 * TB
      kept = [...kept, ...samplesToRecord([{ ...reading, used }], newestSamples(kept), t)]
    }
    expect(kept).toHaveLength(8)
  })
})

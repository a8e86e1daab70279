// Determinism and sizing of the pure generator.
import { describe, expect, it } from 'vitest'
import { generateLab } from './generate.ts'
import { NOW } from './test-helpers.ts'

describe('generateLab', () => {
  it('produces deep-equal models for the same seed and now', () => {
    expect(generateLab({ preset: 'tiny', seed: 3, now: NOW })).toEqual(
      generateLab({ preset: 'tiny', seed: 3, now: NOW }),
    )
  })

  it('produces different data for another seed', () => {
    const a = generateLab({ preset: 'tiny', seed: 3, now: NOW })
    const b = generateLab({ preset: 'tiny', seed: 4, now: NOW })
    expect(a.clusters[0]?.tokenSecret).not.toBe(b.clusters[0]?.tokenSecret)
    expect(a.clusters[0]?.guests).not.toEqual(b.clusters[0]?.guests)
  })

  it('keeps the scenario facts relative to now in every preset', () => {
    for (const preset of ['tiny', 'demo'] as const) {
      const m = generateLab({ preset, seed: 1, now: NOW })
      expect(m.facts.designGuest.pveBackupTime).toBe(NOW - 17 * 3600)
      expect(m.facts.designGuest.pbsBackupTime).toBe(NOW - 11 * 3600)
      expect(m.clusters.map((c) => c.name)).toEqual(['homelab', 'office'])
    }
  })

  it('sizes clusters and guests from the options', () => {
    const m = generateLab({
      preset: 'tiny',
      seed: 1,
      now: NOW,
      nodesPerCluster: 4,
      guestsPerCluster: 30,
      days: 5,
    })
    expect(m.clusters.map((c) => c.nodes.length)).toEqual([4, 4])
    expect(m.clusters.map((c) => c.guests.length)).toEqual([30, 30])
  })
})

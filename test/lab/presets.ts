// Named option sets; a preset is only defaults, explicit options win.
import type { LabOptions, PveJobShape } from './types.ts'

export interface ResolvedOptions {
  seed: number
  now: number
  preset: string
  clusters: number
  nodesPerCluster: number[]
  guestsPerCluster: number
  days: number
  replayDays: number
  extraSharedStorages: number
  pbsNamespaces: number
  pbsDatastores: number
  pveJobShapes: PveJobShape[]
}

type PresetValues = Omit<ResolvedOptions, 'seed' | 'now' | 'preset' | 'pveJobShapes' | 'replayDays'>

const DEFAULT_JOB_SHAPES: PveJobShape[] = ['9.2', '8.x']

export const presets: Record<'demo' | 'tiny' | 'large', PresetValues> = {
  demo: {
    clusters: 2,
    nodesPerCluster: [3, 2],
    guestsPerCluster: 20,
    days: 30,
    extraSharedStorages: 0,
    pbsNamespaces: 0,
    pbsDatastores: 2,
  },
  tiny: {
    clusters: 2,
    nodesPerCluster: [2, 1],
    guestsPerCluster: 12,
    days: 3,
    extraSharedStorages: 0,
    pbsNamespaces: 0,
    pbsDatastores: 1,
  },
  large: {
    clusters: 2,
    nodesPerCluster: [10, 10],
    guestsPerCluster: 400,
    days: 30,
    extraSharedStorages: 2,
    pbsNamespaces: 2,
    pbsDatastores: 2,
  },
}

/** Fills defaults; `now` must be supplied because the generator never reads the clock. */
export function resolveOptions(options: LabOptions & { now: number }): ResolvedOptions {
  const preset = options.preset ?? 'demo'
  const base = presets[preset]
  const clusters = Math.max(2, options.clusters ?? base.clusters)
  const rawNodes = options.nodesPerCluster ?? base.nodesPerCluster
  const nodesPerCluster = Array.from({ length: clusters }, (_, i) => {
    const n = Array.isArray(rawNodes)
      ? (rawNodes[i] ?? rawNodes[rawNodes.length - 1] ?? 1)
      : rawNodes
    // The scenario needs two homelab nodes (migration, shared storage).
    return Math.max(i === 0 ? 2 : 1, Math.floor(n))
  })
  return {
    seed: options.seed ?? 1,
    now: Math.floor(options.now),
    preset,
    clusters,
    nodesPerCluster,
    guestsPerCluster: Math.max(12, options.guestsPerCluster ?? base.guestsPerCluster),
    days: Math.max(2, options.days ?? base.days),
    replayDays: Math.max(0, Math.floor(options.replayDays ?? 0)),
    extraSharedStorages: Math.max(0, options.extraSharedStorages ?? base.extraSharedStorages),
    pbsNamespaces: Math.max(0, options.pbsNamespaces ?? base.pbsNamespaces),
    pbsDatastores: Math.max(1, options.pbsDatastores ?? base.pbsDatastores),
    pveJobShapes:
      options.pveJobShapes && options.pveJobShapes.length > 0
        ? options.pveJobShapes
        : DEFAULT_JOB_SHAPES,
  }
}

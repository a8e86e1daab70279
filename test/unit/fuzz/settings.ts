// One fast-check setting for every property in this folder: `npm test` runs 100 cases from a
// fixed seed (same cases on every machine, a few seconds); `npm run fuzz` sets FUZZ_RUNS and
// FUZZ_SEED to search longer with a fresh seed.
import type fc from 'fast-check'

const DEFAULT_SEED = 20261126
const DEFAULT_RUNS = 100

function envInt(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return undefined
  const value = Number(raw)
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`)
  return value
}

const numRuns = envInt('FUZZ_RUNS') ?? DEFAULT_RUNS

export const FUZZ: fc.Parameters<unknown> = {
  seed: envInt('FUZZ_SEED') ?? DEFAULT_SEED,
  numRuns,
}

/** Per-test timeout that grows with the run count, so long fuzz runs are not cut off. */
export const FUZZ_TIMEOUT_MS = Math.max(30_000, numRuns * 60)

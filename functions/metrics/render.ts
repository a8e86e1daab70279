// GET /metrics' body: every family of the catalogue, in its order, from one MetricsInput.
import { renderExposition } from './exposition.ts'
import { FAMILIES, type FamilyId } from './families.ts'
import { addGuestSamples } from './guest-samples.ts'
import type { MetricsInput, Samples } from './input.ts'
import { addJobSamples } from './job-samples.ts'
import { addSourceSamples } from './source-samples.ts'
import { addStorageSamples } from './storage-samples.ts'

const FAMILY_IDS = Object.keys(FAMILIES) as FamilyId[]

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export function renderMetrics(input: MetricsInput): string {
  const out = Object.fromEntries(FAMILY_IDS.map((id) => [id, []])) as unknown as Samples
  addGuestSamples(out, input)
  addJobSamples(out, input.jobs)
  addStorageSamples(out, input.storage)
  addSourceSamples(out, input)
  return renderExposition(FAMILY_IDS.map((id) => ({ spec: FAMILIES[id], samples: out[id] })))
}

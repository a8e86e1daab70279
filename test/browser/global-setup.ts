// Starts the lab and `wrangler dev` wired to it (fresh KV, see scripts/local-stack.ts), runs the first refresh, and hands
// the browser tests the Worker's URL and what the lab holds.
import type { TestProject } from 'vitest/node'
import { workerSourceId } from '../../scripts/lab-env.ts'
import { type LocalStack, startLocalStack } from '../../scripts/local-stack.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    workerUrl: string
    browserLabUrl: string
    browserLab: string
  }
}

const STATE = 'state-browser'

export interface BrowserLab {
  now: number
  facts: import('../lab/model.ts').LabFacts
  guests: { cluster: string; vmid: number; name: string | null; template: boolean }[]
  sourceIds: Record<string, string>
  /** Every PVE backup job of the lab, by cluster. */
  pveJobs: { cluster: string; id: string; enabled: boolean }[]
  /** Every PBS server's datastores and jobs, by lab source id. */
  pbs: {
    source: string
    stores: { store: string; maintenance: string | null; removable: boolean; s3: boolean }[]
    jobs: { kind: string; id: string; store: string }[]
  }[]
}

let stack: LocalStack | undefined

export default async function setup(project: TestProject) {
  stack = await startLocalStack({ preset: 'demo', seed: 7, stateName: STATE })
  await stack.refresh()
  const model = stack.lab.model
  const lab: BrowserLab = {
    now: model.now,
    facts: model.facts,
    guests: model.clusters.flatMap((c) =>
      c.guests.map((g) => ({
        cluster: c.name,
        vmid: g.vmid,
        name: g.name ?? null,
        template: g.template === 1,
      })),
    ),
    sourceIds: Object.fromEntries(stack.lab.sources.map((s) => [s.id, workerSourceId(s.id)])),
    pveJobs: model.clusters.flatMap((c) =>
      c.jobs.map((j) => ({ cluster: c.name, id: j.id, enabled: j.enabled === 1 })),
    ),
    pbs: model.pbs.map((server) => ({
      source: server.id,
      stores: server.datastores.map((d) => ({
        store: d.store,
        maintenance: d.maintenance?.type ?? null,
        removable: d.removable !== undefined && !d.removable.mounted,
        s3: d.backend === 's3',
      })),
      jobs: (server.jobs ?? []).map((j) => ({ kind: j.kind, id: j.id, store: j.store })),
    })),
  }
  project.provide('workerUrl', stack.base)
  project.provide('browserLabUrl', stack.lab.url)
  project.provide('browserLab', JSON.stringify(lab))
  return async () => {
    await stack?.stop()
  }
}

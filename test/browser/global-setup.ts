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
  }
  project.provide('workerUrl', stack.base)
  project.provide('browserLabUrl', stack.lab.url)
  project.provide('browserLab', JSON.stringify(lab))
  return async () => {
    await stack?.stop()
  }
}

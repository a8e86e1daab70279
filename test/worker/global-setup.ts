// Starts one simulated Proxmox lab (Node side) for the workerd tests and hands them its URL
// and the Worker settings that point at it. Workers in workerd reach it over loopback.
import type { TestProject } from 'vitest/node'
import { labWorkerVars } from '../../scripts/lab-env.ts'
import { startLab } from '../lab/server.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    labUrl: string
    labVars: Record<string, string>
    labFacts: string
  }
}

export default async function setup(project: TestProject) {
  const lab = await startLab({ preset: 'demo', seed: 7 })
  project.provide('labUrl', lab.url)
  project.provide('labVars', labWorkerVars(lab.model, lab.sources))
  project.provide('labFacts', JSON.stringify({ now: lab.model.now, facts: lab.model.facts }))
  return async () => {
    await lab.close()
  }
}

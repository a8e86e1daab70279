// Helpers for workerd tests that drive the lab: an env pointing at it, faults, and reads
// through the Worker's own routes.

import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { app } from '../../functions/app.ts'
import type { Env } from '../../functions/env.ts'
import { clearLabFaults, setLabFaults } from '../lab/client.ts'
import type { LabFacts } from '../lab/model.ts'
import { settle, withLocalCoordinator } from './local-coordinator.ts'

export const labUrl = inject('labUrl')

export function labEnv(overrides: Record<string, string> = {}): Env {
  return { ...env, ...inject('labVars'), ...overrides }
}

export function labModel(): { now: number; facts: LabFacts } {
  return JSON.parse(inject('labFacts'))
}

export const setFaults = (faults: unknown[]) => setLabFaults(labUrl, faults)
export const clearFaults = () => clearLabFaults(labUrl)

/**
 * A request through the Worker's routes with `testEnv`; the coordinator is the local core over
 * the same KV, and the passes the request queued have run when this returns.
 */
export async function call(testEnv: Env, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext()
  const routed = withLocalCoordinator(testEnv)
  const response = await app.request(path, init, routed, ctx)
  await waitOnExecutionContext(ctx)
  await settle(routed)
  return response
}

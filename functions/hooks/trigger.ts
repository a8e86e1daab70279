// Where webhooks start refreshes: the coalescer decides, the KV record carries the minimum
// interval to other isolates, and the run is the ordinary refresh() of the chosen sources with
// the ordinary subrequest budget. The caller answers at once; the run goes on in waitUntil.
import { readConfig } from '../config.ts'
import type { Env } from '../env.ts'
import { refresh } from '../refresh.ts'
import { hookLastRunKvKey } from '../store/keys.ts'
import { createCoalescer, type KeyDecision, type RunRequest } from './coalesce.ts'

export interface HookTrigger {
  env: Env
  /** e.g. `webhook proxmox vzdump`: ends up in /api/status lastRefresh.reason. */
  reason: string
  priorityNode?: string
}

/** KV refuses a shorter expirationTtl. */
const MIN_KV_TTL_SECONDS = 60

const nowSeconds = () => Math.floor(Date.now() / 1000)

async function execute({ keys, payloads, followUps }: RunRequest<HookTrigger>): Promise<void> {
  const triggers = keys.flatMap((key) => payloads.get(key) ?? [])
  const latest = triggers.at(-1)
  if (!latest) return
  const { env } = latest
  const priorityNode = triggers.flatMap((t) => (t.priorityNode ? [t.priorityNode] : [])).at(-1)
  const reason =
    [...new Set(triggers.map((t) => t.reason))].join(', ') +
    (followUps.length > 0 ? ' (follow-up)' : '')
  const now = nowSeconds()
  const config = readConfig(env)
  const minInterval = config.hooks.minIntervalSeconds
  try {
    if (minInterval > 0) {
      const ttl = Math.max(MIN_KV_TTL_SECONDS, minInterval)
      const opening = keys.filter((key) => !followUps.includes(key))
      await Promise.all(
        opening.map((key) =>
          env.PULSE_KV.put(hookLastRunKvKey(key), String(now), { expirationTtl: ttl }),
        ),
      )
    }
    const report = await refresh(env, {
      now,
      reason,
      sourceIds: keys,
      subrequestBudget: config.refresh.subrequestBudget,
      ...(priorityNode ? { priorityNode } : {}),
    })
    console.log(
      `refresh (${reason}): ${keys.join(', ')}${priorityNode ? ` (node ${priorityNode} first)` : ''}, ` +
        `${report.subrequests} subrequests, ${report.kvWrites} KV writes, ` +
        `${report.deferred} unit(s) deferred`,
    )
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: '' }
    console.error(`refresh (${reason}) of ${keys.join(', ')} failed: ${name}: ${message}`)
  }
}

/** The isolate's coalescing state; exported so tests can count runs and start clean. */
export const hookRuns = createCoalescer<HookTrigger>(execute)

async function lastRunElsewhere(kv: KVNamespace, sourceIds: string[]) {
  const entries = await Promise.all(
    sourceIds.map(async (id) => {
      const value = Number(await kv.get(hookLastRunKvKey(id)))
      return [id, Number.isFinite(value) && value > 0 ? value : null] as const
    }),
  )
  return Object.fromEntries(entries)
}

export async function triggerRefresh(
  executionCtx: { waitUntil(promise: Promise<unknown>): void },
  sourceIds: string[],
  trigger: HookTrigger,
): Promise<Record<string, KeyDecision>> {
  const minIntervalSeconds = readConfig(trigger.env).hooks.minIntervalSeconds
  const { decisions, done } = hookRuns.trigger(sourceIds, trigger, {
    minIntervalSeconds,
    ...(minIntervalSeconds > 0
      ? { lastRunElsewhere: await lastRunElsewhere(trigger.env.PULSE_KV, sourceIds) }
      : {}),
  })
  executionCtx.waitUntil(done)
  return decisions
}

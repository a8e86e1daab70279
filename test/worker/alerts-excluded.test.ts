// What never alerts, and why, end to end: the lab's template, its guest whose PBS group notes say
// `no-monitor` and its disabled job reach GET /api/alerts as `excluded`, each with its reason,
// in a stable order, so a refresh with nothing new writes the alerts key no more than before.
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { KV_ALERTS_KEY } from '../../functions/store/keys.ts'
import { type AlertsResponse, AlertsResponseSchema } from '../../shared/schema/alerts.ts'
import { type AlertLab, API_TOKEN, createAlertLab, HOOK_SECRET } from './alerts-lab.ts'
import { UNDERLYING_KV } from './kv.ts'

let lab: AlertLab
beforeAll(async () => {
  lab = createAlertLab()
  await lab.refresh()
})

async function alerts(): Promise<{ body: AlertsResponse; text: string }> {
  const response = await lab.request('/api/alerts')
  expect(response.status).toBe(200)
  const text = await response.text()
  return { body: z.parse(AlertsResponseSchema, JSON.parse(text)), text }
}

/** Counts puts per key on the lab's namespace from now on (the same coordinator's). */
function countPuts(): Map<string, number> {
  const puts = new Map<string, number>()
  const kv = lab.env.PULSE_KV
  lab.env.PULSE_KV = new Proxy(kv, {
    get(target, property) {
      if (property === UNDERLYING_KV) return target
      if (property === 'put') {
        return (key: string, ...rest: unknown[]) => {
          puts.set(key, (puts.get(key) ?? 0) + 1)
          return (target.put as (...args: unknown[]) => Promise<void>)(key, ...rest)
        }
      }
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return puts
}

describe('GET /api/alerts lists what is not watched', () => {
  it('names the lab template, the no-monitor guest and the disabled job with their reasons', async () => {
    const { body, text } = await alerts()
    const { template, groupComments, jobs } = lab.model.facts
    const parked = groupComments.parked
    const byKey = new Map(body.excluded.map((s) => [`${s.kind}:${s.key}`, s]))
    expect(byKey.get(`guest:${template.cluster}/${template.vmid}`)?.reason).toBe('template')
    expect(byKey.get(`guest:${parked.cluster}/${parked.vmid}`)).toMatchObject({
      reason: 'PBS group comment "no-monitor"',
      name: expect.stringContaining(`${parked.vmid}`),
    })
    expect(byKey.get(`job:${jobs.disabled.cluster}/${jobs.disabled.job}`)?.reason).toBe(
      'job disabled',
    )
    // Exactly the subjects the last evaluation excluded, by kind then key.
    const evaluation = lab.state.readEvaluation()
    const excludedRefs = Object.entries(evaluation?.subjects ?? {})
      .filter(([, state]) => state === 'excluded')
      .map(([ref]) => ref)
    expect([...byKey.keys()].sort()).toEqual(excludedRefs.sort())
    const order = body.excluded.map((s) => [s.kind, s.key].join('\u0000'))
    expect(order).toEqual([...order].sort())
    // No alert is about an excluded subject.
    expect(body.alerts.filter((a) => byKey.has(`${a.subject.kind}:${a.subject.key}`))).toEqual([])
    // Never a secret.
    expect(text).not.toContain(API_TOKEN)
    expect(text).not.toContain(HOOK_SECRET)
  })

  it('writes no alerts key on a refresh that excludes the same subjects', async () => {
    const before = await alerts()
    const puts = countPuts()
    await lab.refresh()
    await lab.refresh()
    expect(puts.get(KV_ALERTS_KEY) ?? 0).toBe(0)
    expect((await alerts()).body.excluded).toEqual(before.body.excluded)
  })
})

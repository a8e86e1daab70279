// The alerts document in the read cache is written when it changes, but a change of wording
// alone (relative times in summaries: "6h ago" → "7h ago") at most once an hour, so a steady
// refresh writes no KV key; every other change goes out at once.
import { describe, expect, it } from 'vitest'
import { createMemoryKv } from '../../../../bench/memory-kv.ts'
import { KV_ALERTS_KEY } from '../../../../functions/store/keys.ts'
import {
  ALERT_WORDING_REFRESH_SECONDS,
  publishAlerts,
  type WriteLog,
} from '../../../../functions/store/read-cache.ts'
import type { Alert, AlertsResponse, ExcludedSubject } from '../../../../shared/schema/alerts.ts'

const NOW = 1_750_000_000

const alert = (changes: Partial<Alert> = {}): Alert => ({
  id: 'missed:homelab/119',
  rule: 'missed',
  severity: 'warning',
  subject: { kind: 'guest', key: 'homelab/119', name: 'nightly-db (VM 119, cluster homelab)' },
  summary: 'missed its scheduled backup: no new backup since the run due 6h ago',
  detail: null,
  link: 'https://pulse.example.com/?guest=homelab%2F119',
  state: 'firing',
  since: NOW - 21_600,
  resolvedAt: null,
  resolution: null,
  lastNotified: NOW - 3_600,
  acknowledged: null,
  snoozedUntil: null,
  incidents: 1,
  ...changes,
})

const doc = (changes: Partial<Alert> = {}): AlertsResponse => ({
  alerts: [alert(changes)],
  firing: { warning: 1, critical: 0 },
  excluded: [],
})

function cache() {
  const kv = createMemoryKv()
  const digests = new Map<string, string>()
  const log: WriteLog = { writes: 0, deletes: 0 }
  const env = { PULSE_KV: kv.namespace as unknown as KVNamespace }
  const ledger = {
    digests,
    record: (key: string, digest: string | null) => {
      if (digest === null) digests.delete(key)
      else digests.set(key, digest)
    },
  }
  return {
    kv,
    log,
    publish: (document: AlertsResponse, now: number) =>
      publishAlerts(env, document, ledger, log, now),
    stored: () => JSON.parse(kv.data.get(KV_ALERTS_KEY) ?? 'null') as AlertsResponse | null,
  }
}

describe('publishAlerts', () => {
  it('writes once, then nothing while the document stays the same', async () => {
    const c = cache()
    await c.publish(doc(), NOW)
    await c.publish(doc(), NOW + 60)
    await c.publish(doc(), NOW + 7_200)
    expect(c.log.writes).toBe(1)
    expect(c.stored()).toEqual(doc())
  })

  it('writes a change of wording alone at most once an hour', async () => {
    const c = cache()
    await c.publish(doc(), NOW)
    const later = doc({
      summary: 'missed its scheduled backup: no new backup since the run due 7h ago',
    })
    await c.publish(later, NOW + 900)
    await c.publish(later, NOW + ALERT_WORDING_REFRESH_SECONDS - 1)
    expect(c.log.writes).toBe(1)
    expect(c.stored()?.alerts[0]?.summary).toContain('6h ago')
    await c.publish(later, NOW + ALERT_WORDING_REFRESH_SECONDS)
    expect(c.log.writes).toBe(2)
    expect(c.stored()).toEqual(later)
  })

  it('writes any other change at once, with the words as they are now', async () => {
    const c = cache()
    await c.publish(doc(), NOW)
    const acked = doc({
      summary: 'missed its scheduled backup: no new backup since the run due 7h ago',
      acknowledged: { by: 'ops', at: NOW + 60 },
    })
    await c.publish(acked, NOW + 60)
    expect(c.log.writes).toBe(2)
    expect(c.stored()).toEqual(acked)
    const resolved = doc({ state: 'resolved', resolvedAt: NOW + 120, resolution: 'ok' })
    await c.publish(resolved, NOW + 120)
    expect(c.log.writes).toBe(3)
    expect(c.stored()?.alerts[0]?.state).toBe('resolved')
  })

  it('carries what is not watched, written once while it stays the same, at once when it changes', async () => {
    const c = cache()
    const template: ExcludedSubject = {
      kind: 'guest',
      key: 'homelab/9000',
      name: 'debian-tmpl (VM 9000, cluster homelab)',
      reason: 'template',
    }
    const excluded = (...subjects: ExcludedSubject[]): AlertsResponse => ({
      ...doc(),
      excluded: subjects,
    })
    await c.publish(excluded(template), NOW)
    await c.publish(excluded(template), NOW + 60)
    expect(c.log.writes).toBe(1)
    expect(c.stored()?.excluded).toEqual([template])
    const tagged: ExcludedSubject = {
      kind: 'guest',
      key: 'homelab/120',
      name: 'scratch (VM 120, cluster homelab)',
      reason: 'tag pulse-ignore',
    }
    await c.publish(excluded(tagged, template), NOW + 120)
    expect(c.log.writes).toBe(2)
    expect(c.stored()?.excluded).toEqual([tagged, template])
  })
})

// Digests as the engine makes them, for channel tests: realistic subjects and summaries, a
// mix of kinds and severities, job error text, and a hostile subject whose name is markup in
// every receiver's format.

import type { SendContext } from '../../../../../functions/alerts/delivery/context.ts'
import type { AlertEvent, Digest } from '../../../../../functions/alerts/message.ts'
import type { ChannelConfig } from '../../../../../functions/config/channels.ts'
import { readConfig } from '../../../../../functions/config.ts'
import type { Env } from '../../../../../functions/env.ts'
import { labChannelVars } from '../../../../lab/receivers/index.ts'

export const NOW = 1_795_000_000
export const HOUR = 3_600
export const BASE = 'https://pulse.example.com'
export const ALERTS_LINK = `${BASE}/?view=alerts`

const NAMES = [
  'db01',
  'web-frontend',
  'Büro-Server',
  'mail',
  'gitea',
  'homeassistant',
  'nas-backup',
  'plex',
]

/** Event i: a guest of cluster pve-a with its own link (`?guest=pve-a%2F<vmid>`). */
export function guestEvent(i: number, overrides: Partial<AlertEvent> = {}): AlertEvent {
  const vmid = 100 + i
  const key = `pve-a/${vmid}`
  const name = `${NAMES[i % NAMES.length]}-${i} (VM ${vmid}, cluster pve-a)`
  const kinds: AlertEvent['kind'][] = ['fired', 'fired', 'repeat', 'resolved', 'escalated']
  const kind = kinds[i % kinds.length] ?? 'fired'
  return {
    eventId: `age-all:${key}#1:${kind}:${NOW}`,
    alertId: `age-all:${key}`,
    kind,
    rule: 'age-all',
    severity: i % 3 === 0 || kind === 'escalated' ? 'critical' : 'warning',
    subject: { kind: 'guest', key, name },
    summary: `newest backup is ${40 + i}h old (warning after 36h, critical after 72h)`,
    ...(i % 4 === 1
      ? {
          detail: `ERROR: Backup of VM ${vmid} failed - job failed with err -5 - Input/output error\nINFO: Failed at 2026-11-20 03:12:44`,
        }
      : {}),
    since: NOW - (40 + i) * HOUR,
    at: NOW,
    link: `${BASE}/?guest=pve-a%2F${vmid}`,
    ...overrides,
  }
}

/** Markup of every kind the channels speak, in the fields that come from Proxmox. */
export const HOSTILE_NAME =
  '<b>@everyone</b> & <!channel> *bold* _it_ ~s~ `code` [x](http://evil.example) #h > q </pre>'

export function hostileEvent(): AlertEvent {
  return guestEvent(0, {
    subject: { kind: 'guest', key: 'pve-a/666', name: HOSTILE_NAME },
    summary: 'job "nightly & weekly <all>" failed: 1 of 3 guests',
    detail: 'ERROR: <stderr> & "quotes"\n\u0000\u0007 bell\t| table | ```',
    link: `${BASE}/?view=jobs&job=pve-a%2Fnightly`,
  })
}

export function digestOf(events: AlertEvent[], overrides: Partial<Digest> = {}): Digest {
  return {
    messageId: `ntfy:${NOW}:9f86d081`,
    channelId: 'ntfy',
    at: NOW,
    events,
    dashboardLink: ALERTS_LINK,
    firing: { warning: 41, critical: 20 },
    ...overrides,
  }
}

export const manyEvents = (n: number) => Array.from({ length: n }, (_, i) => guestEvent(i))

export const testDigest = (): Digest =>
  digestOf([
    {
      eventId: `test:${NOW}`,
      alertId: 'test',
      kind: 'test',
      rule: 'test',
      severity: 'warning',
      subject: { kind: 'source', key: 'test', name: 'a test message from Pulse Edge' },
      summary: 'If you read this, the channel works.',
      since: NOW,
      at: NOW,
      link: ALERTS_LINK,
    },
  ])

export const RECEIVERS_BASE = 'http://receivers.lab'

/** Every HTTP channel configured against the lab's receivers, as readConfig reads them. */
export function labChannels(extra: Record<string, string> = {}): ChannelConfig[] {
  const config = readConfig({ ...labChannelVars(RECEIVERS_BASE), ...extra } as unknown as Env)
  if (config.issues.length > 0) throw new Error(JSON.stringify(config.issues))
  return [...config.channels]
}

export function context(fetch: typeof globalThis.fetch, now = NOW): SendContext {
  return { fetch, now, env: {} as Env, timeoutMs: 2_000 }
}

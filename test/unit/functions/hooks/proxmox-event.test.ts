// Proxmox notification bodies as the README template renders them (proxmox-api.md §4.2/§4.3).
import { describe, expect, it } from 'vitest'
import { parseProxmoxEvent, sourceKindOf } from '../../../../functions/hooks/proxmox-event.ts'

/** The README body template, rendered the way Proxmox would. */
function rendered(fields: Record<string, string>, title = 'x', severity = 'info') {
  return JSON.stringify({ title, severity, timestamp: 1749319345, fields, message: 'Details…' })
}

describe('parseProxmoxEvent', () => {
  it('reads a scheduled vzdump from pve1 as a trigger with its hostname', () => {
    const body = rendered(
      { hostname: 'pve1', 'job-id': 'backup-8a5c6d1e-4b2f', type: 'vzdump' },
      'vzdump backup status (pve1.example.com): backup successful',
    )
    expect(parseProxmoxEvent(body)).toEqual({
      ok: true,
      event: { kind: 'trigger', type: 'vzdump', hostname: 'pve1' },
    })
  })

  it('reads PBS jobs with their datastore, and both spellings of verification', () => {
    for (const type of ['gc', 'prune', 'sync', 'verify', 'verification']) {
      const result = parseProxmoxEvent(rendered({ type, hostname: 'pbs', datastore: 'store1' }))
      expect(result).toEqual({
        ok: true,
        event: { kind: 'trigger', type, hostname: 'pbs', datastore: 'store1' },
      })
    }
  })

  it('treats the test button (fields {}) and a missing type as a test notification', () => {
    expect(parseProxmoxEvent(rendered({}, 'Test notification'))).toEqual({
      ok: true,
      event: { kind: 'test' },
    })
    expect(parseProxmoxEvent('{"title":"Test notification"}')).toEqual({
      ok: true,
      event: { kind: 'test' },
    })
  })

  it('ignores events that do not change backups, naming the type', () => {
    for (const type of ['replication', 'fencing', 'package-updates', 'tape-load', 'acme']) {
      expect(parseProxmoxEvent(rendered({ type, hostname: 'pve1' }))).toEqual({
        ok: true,
        event: { kind: 'ignored', type },
      })
    }
  })

  it('refuses what is not the template, without quoting the body', () => {
    const cases = [
      '',
      '   ',
      'not json {{ secrets.token }}',
      '[1,2]',
      '"text"',
      '{"fields":"vzdump"}',
      '{"fields":{"type":7}}',
    ]
    for (const body of cases) {
      const result = parseProxmoxEvent(body)
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(result.message).toContain('README')
        expect(result.message).not.toContain('secrets.token')
      }
    }
  })

  it('maps vzdump to PVE and the PBS jobs to PBS', () => {
    expect(sourceKindOf('vzdump')).toBe('pve')
    expect(sourceKindOf('gc')).toBe('pbs')
    expect(sourceKindOf('verify')).toBe('pbs')
  })
})

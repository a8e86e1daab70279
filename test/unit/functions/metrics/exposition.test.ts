// GET /metrics' body, from a MetricsInput with one of everything: read back with the npm
// parser parse-prometheus-text-format and checked against the 0.0.4 grammar; every family
// documented; label values escaped so odd guest names come back exactly; ages from `now`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  escapeHelp,
  escapeLabelValue,
  formatValue,
} from '../../../../functions/metrics/exposition.ts'
import { FAMILIES } from '../../../../functions/metrics/families.ts'
import { renderMetrics } from '../../../../functions/metrics/render.ts'
import { DUE, FULL, fullInput, guest, HOUR, NEVER, NOW, ODD, ODD_NAMES } from './fixtures.ts'
import {
  grammarProblems,
  type ParsedFamily,
  parseExposition,
  sampleLineCounts,
} from './read-exposition.ts'

const SPECS = Object.values(FAMILIES)
const EMPTY = fullInput({
  index: { guests: [], orphans: [], ambiguous: [] },
  jobs: { pve: [], pbs: [] },
  storage: { storages: [], datastores: [] },
  sources: [],
  lastRefresh: null,
  counters: { refreshes: null, notificationsSent: null },
  firing: [],
})

function family(families: Map<string, ParsedFamily>, name: string): ParsedFamily {
  const found = families.get(name)
  if (!found) throw new Error(`no family ${name}`)
  return found
}

/** The value of the one sample whose labels include `match`, or undefined when none. */
function sampleValue(f: ParsedFamily, match: Record<string, string>): string | undefined {
  const hits = f.metrics.filter((m) => Object.entries(match).every(([k, v]) => m.labels?.[k] === v))
  if (hits.length > 1) throw new Error(`${f.name}: ${hits.length} samples match`)
  return hits[0]?.value
}

const guestMatch = (g: { cluster: string; guestId: number }) => ({
  cluster: g.cluster,
  vmid: String(g.guestId),
})

describe('the exposition of a fleet', () => {
  const text = renderMetrics(fullInput())
  const families = parseExposition(text)

  it('follows the 0.0.4 grammar line by line and is accepted by the npm parser', () => {
    expect(grammarProblems(text)).toEqual([])
    expect(families.size).toBe(SPECS.length)
  })

  it('documents every family with its HELP and TYPE, samples or not', () => {
    for (const spec of SPECS) {
      const parsed = family(families, spec.name)
      expect(parsed.help, spec.name).toBe(spec.help)
      expect(parsed.type, spec.name).toBe(spec.type.toUpperCase())
      expect(text).toContain(`# HELP ${spec.name} `)
      expect(text).toContain(`# TYPE ${spec.name} ${spec.type}\n`)
    }
  })

  it('names families the Prometheus way: prefix, units, _total only on counters', () => {
    for (const spec of SPECS) {
      expect(spec.name).toMatch(/^pulse_edge_[a-z_]+$/)
      expect(spec.name.endsWith('_total'), spec.name).toBe(spec.type === 'counter')
      expect(spec.name, 'no milliseconds, no plain "timestamp"').not.toMatch(/_ms$|_timestamp$/)
      if (/timestamp|_age_/.test(spec.name)) expect(spec.name).toMatch(/_seconds$/)
      if (/_(used|total|available|size)_/.test(spec.name)) expect(spec.name).toMatch(/_bytes$/)
    }
  })

  it('gives every sample exactly its family labels, and no label set twice', () => {
    const lines = sampleLineCounts(text)
    for (const spec of SPECS) {
      const parsed = family(families, spec.name)
      for (const sample of parsed.metrics) {
        expect(Object.keys(sample.labels ?? {}).sort(), spec.name).toEqual([...spec.labels].sort())
      }
      // The parser merges adjacent samples with equal labels: fewer parsed than written = a twin.
      expect(parsed.metrics.length, spec.name).toBe(lines.get(spec.name) ?? 0)
    }
  })

  it('carries no timestamp in a label and none on a sample', () => {
    for (const parsed of families.values()) {
      for (const sample of parsed.metrics) {
        expect(sample.timestamp_ms).toBeUndefined()
        for (const value of Object.values(sample.labels ?? {}))
          expect(value).not.toMatch(/^\d{9,}$/)
      }
    }
  })

  it('states the newest backup per type: its time, size and age from now; +Inf for never', () => {
    const time = family(families, 'pulse_edge_backup_latest_timestamp_seconds')
    const age = family(families, 'pulse_edge_backup_age_seconds')
    const size = family(families, 'pulse_edge_backup_latest_size_bytes')
    const full = guestMatch(FULL)
    expect(sampleValue(time, { ...full, type: 'pve' })).toBe(String(NOW - 17 * HOUR))
    expect(sampleValue(time, { ...full, type: 'pbs' })).toBe(String(NOW - 11 * HOUR))
    expect(sampleValue(time, { ...full, type: 'snapshot' })).toBe(String(NOW - 2 * HOUR))
    expect(sampleValue(age, { ...full, type: 'pve' })).toBe(String(17 * HOUR))
    expect(sampleValue(age, { ...full, type: 'pbs' })).toBe(String(11 * HOUR))
    expect(sampleValue(size, { ...full, type: 'pve' })).toBe('1500000000')
    expect(sampleValue(size, { ...full, type: 'pbs' })).toBe('34359739548')
    // A type without a backup: no time, no size, an infinite age.
    const odd = guestMatch(ODD)
    expect(sampleValue(time, { ...odd, type: 'pbs' })).toBeUndefined()
    expect(sampleValue(age, { ...odd, type: 'pbs' })).toBe('+Inf')
    expect(sampleValue(size, { ...odd, type: 'pve' }), 'size unknown').toBeUndefined()
    for (const type of ['pve', 'pbs', 'snapshot']) {
      expect(sampleValue(age, { ...guestMatch(NEVER), type })).toBe('+Inf')
    }
    // A summary stored before latestSizes existed still renders (no size series).
    expect(sampleValue(size, { ...guestMatch(DUE), type: 'pbs' })).toBeUndefined()
  })

  it('computes ages at scrape time: an hour later every finite age is an hour older', () => {
    const later = parseExposition(renderMetrics(fullInput({ now: NOW + HOUR })))
    const before = family(families, 'pulse_edge_backup_age_seconds').metrics
    const after = family(later, 'pulse_edge_backup_age_seconds').metrics
    expect(after).toHaveLength(before.length)
    before.forEach((sample, i) => {
      const next = after[i]?.value
      expect(after[i]?.labels).toEqual(sample.labels)
      if (sample.value === '+Inf') expect(next).toBe('+Inf')
      else expect(Number(next) - Number(sample.value)).toBe(HOUR)
    })
    // Timestamps do not move with the clock.
    expect(family(later, 'pulse_edge_backup_latest_timestamp_seconds')).toEqual(
      family(families, 'pulse_edge_backup_latest_timestamp_seconds'),
    )
  })

  it('never reports a negative age for a backup a clock slightly ahead of ours made', () => {
    const ahead = guest({
      cluster: 'homelab',
      guestId: 5,
      latestTimes: { pve: NOW + 30, pbs: null, snapshots: null },
    })
    const parsed = parseExposition(
      renderMetrics(fullInput({ index: { guests: [ahead], orphans: [], ambiguous: [] } })),
    )
    expect(
      sampleValue(family(parsed, 'pulse_edge_backup_age_seconds'), { vmid: '5', type: 'pve' }),
    ).toBe('0')
  })

  it('identifies each guest once in the info series, with node, type, template and pool', () => {
    const info = family(families, 'pulse_edge_guest_info')
    expect(info.metrics).toHaveLength(fullInput().index.guests.length)
    const full = info.metrics.find(
      (m) => m.labels?.cluster === 'homelab' && m.labels.vmid === '101',
    )
    expect(full).toEqual({
      value: '1',
      labels: {
        cluster: 'homelab',
        vmid: '101',
        name: 'db01',
        node: 'pve1',
        guest_type: 'qemu',
        template: 'false',
        pool: 'prod',
      },
    })
    // Same VMID in another cluster stays apart; a guest without a name has an empty one.
    expect(
      info.metrics.find((m) => m.labels?.cluster === 'office' && m.labels.vmid === '101')?.labels,
    ).toMatchObject({ name: '', template: 'true', pool: '' })
  })

  it('states verification of the newest PBS snapshot: ok 1, failed 0, never verified absent', () => {
    const ok = family(families, 'pulse_edge_backup_verification_ok')
    expect(sampleValue(ok, guestMatch(FULL))).toBe('1')
    expect(sampleValue(ok, guestMatch(ODD))).toBe('0')
    expect(sampleValue(ok, guestMatch(DUE))).toBeUndefined()
    expect(sampleValue(ok, guestMatch(NEVER))).toBeUndefined()
    const verified = family(families, 'pulse_edge_backup_last_verified_timestamp_seconds')
    expect(sampleValue(verified, guestMatch(FULL))).toBe(String(NOW - 11 * HOUR))
    expect(sampleValue(verified, guestMatch(DUE))).toBe(String(NOW - 80 * HOUR))
    expect(sampleValue(verified, guestMatch(ODD))).toBeUndefined()
  })

  it('states the schedule as a state set: 1 for the current state, 0 for the others', () => {
    const state = family(families, 'pulse_edge_backup_schedule_state')
    const states = (g: typeof FULL) =>
      Object.fromEntries(
        ['ok', 'due', 'missed'].map((s) => [s, sampleValue(state, { ...guestMatch(g), state: s })]),
      )
    expect(states(FULL)).toEqual({ ok: '1', due: '0', missed: '0' })
    expect(states(ODD)).toEqual({ ok: '0', due: '0', missed: '1' })
    expect(states(DUE)).toEqual({ ok: '0', due: '1', missed: '0' })
    expect(states(NEVER), 'no job covers it').toEqual({
      ok: undefined,
      due: undefined,
      missed: undefined,
    })
  })

  it('lists each firing alert about a guest once, and counts all alerts by severity', () => {
    const perGuest = family(families, 'pulse_edge_guest_alert_firing')
    expect(
      perGuest.metrics.map((m) => [m.labels?.vmid, m.labels?.rule, m.labels?.severity, m.value]),
    ).toEqual([
      ['102', 'missed', 'critical', '1'],
      ['102', 'verification-failed', 'warning', '1'],
    ])
    expect(perGuest.metrics[0]?.labels?.name).toBe(ODD_NAMES[0])
    const all = family(families, 'pulse_edge_alerts_firing')
    expect(sampleValue(all, { severity: 'critical' })).toBe('2')
    expect(sampleValue(all, { severity: 'warning' })).toBe('2')
  })

  it('states PVE jobs: last run, success (ok 1, failed 0, none while running), failed guests', () => {
    const last = family(families, 'pulse_edge_pve_job_last_run_timestamp_seconds')
    const success = family(families, 'pulse_edge_pve_job_last_run_success')
    const failed = family(families, 'pulse_edge_pve_job_last_run_failed_guests')
    const next = family(families, 'pulse_edge_pve_job_next_run_timestamp_seconds')
    const enabled = family(families, 'pulse_edge_pve_job_enabled')
    const job = (id: string) => ({ cluster: 'homelab', job: id })
    expect(sampleValue(last, job('backup-nightly'))).toBe(String(NOW - 9 * HOUR))
    expect(sampleValue(success, job('backup-nightly'))).toBe('1')
    expect(sampleValue(success, job('weekly'))).toBe('0')
    expect(sampleValue(failed, job('weekly'))).toBe('2')
    // Running: its start is the last run's time, and no outcome yet.
    expect(sampleValue(last, job('hourly'))).toBe(String(NOW - HOUR))
    expect(sampleValue(success, job('hourly'))).toBeUndefined()
    // Never run and disabled: no run series, no next run, enabled 0.
    expect(sampleValue(last, job('old'))).toBeUndefined()
    expect(sampleValue(next, job('old'))).toBeUndefined()
    expect(sampleValue(enabled, job('old'))).toBe('0')
    expect(sampleValue(next, job('backup-nightly'))).toBe(String(NOW + 14 * HOUR))
  })

  it('states PBS jobs: OK is 1, WARNINGS and an error text are 0, never run is absent', () => {
    const success = family(families, 'pulse_edge_pbs_job_last_run_success')
    const last = family(families, 'pulse_edge_pbs_job_last_run_timestamp_seconds')
    expect(sampleValue(success, { kind: 'verify', job: 'v-store1', store: 'store1' })).toBe('1')
    expect(sampleValue(success, { kind: 'prune', job: 'p-store1' })).toBe('0')
    expect(sampleValue(success, { kind: 'gc', job: 'store1' })).toBe('0')
    expect(sampleValue(success, { kind: 'sync' })).toBeUndefined()
    expect(sampleValue(last, { kind: 'sync' })).toBeUndefined()
    expect(sampleValue(last, { kind: 'verify' })).toBe(String(NOW - 19 * HOUR))
  })

  it('states storage and datastores in bytes with the estimated full time, absent when unknown', () => {
    const nfs = { cluster: 'homelab', storage: 'nfs-backup', node: '' }
    expect(sampleValue(family(families, 'pulse_edge_storage_used_bytes'), nfs)).toBe(
      '2000000000000',
    )
    expect(sampleValue(family(families, 'pulse_edge_storage_total_bytes'), nfs)).toBe(
      '8000000000000',
    )
    expect(
      sampleValue(family(families, 'pulse_edge_storage_estimated_full_timestamp_seconds'), nfs),
    ).toBe(String(NOW + 90 * 24 * HOUR))
    expect(
      sampleValue(family(families, 'pulse_edge_storage_used_bytes'), {
        storage: 'local',
        node: 'pve2',
      }),
      'a local storage without sizes',
    ).toBeUndefined()
    const store1 = { source: 'pbs', store: 'store1' }
    expect(sampleValue(family(families, 'pulse_edge_datastore_used_bytes'), store1)).toBe(
      '3000000000000',
    )
    expect(sampleValue(family(families, 'pulse_edge_datastore_available_bytes'), store1)).toBe(
      '900000000000',
    )
    expect(sampleValue(family(families, 'pulse_edge_datastore_total_bytes'), store1)).toBe(
      '4000000000000',
    )
    expect(
      sampleValue(
        family(families, 'pulse_edge_datastore_estimated_full_timestamp_seconds'),
        store1,
      ),
    ).toBe(String(NOW + 23 * 24 * HOUR))
    expect(family(families, 'pulse_edge_datastore_total_bytes').metrics).toHaveLength(1)
  })

  it('states sources: up 1, failed 0, never tried 0; last success only once there was one', () => {
    const up = family(families, 'pulse_edge_source_up')
    expect(sampleValue(up, { source: 'homelab', kind: 'pve' })).toBe('1')
    expect(sampleValue(up, { source: 'office' })).toBe('0')
    expect(sampleValue(up, { source: 'pbs', kind: 'pbs' })).toBe('0')
    const success = family(families, 'pulse_edge_source_last_success_timestamp_seconds')
    expect(sampleValue(success, { source: 'office' })).toBe(String(NOW - 7200))
    expect(sampleValue(success, { source: 'pbs' })).toBeUndefined()
    expect(family(families, 'pulse_edge_last_refresh_timestamp_seconds').metrics).toEqual([
      { value: String(NOW - 590) },
    ])
  })

  it('passes the counters through as counters', () => {
    expect(family(families, 'pulse_edge_refreshes_total').metrics).toEqual([{ value: '42' }])
    expect(family(families, 'pulse_edge_notifications_sent_total').metrics).toEqual([
      { value: '7' },
    ])
  })
})

describe('label escaping', () => {
  const text = renderMetrics(fullInput())
  const names = parseExposition(text)
    .get('pulse_edge_guest_info')
    ?.metrics.map((m) => m.labels?.name)

  it.each(ODD_NAMES)('gives back %j exactly', (name) => {
    expect(names).toContain(name)
  })

  it('writes backslash, double quote and line feed as the format says, and nothing else', () => {
    expect(text).toContain('name="web \\"front\\" \\\\ edge\\nline two"')
    expect(text).toContain('name="C:\\\\DIR\\\\FILE.TXT"')
    expect(text).toContain('name="\\\\n is not a line feed"')
    expect(text).toContain('name="ends in backslash \\\\"')
    expect(text).toContain('name="Ünïcødé 🚀 сервер 数据库"')
    expect(escapeLabelValue('a"b\\c\nd\re\tf')).toBe('a\\"b\\\\c\\nd\re\tf')
    expect(escapeHelp('say "hi"\\\nbye')).toBe('say "hi"\\\\\\nbye')
  })

  it('round-trips any string through the parser, and keeps the grammar', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        const g = guest({ cluster: 'c', guestId: 1, guestName: name })
        const out = renderMetrics(
          fullInput({ index: { guests: [g], orphans: [], ambiguous: [] }, firing: [] }),
        )
        expect(grammarProblems(out)).toEqual([])
        const info = parseExposition(out).get('pulse_edge_guest_info')?.metrics
        expect(info?.map((m) => m.labels?.name)).toEqual([name])
      }),
      { numRuns: 300 },
    )
  })
})

describe('an empty deployment', () => {
  const text = renderMetrics(EMPTY)

  it('still documents every family, with samples only for the alert counts', () => {
    expect(grammarProblems(text)).toEqual([])
    const families = parseExposition(text)
    expect([...families.keys()]).toEqual(SPECS.map((s) => s.name))
    const withSamples = [...families.values()]
      .filter((f) => f.metrics.length > 0)
      .map((f) => f.name)
    expect(withSamples).toEqual(['pulse_edge_alerts_firing'])
  })
})

describe('values', () => {
  it('are written as Go reads floats', () => {
    expect([0, 12, 1.5, 1e21, 2 ** 53, Infinity, -Infinity, Number.NaN].map(formatValue)).toEqual([
      '0',
      '12',
      '1.5',
      '1e+21',
      '9007199254740992',
      '+Inf',
      '-Inf',
      'NaN',
    ])
  })
})

describe('the grammar check itself', () => {
  it('finds what the lenient npm parser lets through', () => {
    const ok = '# HELP m_a A.\n# TYPE m_a gauge\nm_a{x="1"} 1\n'
    expect(grammarProblems(ok)).toEqual([])
    expect(grammarProblems('m_a{x="a"b"} 1\n')).toEqual([
      'line 1 is not valid: "m_a{x=\\"a\\"b\\"} 1"',
    ])
    expect(grammarProblems('m_a{x="unterminated} 1\n')).toHaveLength(1)
    expect(grammarProblems('m_a{x="a\\tb"} 1\n'), 'an escape the format lacks').toHaveLength(1)
    expect(grammarProblems('m_a 1')).toEqual(['the last line does not end with a line feed'])
    expect(grammarProblems('m_a 1\nm_b 2\nm_a 3\n')).toEqual([
      'line 3: family m_a appears again after others',
    ])
    expect(grammarProblems('m_a 1\n# TYPE m_a gauge\n')).toEqual([
      'line 2: TYPE for m_a after its samples',
    ])
    expect(grammarProblems('# HELP m_a x\n# HELP m_a y\n')).toEqual(['line 2: second HELP for m_a'])
  })
})

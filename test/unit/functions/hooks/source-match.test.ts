// Which source a Proxmox notification came from: query parameter, node name, PBS names,
// datastore; and a clear message when nothing matches.
import { describe, expect, it } from 'vitest'
import type { PbsFacts, PveFacts } from '../../../../functions/collect/facts.ts'
import type { SourceConfig } from '../../../../functions/config.ts'
import { matchSources, sourceNames } from '../../../../functions/hooks/source-match.ts'

const credentials = { tokenSecret: 'x' }
const homelab: SourceConfig = {
  id: 'homelab',
  kind: 'pve',
  url: 'https://pve.example.com',
  tokenId: 'monitor@pve!pulse',
  timeoutMs: 1000,
  credentials,
}
const office: SourceConfig = { ...homelab, id: 'office', url: 'https://10.0.0.5:8006' }
const pbs: SourceConfig = {
  id: 'pbs',
  kind: 'pbs',
  url: 'https://backup.example.com:8007',
  tokenId: 'monitor@pbs!pulse',
  timeoutMs: 1000,
  pveServerNames: ['pbs.lab.lan', '192.168.10.5'],
  credentials,
}

const pveFacts = (sourceId: string, nodes: string[], pbsServer?: string) =>
  ({
    kind: 'pve',
    sourceId,
    nodes: nodes.map((name) => ({ name, online: true })),
    storages: [
      { storage: 'local', type: 'dir', shared: false },
      ...(pbsServer
        ? [
            {
              storage: 'backup-main',
              type: 'pbs',
              shared: true,
              pbs: { server: pbsServer, datastore: 'store1', namespace: '' },
            },
          ]
        : []),
    ],
  }) as PveFacts
const pbsFacts = {
  kind: 'pbs',
  sourceId: 'pbs',
  datastores: [{ store: 'store1', namespaces: [] }],
} as unknown as PbsFacts

const names = [
  sourceNames(homelab, pveFacts('homelab', ['pve1', 'pve2', 'pve3'])),
  sourceNames(office, pveFacts('office', ['office-pve1'])),
  sourceNames(pbs, pbsFacts),
]

describe('sourceNames', () => {
  it('knows PVE nodes from stored facts and the short name of the URL host', () => {
    expect(names[0]?.hostnames).toEqual(['pve1', 'pve2', 'pve3', 'pve.example.com', 'pve'])
    expect(sourceNames(office, null).hostnames).toEqual(['10.0.0.5'])
  })

  it('knows a PBS by its URL host, the names PVE storages use, and its datastores', () => {
    expect(names[2]).toEqual({
      id: 'pbs',
      kind: 'pbs',
      hostnames: ['backup.example.com', 'backup', 'pbs.lab.lan', 'pbs', '192.168.10.5'],
      datastores: ['store1'],
    })
  })
})

describe('matchSources', () => {
  it('prefers the source query parameter, whatever the event', () => {
    expect(matchSources(names, { type: 'gc', hostname: 'pve1' }, 'office')).toEqual({
      ok: true,
      sourceIds: ['office'],
      by: 'source parameter',
    })
    expect(matchSources(names, { type: 'vzdump' }, 'nope')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"nope"'),
    })
  })

  it('finds the PVE cluster of a vzdump by node name, case-insensitively', () => {
    expect(matchSources(names, { type: 'vzdump', hostname: 'PVE2' }, undefined)).toEqual({
      ok: true,
      sourceIds: ['homelab'],
      by: 'hostname',
    })
    expect(
      matchSources(names, { type: 'vzdump', hostname: 'office-pve1' }, undefined),
    ).toMatchObject({ sourceIds: ['office'] })
  })

  it('finds the PBS of a PBS job by hostname, else by datastore', () => {
    expect(
      matchSources(names, { type: 'verify', hostname: 'pbs', datastore: 'x' }, undefined),
    ).toMatchObject({ sourceIds: ['pbs'], by: 'hostname' })
    expect(
      matchSources(names, { type: 'gc', hostname: 'elsewhere', datastore: 'store1' }, undefined),
    ).toMatchObject({ sourceIds: ['pbs'], by: 'datastore' })
  })

  it('never sends a PBS job to a PVE source with the same host name', () => {
    const result = matchSources(names, { type: 'prune', hostname: 'pve1' }, undefined)
    expect(result.ok).toBe(false)
  })

  it('says what it looked for and how to fix it when nothing matches', () => {
    const result = matchSources(names, { type: 'vzdump', hostname: 'pve9' }, undefined)
    expect(result).toEqual({
      ok: false,
      message:
        'No configured PVE source matches this vzdump notification (hostname "pve9"); add ?source=<id> to the webhook URL',
    })
  })

  it('refreshes with a vzdump the PBS its cluster backs up to, as the storage names it', () => {
    const linked = [
      sourceNames(homelab, pveFacts('homelab', ['pve1'], 'PBS.lab.lan')),
      sourceNames(office, pveFacts('office', ['office-pve1'])),
      sourceNames(pbs, pbsFacts),
    ]
    expect(linked[0]?.pbsServers).toEqual(['pbs.lab.lan', 'pbs'])
    expect(matchSources(linked, { type: 'vzdump', hostname: 'pve1' }, undefined)).toEqual({
      ok: true,
      sourceIds: ['homelab', 'pbs'],
      by: 'hostname',
    })
    // Named by the URL's source parameter just the same.
    expect(matchSources(linked, { type: 'vzdump' }, 'homelab')).toMatchObject({
      sourceIds: ['homelab', 'pbs'],
    })
    // A cluster with no PBS storage, or a PBS job's own notification: that source alone.
    expect(matchSources(linked, { type: 'vzdump', hostname: 'office-pve1' }, undefined)).toEqual({
      ok: true,
      sourceIds: ['office'],
      by: 'hostname',
    })
    expect(matchSources(linked, { type: 'verify', hostname: 'pbs' }, undefined)).toMatchObject({
      sourceIds: ['pbs'],
    })
  })

  it('refreshes every source that knows an ambiguous node name', () => {
    const twins = [names[0], sourceNames({ ...office }, pveFacts('office', ['pve1']))].filter(
      (n) => n !== undefined,
    )
    expect(matchSources(twins, { type: 'vzdump', hostname: 'pve1' }, undefined)).toMatchObject({
      sourceIds: ['homelab', 'office'],
    })
  })
})

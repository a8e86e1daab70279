// Authentication like the real servers: PVE empty-body 401s, PBS plain text, header variants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningLab, startLab } from './server.ts'
import { data, get, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 1, now: NOW, authFailureDelayMs: 0 })
})
afterAll(() => lab.close())

describe('PVE authentication', () => {
  it('answers a request without credentials with 401 "No ticket" and an empty body', async () => {
    const res = await fetch(`${source(lab, 'pve/homelab').url}/api2/json/version`)
    expect(res.status).toBe(401)
    expect(res.statusText).toBe('No ticket')
    expect(await res.text()).toBe('')
  })

  it('answers a wrong token secret with 401 "Authentication failed!" and an empty body', async () => {
    const s = source(lab, 'pve/homelab')
    const res = await get(
      s,
      '/version',
      `PVEAPIToken=${s.tokenId}=00000000-0000-4000-8000-000000000000`,
    )
    expect(res.status).toBe(401)
    expect(res.statusText).toBe('Authentication failed!')
    expect(await res.text()).toBe('')
  })

  it('accepts a space instead of the first "=" after PVEAPIToken', async () => {
    const s = source(lab, 'pve/homelab')
    const res = await get(s, '/version', `PVEAPIToken ${s.tokenId}=${s.tokenSecret}`)
    expect(res.status).toBe(200)
  })

  it('gives the auditor token an empty backup content list although backups exist', async () => {
    const s = source(lab, 'pve/homelab')
    const path = '/nodes/pve1/storage/nas-nfs/content?content=backup'
    expect((await data(s, path)).length).toBeGreaterThan(0)
    const res = await get(s, path, `PVEAPIToken=${s.auditorTokenId}=${s.auditorTokenSecret}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: [] })
  })

  it('lets the auditor token read the guest inventory normally', async () => {
    const s = source(lab, 'pve/homelab')
    const res = await get(
      s,
      '/cluster/resources?type=vm',
      `PVEAPIToken=${s.auditorTokenId}=${s.auditorTokenSecret}`,
    )
    const body = (await res.json()) as { data: unknown[] }
    expect(body.data.length).toBe(lab.model.clusters[0]?.guests.length)
  })
})

describe('PBS authentication', () => {
  it('answers a missing or wrong token with 401 and the plain-text body "authentication failed"', async () => {
    const s = source(lab, 'pbs/pbs')
    for (const auth of ['', `PBSAPIToken=${s.tokenId}:wrong`]) {
      const res = await get(s, '/admin/datastore', auth)
      expect(res.status).toBe(401)
      expect(await res.text()).toBe('authentication failed')
    }
  })

  it('accepts a space after PBSAPIToken and splits the secret at the last colon', async () => {
    const s = source(lab, 'pbs/pbs')
    const res = await get(s, '/version', `PBSAPIToken ${s.tokenId}:${s.tokenSecret}`)
    expect(res.status).toBe(200)
  })

  it('derives token secrets from the seed as lowercase UUIDs', () => {
    for (const s of lab.sources)
      expect(s.tokenSecret).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
  })
})

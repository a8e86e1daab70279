// What a public badge gives away, inside workerd: by default an age and a status only; names,
// opaque ids and switching badges off as configured; hostile names stay inert text.
import { beforeAll, describe, expect, it } from 'vitest'
import { StatusSchema } from '../../shared/schema/status.ts'
import { readBadgeSvg } from './badge-svg.ts'
import { putGuest } from './guest-records.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'
import { ShieldsEndpointSchema } from './shields-endpoint-schema.ts'

const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const { now, facts } = labModel()
const { cluster, vmid } = facts.designGuest
const HOSTILE_NAME = `<img src=x onerror=alert(1)> ]]>&"'`
const OPAQUE_ID = 'q7Lk2vX9mP4a'

async function text(path: string, env = testEnv) {
  const response = await call(env, path)
  return { response, body: await response.text() }
}

beforeAll(async () => {
  await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
  await putGuest(testEnv, 'hostile', 1, { pve: Math.floor(Date.now() / 1000) - 3600 }, HOSTILE_NAME)
})

describe('guest names', () => {
  it('stay out of badges by default', async () => {
    for (const path of [`/badge/${cluster}/${vmid}.svg`, `/badge/${cluster}/${vmid}.json`]) {
      const { body } = await text(path)
      expect(body).not.toContain('debian')
    }
  })

  it('label the badge when PULSE_BADGE_SHOW_NAMES is true', async () => {
    const named = labEnv({ PULSE_BADGE_SHOW_NAMES: 'true' })
    const { body } = await text(`/badge/${cluster}/${vmid}.svg`, named)
    expect(readBadgeSvg(body).title).toBe('debian backup: 11h')
  })

  it('are escaped: a hostile name is shown as text and the SVG stays well-formed', async () => {
    const named = labEnv({ PULSE_BADGE_SHOW_NAMES: 'true' })
    const { response, body } = await text('/badge/hostile/1.svg', named)
    expect(response.status).toBe(200)
    expect(body).not.toContain('<img')
    expect(body).not.toContain(']]>')
    const badge = readBadgeSvg(body)
    expect(badge.title).toBe(`${HOSTILE_NAME} backup: 1h`)
    expect(badge.texts.slice(0, 2)).toEqual([`${HOSTILE_NAME} backup`, `${HOSTILE_NAME} backup`])
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'")
    const json = ShieldsEndpointSchema.parse(
      await (await call(named, '/badge/hostile/1.json')).json(),
    )
    expect(json.label).toBe(`${HOSTILE_NAME} backup`)
  })
})

describe('PULSE_BADGES=off', () => {
  const off = labEnv({ PULSE_BADGES: 'off' })

  it('answers 404 on every badge route, like a route that does not exist', async () => {
    for (const path of [
      `/badge/${cluster}/${vmid}.svg`,
      `/badge/${cluster}/${vmid}.json`,
      '/badge/summary.svg',
      '/badge/summary.json',
      `/badge/id/${OPAQUE_ID}.svg`,
    ]) {
      const { response, body } = await text(path, off)
      expect(response.status, path).toBe(404)
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'not_found' } })
    }
  })

  it('is also what an unreadable value means, reported by field name', async () => {
    const unclear = labEnv({ PULSE_BADGES: 'disabled-please' })
    expect((await call(unclear, '/badge/summary.svg')).status).toBe(404)
    const status = StatusSchema.parse(await (await call(unclear, '/api/status')).json())
    const issue = status.configIssues.find((i) => i.field === 'PULSE_BADGES')
    expect(issue?.message).toBeDefined()
    expect(issue?.message).not.toContain('disabled-please')
  })
})

describe('opaque badge ids', () => {
  const ids = labEnv({
    PULSE_BADGE_IDS: JSON.stringify({ [OPAQUE_ID]: `${cluster}/${vmid}` }),
    PULSE_BADGE_IDS_ONLY: 'true',
  })

  it('serve the guest badge under /badge/id/<id>, the same as by cluster/vmid', async () => {
    const byId = await text(`/badge/id/${OPAQUE_ID}.svg?type=pve`, ids)
    const direct = await text(`/badge/${cluster}/${vmid}.svg?type=pve`, testEnv)
    expect(byId.response.status).toBe(200)
    expect(byId.body).toBe(direct.body)
    const json = await (await call(ids, `/badge/id/${OPAQUE_ID}.json`)).json()
    expect(ShieldsEndpointSchema.parse(json).message).toBe('11h')
  })

  it('reveal neither the VMID nor the cluster', async () => {
    for (const path of [`/badge/id/${OPAQUE_ID}.svg`, `/badge/id/${OPAQUE_ID}.json`]) {
      const { body } = await text(path, ids)
      const shown = path.endsWith('.svg')
        ? (({ title, ariaLabel, texts }) => [title, ariaLabel, ...texts])(readBadgeSvg(body))
        : Object.values(JSON.parse(body)).map(String)
      for (const part of shown) {
        expect(part).not.toContain(String(vmid))
        expect(part).not.toContain(cluster)
      }
    }
  })

  it('with PULSE_BADGE_IDS_ONLY, refuse cluster/vmid URLs as if they did not exist', async () => {
    const { response, body } = await text(`/badge/${cluster}/${vmid}.svg`, ids)
    expect(response.status).toBe(404)
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'not_found' } })
    expect((await call(ids, '/badge/summary.svg')).status).toBe(200)
  })

  it('answer an unknown id with the grey unknown badge and 404', async () => {
    const { response, body } = await text('/badge/id/notAnIdAtAll.svg', ids)
    expect(response.status).toBe(404)
    expect(readBadgeSvg(body).title).toBe('backup: unknown')
  })

  it('keep the good entries and keep serving when the map has bad ones', async () => {
    const partly = labEnv({
      PULSE_BADGE_IDS: JSON.stringify({ short: 'homelab/1', [OPAQUE_ID]: `${cluster}/${vmid}` }),
    })
    expect((await call(partly, `/badge/id/${OPAQUE_ID}.svg`)).status).toBe(200)
    expect((await call(partly, `/badge/${cluster}/${vmid}.svg`)).status).toBe(200)
    const status = StatusSchema.parse(await (await call(partly, '/api/status')).json())
    expect(status.configIssues.map((i) => i.field)).toContain('PULSE_BADGE_IDS entry 1')
    expect(JSON.stringify(status.configIssues)).not.toContain('short')
  })

  it('never fail a badge over a map that is not JSON', async () => {
    const broken = labEnv({ PULSE_BADGE_IDS: '{"not json' })
    expect((await call(broken, `/badge/${cluster}/${vmid}.svg`)).status).toBe(200)
    expect((await call(broken, `/badge/id/${OPAQUE_ID}.svg`)).status).toBe(404)
  })
})

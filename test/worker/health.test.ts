import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { HealthSchema } from '../../shared/schema/health.ts'

describe('GET /api/health', () => {
  it('answers inside workerd with the shared health schema and no caching', async () => {
    const response = await exports.default.fetch('http://pulse.test/api/health')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = HealthSchema.parse(await response.json())
    expect(body.status).toBe('ok')
    expect(Math.abs(body.now - Date.now() / 1000)).toBeLessThan(60)
  })

  it('answers unknown API paths with the JSON error shape', async () => {
    const response = await exports.default.fetch('http://pulse.test/api/nope')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for /api/nope' },
    })
  })
})

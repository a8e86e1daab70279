// Security headers on the JSON routes (and /metrics): never framed, never sniffed, no referrer leaks.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call } from './lab.ts'

describe('security headers', () => {
  it.each([
    ['/api/health', 200],
    ['/api/status', 200],
    ['/api/guests/homelab/999999', 404],
    ['/api/nothing-here', 404],
    ['/hooks/nothing-here', 404],
    ['/metrics', 401],
  ])('%s answers %i with strict headers', async (path, status) => {
    const response = await call(env, path)
    expect(response.status).toBe(status)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin')
  })
})

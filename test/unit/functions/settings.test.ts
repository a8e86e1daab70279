import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { REFRESH_INTERVAL_SECONDS } from '../../../functions/routes/api.ts'
import { VERSION } from '../../../functions/version.ts'

const root = new URL('../../../', import.meta.url)

describe('values kept in step with config files', () => {
  it('reports the package version in /api/health', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
    expect(VERSION).toBe(pkg.version)
  })

  it('announces the next refresh on the cron interval of wrangler.toml', () => {
    const toml = readFileSync(new URL('wrangler.toml', root), 'utf8')
    const minutes = Number(/crons = \["\*\/(\d+) \* \* \* \*"\]/.exec(toml)?.[1])
    expect(minutes * 60).toBe(REFRESH_INTERVAL_SECONDS)
  })
})

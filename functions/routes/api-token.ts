// The one bearer-token gate of the Worker's own API: PULSE_API_TOKEN, checked by
// hono/bearer-auth (constant-time comparison, RFC 6750 challenges). It guards what scripts and
// scrapers call: POST /api/refresh and GET /metrics. With no token set the gate is closed,
// unless the explicit local-development opt-out PULSE_ALLOW_ANONYMOUS_REFRESH opens it.
// Every refusal is 401 with the API's error body. (Cloudflare Access, when used, is enforced at
// the edge before the Worker runs; the Worker itself checks only this token.)
import type { Context } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { createMiddleware } from 'hono/factory'
import type { ApiError } from '../../shared/schema/error.ts'
import { readConfig } from '../config.ts'
import type { AppEnv } from '../env.ts'

const REALM = 'pulse-edge'
const UNAUTHORIZED: ApiError = {
  error: { code: 'unauthorized', message: 'A valid API token is required' },
}
const deny = (c: Context) => c.json(UNAUTHORIZED, 401)

export const apiTokenAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { apiToken, anonymousRefreshAllowed } = readConfig(c.env).refresh
  if (!apiToken) {
    if (anonymousRefreshAllowed) return next()
    c.header('WWW-Authenticate', `Bearer realm="${REALM}"`)
    return deny(c)
  }
  return bearerAuth<AppEnv>({
    token: apiToken,
    realm: REALM,
    noAuthenticationHeader: { message: deny },
    invalidAuthenticationHeader: {
      message: deny,
      wwwAuthenticateHeader: { realm: REALM, error: 'invalid_request' },
    },
    invalidToken: {
      message: deny,
      wwwAuthenticateHeader: { realm: REALM, error: 'invalid_token' },
    },
  })(c, next)
})

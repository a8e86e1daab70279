// createLabHandler: web-standard Request → Response for every lab source and the /_lab API.
// Order per request: source down, count, latency, slow faults, auth, offline node, http-error,
// route, malformed or truncated body.
import { pbsAccessRoutes, pveAccessRoutes } from './access-routes.ts'
import {
  type AclEntry,
  allows,
  PVE_AUDITOR_PRIVILEGES,
  PVE_MONITOR_PRIVILEGES,
  pbsRouteCheck,
  pveRouteCheck,
  type RouteCheck,
  tokenAcl,
} from './acl.ts'
import { parsePbsToken, parsePveToken } from './auth.ts'
import { type LabFault, pathMatches } from './faults.ts'
import { handleControl } from './lab-control.ts'
import { countRequest, type LabState } from './lab-state.ts'
import type { LabModel } from './model.ts'
import { type PbsContext, pbsRoutes } from './pbs-routes.ts'
import { pveClusterRoutes } from './pve-cluster-routes.ts'
import type { PveContext } from './pve-context.ts'
import { pveJobRoutes } from './pve-job-routes.ts'
import { pveStorageRoutes } from './pve-storage-routes.ts'
import { pveTaskRoutes } from './pve-task-routes.ts'
import { labAt } from './replay.ts'
import { labJson, pbsError, pbsSuccess, pveEmpty, pveError, pveSuccess, sleep } from './respond.ts'
import { matchRoute } from './router.ts'
import type { PbsServer, PveCluster } from './types.ts'

export type LabHandler = (request: Request) => Promise<Response>

const pveRoutes = [
  ...pveClusterRoutes,
  ...pveJobRoutes,
  ...pveStorageRoutes,
  ...pveTaskRoutes,
  ...pveAccessRoutes,
]
const pbsAllRoutes = [...pbsRoutes, ...pbsAccessRoutes]

const PVE_MONITOR_ACL: AclEntry[] = [
  { path: '/', privileges: PVE_MONITOR_PRIVILEGES, propagate: true },
]
const PVE_AUDITOR_ACL: AclEntry[] = [
  { path: '/', privileges: PVE_AUDITOR_PRIVILEGES, propagate: true },
]
/** README's advice: the DatastoreAudit role on /datastore. */
const PBS_MONITOR_ACL: AclEntry[] = [
  { path: '/datastore', privileges: ['Datastore.Audit'], propagate: true },
]

/** The check's denial, if the ACL grants none of its privileges on its path. */
function denied(acl: readonly AclEntry[], check: RouteCheck | undefined): RouteCheck | undefined {
  return check && !check.privileges.some((p) => allows(acl, check.path, p)) ? check : undefined
}
const statusTexts: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** A broken body for a successful answer, if a malformed- or truncated-json fault applies. */
async function broken(
  response: Response,
  faults: readonly LabFault[],
  apiPath: string,
): Promise<Response> {
  const applies = (kind: 'malformed-json' | 'truncated-json') =>
    faults.some(
      (f) =>
        (f.kind === 'malformed-json' || f.kind === 'truncated-json') &&
        f.kind === kind &&
        pathMatches(f.path, apiPath),
    )
  const truncated = applies('truncated-json')
  if (!truncated && !applies('malformed-json')) return response
  const text = await response.text()
  const body = truncated
    ? text.slice(0, Math.max(1, Math.floor(text.length * 0.6)))
    : text.replace(/^\{/, '{"status":nan,')
  return new Response(body, { status: 200, headers: response.headers })
}

const TUNNEL_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Cloudflare Tunnel error | lab.example.com | Cloudflare' +
  '</title></head><body><h1>Error 1033</h1><p>Cloudflare is currently unable to resolve it.' +
  '</p></body></html>\n'

/**
 * The answer of a source that is down, or undefined. Response.error() is a network failure:
 * the Node adapter closes the connection without answering.
 */
function sourceDown(state: LabState, sourceId: string): Response | undefined {
  const fault = state.faults.find((f) => f.kind === 'source-down' && f.source === sourceId)
  if (fault?.kind !== 'source-down') return undefined
  if (fault.via !== 'tunnel') return Response.error()
  return new Response(TUNNEL_ERROR_PAGE, {
    status: 530,
    headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare' },
  })
}

interface Prepared {
  sourceId: string
  apiPath: string
  faults: LabFault[]
}

async function prepare(
  state: LabState,
  sourceId: string,
  method: string,
  apiPath: string,
  pattern: string | undefined,
): Promise<Prepared> {
  countRequest(state, `${sourceId} ${method} ${pattern ?? apiPath}`)
  await sleep(state.latencyMs)
  const faults = state.faults.filter((f) => f.source === sourceId)
  for (const f of faults)
    if (f.kind === 'slow' && pathMatches(f.path, apiPath)) await sleep(f.delayMs)
  return { sourceId, apiPath, faults }
}

async function handlePve(
  model: LabModel,
  state: LabState,
  cluster: PveCluster,
  request: Request,
  apiPath: string,
  query: URLSearchParams,
): Promise<Response> {
  const match = request.method === 'GET' ? matchRoute(pveRoutes, apiPath) : undefined
  const { faults } = await prepare(state, cluster.id, request.method, apiPath, match?.route.pattern)
  const creds = parsePveToken(request.headers.get('authorization'))
  const badToken = faults.some((f) => f.kind === 'bad-token')
  const full = creds?.tokenId === cluster.tokenId && creds.secret === cluster.tokenSecret
  const auditor =
    creds?.tokenId === cluster.auditorTokenId && creds.secret === cluster.auditorTokenSecret
  if (!creds || badToken || !(full || auditor)) {
    await sleep(state.authFailureDelayMs)
    return pveEmpty(401, creds ? 'Authentication failed!' : 'No ticket')
  }
  const offline = new Set(faults.flatMap((f) => (f.kind === 'node-offline' ? [f.node] : [])))
  const nodeInPath = /^\/nodes\/([^/]+)\//.exec(apiPath)?.[1]
  if (nodeInPath && offline.has(nodeInPath)) return pveEmpty(595, 'No route to host')
  const legacy = faults.some((f) => f.kind === 'pve-legacy-errors')
  const injected = faults.find((f) => f.kind === 'http-error' && pathMatches(f.path, apiPath))
  if (injected?.kind === 'http-error') {
    return injected.message === undefined
      ? pveError(injected.status, statusTexts[injected.status] ?? 'Error', undefined, true)
      : pveError(injected.status, `${injected.message}\n`, undefined, legacy)
  }
  if (!match)
    return pveError(501, `Method '${request.method} ${apiPath}' not implemented`, undefined, legacy)
  // The monitoring token's ACL can be changed by faults; the auditor's is PVEAuditor on /.
  const acl = auditor ? PVE_AUDITOR_ACL : tokenAcl(PVE_MONITOR_ACL, faults, cluster.id)
  const refused = denied(acl, pveRouteCheck(match.route.pattern, match.params))
  if (refused)
    return pveError(
      403,
      `Permission check failed (${refused.path}, ${refused.privileges.join('|')})\n`,
      undefined,
      legacy,
    )
  // All faults: a PBS-side outage also breaks this cluster's pbs-type storages.
  const ctx: PveContext = {
    model,
    cluster,
    tokenId: creds.tokenId,
    acl,
    offline,
    faults: state.faults,
    // Set into the past, the clock says how far back (storage was that much emptier then).
    elapsedSeconds: elapsedSeconds(state, model),
  }
  const result = await match.route.handle(ctx, match.params, query)
  return result.ok
    ? broken(pveSuccess(result.data, result.extra), faults, apiPath)
    : pveError(result.status, `${result.message}\n`, result.errors, legacy)
}

async function handlePbs(
  state: LabState,
  server: PbsServer,
  request: Request,
  apiPath: string,
  query: URLSearchParams,
): Promise<Response> {
  const match = request.method === 'GET' ? matchRoute(pbsAllRoutes, apiPath) : undefined
  const { faults } = await prepare(state, server.id, request.method, apiPath, match?.route.pattern)
  const creds = parsePbsToken(request.headers.get('authorization'))
  const good = creds?.tokenId === server.tokenId && creds.secret === server.tokenSecret
  if (!good || faults.some((f) => f.kind === 'bad-token')) {
    await sleep(state.authFailureDelayMs)
    return pbsError(401, 'authentication failed')
  }
  const injected = faults.find((f) => f.kind === 'http-error' && pathMatches(f.path, apiPath))
  if (injected?.kind === 'http-error')
    return pbsError(injected.status, injected.message ?? 'internal server error')
  if (!match) return pbsError(404, `Path '/api2/json${apiPath}' not found.`)
  const acl = tokenAcl(PBS_MONITOR_ACL, faults, server.id)
  const refused = denied(acl, pbsRouteCheck(match.route.pattern, match.params, query))
  if (refused)
    return pbsError(
      403,
      `permission check failed - missing ${refused.privileges.join('|')} on ${refused.path}`,
    )
  const ctx: PbsContext = { server, faults, acl }
  const result = await match.route.handle(ctx, match.params, query)
  return result.ok
    ? broken(pbsSuccess(result.data, result.extra), faults, apiPath)
    : pbsError(result.status, result.message)
}

/** The lab's own now: a model as of a set clock (replay.ts) keeps it in `facts`' frame. */
const baseNows = new WeakMap<LabModel, number>()

function elapsedSeconds(state: LabState, model: LabModel): number {
  // Set into the past, the clock says how far back (storage was that much emptier then).
  if (state.clock !== null) return state.clock - (baseNows.get(model) ?? model.now)
  return Math.max(0, Math.floor(Date.now() / 1000) - state.startedAt)
}

export function createLabHandler(base: LabModel, state: LabState): LabHandler {
  // The sources answer from the model as of the lab's clock (replay.ts), made once per setting.
  let view: { clock: number | null; model: LabModel } = { clock: null, model: labAt(base, null) }
  let stale = false
  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname === '/_lab' || url.pathname.startsWith('/_lab/')) {
      // A control that changes the model (a backup, the clock, a deleted guest) makes the view
      // stale: it is a copy when the model has a past (labAt).
      if (request.method !== 'GET') stale = true
      return handleControl(request, base, state)
    }
    if (stale || view.clock !== state.clock) {
      stale = false
      view = { clock: state.clock, model: labAt(base, state.clock) }
      baseNows.set(view.model, base.now)
    }
    const model = view.model
    const m = /^\/(pve|pbs)\/([^/]+)\/api2\/json(\/.*)?$/.exec(url.pathname)
    if (!m) return labJson({ error: `not a lab source path: ${url.pathname}` }, 404)
    const [, kind, name, rest] = m as unknown as [string, string, string, string | undefined]
    const apiPath = rest && rest !== '/' ? rest.replace(/\/+$/, '') : '/'
    if (kind === 'pve') {
      const cluster = model.clusters.find((c) => c.name === name)
      const down = cluster && sourceDown(state, cluster.id)
      if (down) return down
      if (cluster) return handlePve(model, state, cluster, request, apiPath, url.searchParams)
    } else {
      const server = model.pbs.find((p) => p.id === `pbs/${name}`)
      const down = server && sourceDown(state, server.id)
      if (down) return down
      if (server) return handlePbs(state, server, request, apiPath, url.searchParams)
    }
    return labJson({ error: `no lab source ${kind}/${name}` }, 404)
  }
}

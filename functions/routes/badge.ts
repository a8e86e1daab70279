// /badge: embeddable SVG and shields.io endpoint badges of a guest's or the fleet's backup age.
// Public by design (README "Status badges"): no guest names unless enabled, at most one KV read
// per badge (none for a repeat within seconds), and a badge route answers with a badge, even for
// an unknown guest or a bad type.
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { AgeSubject, BackupFilter } from '../../shared/age.ts'
import {
  type Badge,
  type BadgeContext,
  fleetBadge,
  guestBadge,
  INVALID_TYPE_BADGE,
  isBackupFilter,
  unknownBadge,
} from '../badge/content.ts'
import { toShieldsEndpoint } from '../badge/shields-endpoint.ts'
import { renderBadgeSvg } from '../badge/svg.ts'
import { CLUSTER_PATTERN, type GuestRef, readConfig, VMID_PATTERN } from '../config.ts'
import type { AppEnv } from '../env.ts'
import { digestOf } from '../store/digest.ts'
import { guestKvKey, KV_INDEX_KEY } from '../store/keys.ts'
import type { CacheEnv } from '../store/read-cache.ts'
import { readGuest, readIndex } from '../store/read-cache.ts'
import { createReadMemory } from '../store/read-memory.ts'

type BadgeFormat = 'svg' | 'json'

// About a minute: README images are proxied (GitHub's camo) and re-fetched once this expires;
// the data itself changes at most every refresh (15 min).
const CACHE_CONTROL = 'public, max-age=60'
/** Well under a refresh interval and KV's own propagation delay (~60 s). */
const READ_MEMORY_MS = 10_000

// Only the fields badges show, not whole records with every backup's details.
type GuestAge = AgeSubject & { guestName: string | null }
type FleetAges = (AgeSubject & { template: boolean })[]
const rememberGuest = createReadMemory<GuestAge | null>(READ_MEMORY_MS)
const rememberFleet = createReadMemory<FleetAges | null>(READ_MEMORY_MS)

async function readGuestAge(env: CacheEnv, guest: GuestRef): Promise<GuestAge | null> {
  return rememberGuest(env, guestKvKey(guest.cluster, guest.vmid), async () => {
    const record = await readGuest(env, guest.cluster, guest.vmid)
    if (!record) return null
    const { guestName, latestBackupTime, latestTimes } = record
    return { guestName, latestBackupTime, latestTimes }
  })
}

async function readFleetAges(env: CacheEnv): Promise<FleetAges | null> {
  return rememberFleet(env, KV_INDEX_KEY, async () => {
    const index = await readIndex(env)
    return (
      index?.guests.map(({ template, latestBackupTime, latestTimes }) => ({
        template,
        latestBackupTime,
        latestTimes,
      })) ?? null
    )
  })
}

const CONTENT_TYPES: Record<BadgeFormat, string> = {
  svg: 'image/svg+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

function splitFile(file: string): { name: string; format: BadgeFormat } | undefined {
  const dot = file.lastIndexOf('.')
  const extension = file.slice(dot + 1)
  if (dot <= 0 || (extension !== 'svg' && extension !== 'json')) return undefined
  return { name: file.slice(0, dot), format: extension }
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  // If-None-Match compares weakly (RFC 9110 §13.1.2).
  return ifNoneMatch.split(',').some((tag) => {
    const candidate = tag.trim()
    return candidate === '*' || candidate.replace(/^W\//, '') === etag
  })
}

async function sendBadge(
  c: Context<AppEnv>,
  badge: Badge,
  format: BadgeFormat,
  status: 200 | 400 | 404 = 200,
): Promise<Response> {
  const body = format === 'svg' ? renderBadgeSvg(badge) : JSON.stringify(toShieldsEndpoint(badge))
  c.header('Cache-Control', CACHE_CONTROL)
  // Other sites embed badges: allow cross-origin <img> loads and fetches of the JSON.
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  c.header('X-Content-Type-Options', 'nosniff')
  if (format === 'json') c.header('Access-Control-Allow-Origin', '*')
  // An SVG opened on its own is a document: it may run nothing, whatever a name contains.
  else c.header('Content-Security-Policy', "default-src 'none'")
  if (status === 200) {
    const etag = `"${await digestOf(body)}"`
    c.header('ETag', etag)
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304)
  }
  c.header('Content-Type', CONTENT_TYPES[format])
  return c.body(body, status)
}

function readFilter(c: Context<AppEnv>): BackupFilter | undefined {
  const type = c.req.query('type') ?? 'all'
  return isBackupFilter(type) ? type : undefined
}

function badgeContext(c: Context<AppEnv>, filter: BackupFilter): BadgeContext {
  return {
    filter,
    nowSeconds: Math.floor(Date.now() / 1000),
    thresholds: readConfig(c.env).thresholds,
  }
}

async function sendGuestBadge(
  c: Context<AppEnv>,
  guest: GuestRef | undefined,
  format: BadgeFormat,
): Promise<Response> {
  const filter = readFilter(c)
  if (!filter) return sendBadge(c, INVALID_TYPE_BADGE, format, 400)
  const record = guest ? await readGuestAge(c.env, guest) : null
  if (!record) return sendBadge(c, unknownBadge(filter, 'guest'), format, 404)
  const { showNames } = readConfig(c.env).badges
  return sendBadge(c, guestBadge(record, badgeContext(c, filter), showNames), format)
}

export const badge = new Hono<AppEnv>()
  .use(async (c, next) => {
    // Switched off, badges look like any route that does not exist.
    if (!readConfig(c.env).badges.enabled) return c.notFound()
    await next()
  })
  // Before /:cluster/:file, which would also match: a source named "id" needs opaque ids.
  .get('/id/:file', (c) => {
    const file = splitFile(c.req.param('file'))
    if (!file) return c.notFound()
    return sendGuestBadge(c, readConfig(c.env).badges.ids.get(file.name), file.format)
  })
  .get('/:cluster/:file', (c) => {
    const file = splitFile(c.req.param('file'))
    if (!file || readConfig(c.env).badges.idsOnly) return c.notFound()
    const cluster = c.req.param('cluster')
    const known = CLUSTER_PATTERN.test(cluster) && VMID_PATTERN.test(file.name)
    return sendGuestBadge(c, known ? { cluster, vmid: file.name } : undefined, file.format)
  })
  .get('/:file', async (c) => {
    const file = splitFile(c.req.param('file'))
    if (file?.name !== 'summary') return c.notFound()
    const filter = readFilter(c)
    if (!filter) return sendBadge(c, INVALID_TYPE_BADGE, file.format, 400)
    const guests = await readFleetAges(c.env)
    // Before the first refresh: a grey badge that turns real by itself, not a broken image.
    if (!guests) return sendBadge(c, unknownBadge(filter, 'fleet'), file.format)
    return sendBadge(c, fleetBadge(guests, badgeContext(c, filter)), file.format)
  })

// PULSE_SOURCES entries and their secrets (PULSE_TOKEN_<ID>, PULSE_ACCESS_CLIENT_*). An entry
// that is invalid, or whose secrets are missing, is left out and named by field; the good ones
// keep working. No message echoes a value.
import * as z from 'zod'
import type { Env } from '../env.ts'
import type { ConfigIssue } from './issue.ts'

const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/
// PVE splits token id and secret at the last '=', PBS at the last ':' (proxmox-api.md §0.2).
const PVE_TOKEN_ID_PATTERN = /^[^\s@!=]+@[^\s@!=]+![A-Za-z][\w.-]*$/
const PBS_TOKEN_ID_PATTERN = /^[^\s@!:]+@[^\s@!:]+![A-Za-z][\w.-]*$/
const DEFAULT_TIMEOUT_MS = 15_000

const HttpUrlSchema = z
  .string()
  .refine((value) => /^https?:\/\/[^\s/]+/.test(value) && URL.canParse(value), {
    message: 'must be an http(s) URL such as https://pve.example.com',
  })
  .transform((value) => value.replace(/\/+$/, ''))

const BaseSourceSchema = z.strictObject({
  id: z.string().regex(SOURCE_ID_PATTERN, {
    message: 'must be 1-32 lowercase letters, digits or dashes',
  }),
  name: z.string().min(1).max(64).optional(),
  url: HttpUrlSchema,
  timeoutMs: z.number().int().min(1_000).max(120_000).default(DEFAULT_TIMEOUT_MS),
})

const PveSourceSchema = BaseSourceSchema.extend({
  kind: z.literal('pve'),
  tokenId: z.string().regex(PVE_TOKEN_ID_PATTERN, { message: 'must look like user@realm!tokenid' }),
})

const ClusterMapSchema = z.strictObject({
  namespaces: z.record(z.string(), z.string()).default({}),
  datastores: z.record(z.string(), z.string()).default({}),
  owners: z.record(z.string(), z.string()).default({}),
})

const PbsSourceSchema = BaseSourceSchema.extend({
  kind: z.literal('pbs'),
  tokenId: z
    .string()
    .regex(PBS_TOKEN_ID_PATTERN, { message: 'must look like user@realm!tokenname' }),
  /** Which PVE cluster (source id) wrote a namespace, datastore or owner's backups. */
  clusterMap: ClusterMapSchema.optional(),
  /**
   * Names PVE storages use for this server (storage.cfg `server`, often a LAN address while
   * `url` is a tunnel hostname). PVE listings of those storages are skipped: PBS is read directly.
   */
  pveServerNames: z.array(z.string().min(1)).default([]),
})

const SourceSchema = z.discriminatedUnion('kind', [PveSourceSchema, PbsSourceSchema])

export type ClusterMap = z.output<typeof ClusterMapSchema>
type SourceSettings = z.output<typeof SourceSchema>

export interface SourceCredentials {
  tokenSecret: string
  access?: { clientId: string; clientSecret: string }
}

export type SourceConfig = SourceSettings & { credentials: SourceCredentials }
export type PveSourceConfig = Extract<SourceConfig, { kind: 'pve' }>
export type PbsSourceConfig = Extract<SourceConfig, { kind: 'pbs' }>

/** `homelab-2` → `HOMELAB_2`: the suffix of that source's secret names. */
export function secretSuffix(sourceId: string): string {
  return sourceId.toUpperCase().replace(/-/g, '_')
}

function formatPath(base: string, path: PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    base,
  )
}

function readSecret(env: Env, name: `PULSE_${string}`): string | undefined {
  const value = env[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function readCredentials(
  env: Env,
  source: SourceSettings,
  issues: ConfigIssue[],
): SourceCredentials | undefined {
  const suffix = secretSuffix(source.id)
  const tokenName = `PULSE_TOKEN_${suffix}` as const
  const tokenSecret = readSecret(env, tokenName)
  if (!tokenSecret) {
    issues.push({
      field: tokenName,
      message: `is not set: the API token secret of source "${source.id}" (wrangler secret put ${tokenName})`,
    })
    return undefined
  }
  const clientId =
    readSecret(env, `PULSE_ACCESS_CLIENT_ID_${suffix}`) ?? readSecret(env, 'PULSE_ACCESS_CLIENT_ID')
  const clientSecret =
    readSecret(env, `PULSE_ACCESS_CLIENT_SECRET_${suffix}`) ??
    readSecret(env, 'PULSE_ACCESS_CLIENT_SECRET')
  if (Boolean(clientId) !== Boolean(clientSecret)) {
    issues.push({
      field: clientId ? `PULSE_ACCESS_CLIENT_SECRET_${suffix}` : `PULSE_ACCESS_CLIENT_ID_${suffix}`,
      message: `is not set: a Cloudflare Access service token needs both its id and its secret (source "${source.id}")`,
    })
    return undefined
  }
  return clientId && clientSecret
    ? { tokenSecret, access: { clientId, clientSecret } }
    : { tokenSecret }
}

export interface ParsedSources {
  sources: SourceConfig[]
  /** How many entries were left out (invalid, a duplicate id, or missing secrets). */
  leftOut: number
}

/** The entries of PULSE_SOURCES (already read as a JSON array) with their secrets. */
export function parseSources(items: unknown[], env: Env, issues: ConfigIssue[]): ParsedSources {
  const sources: SourceConfig[] = []
  const seen = new Set<string>()
  items.forEach((item, index) => {
    const parsed = SourceSchema.safeParse(item)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({
          field: formatPath(`PULSE_SOURCES[${index}]`, issue.path),
          message: issue.message,
        })
      }
      return
    }
    if (seen.has(parsed.data.id)) {
      issues.push({ field: `PULSE_SOURCES[${index}].id`, message: 'is used by another source' })
      return
    }
    seen.add(parsed.data.id)
    const credentials = readCredentials(env, parsed.data, issues)
    if (credentials) sources.push({ ...parsed.data, credentials })
  })
  checkClusterMaps(sources, issues)
  return { sources, leftOut: items.length - sources.length }
}

function checkClusterMaps(sources: SourceConfig[], issues: ConfigIssue[]): void {
  const clusters = new Set(sources.filter((s) => s.kind === 'pve').map((s) => s.id))
  for (const source of sources) {
    if (source.kind !== 'pbs' || !source.clusterMap) continue
    for (const [mapName, map] of Object.entries(source.clusterMap)) {
      for (const [key, cluster] of Object.entries(map)) {
        if (!clusters.has(cluster)) {
          issues.push({
            field: `PULSE_SOURCES.${source.id}.clusterMap.${mapName}.${key}`,
            message: 'does not name a configured PVE source; ignored',
          })
        }
      }
    }
  }
}

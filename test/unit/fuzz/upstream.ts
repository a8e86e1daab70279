// A breakable Proxmox for the collector properties. The lab (tiny preset) answers every
// request; a mutation plan drawn by fast-check breaks chosen answers, either whole (an HTTP
// error, non-JSON or truncated text, `data` that is not a list) or item by item (a field
// missing, retyped, huge, negative, in the future or odd Unicode; an item duplicated or
// replaced). Every run records what it served, so a property can tell good items from bad.
import fc from 'fast-check'
import type { SourceConfig } from '../../../functions/config.ts'
import { workerSourceId } from '../../../scripts/lab-env.ts'
import { pbsAccessRoutes, pveAccessRoutes } from '../../lab/access-routes.ts'
import { createLabHandler, createLabState, generateLab, labSources } from '../../lab/index.ts'
import { pbsRoutes } from '../../lab/pbs-routes.ts'
import { pveClusterRoutes } from '../../lab/pve-cluster-routes.ts'
import { pveJobRoutes } from '../../lab/pve-job-routes.ts'
import { pveStorageRoutes } from '../../lab/pve-storage-routes.ts'
import { pveTaskRoutes } from '../../lab/pve-task-routes.ts'
import { matchRoute } from '../../lab/router.ts'

/** 2025-06-08T18:00:00Z. */
export const LAB_NOW = 1_749_405_600
const ORIGIN = 'http://lab.invalid'

export const model = generateLab({ preset: 'tiny', seed: 3, now: LAB_NOW })
const handler = createLabHandler(model, createLabState())

export function sourceConfig(labId: string): SourceConfig {
  const lab = labSources(model, ORIGIN).find((s) => s.id === labId)
  if (!lab) throw new Error(`no lab source ${labId}`)
  const common = {
    id: workerSourceId(lab.id),
    url: lab.url,
    tokenId: lab.tokenId,
    timeoutMs: 15_000,
    credentials: { tokenSecret: lab.tokenSecret },
  }
  return lab.kind === 'pve'
    ? { ...common, kind: 'pve' }
    : { ...common, kind: 'pbs', pveServerNames: [] }
}

type Fetch = typeof fetch

function urlOf(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input)
}

/** Every answer of one undisturbed collection, by URL: the baseline the plans mutate. */
export async function recordBaseline(
  collect: (fetch: Fetch) => Promise<unknown>,
): Promise<Map<string, string>> {
  const bodies = new Map<string, string>()
  await collect(async (input, init) => {
    const response = await handler(new Request(urlOf(input), init))
    const text = await response.text()
    if (response.status !== 200) throw new Error(`baseline ${urlOf(input)}: ${response.status}`)
    bodies.set(urlOf(input), text)
    return new Response(text, { status: 200, headers: response.headers })
  })
  return bodies
}

export type ItemChange =
  | { kind: 'set'; field: string; value: unknown }
  | { kind: 'delete'; field: string }
  | { kind: 'duplicate' }
  | { kind: 'replace'; value: unknown }

export type Mutation =
  | { target: number; kind: 'status'; status: number; body: string }
  | { target: number; kind: 'text'; text: string }
  | { target: number; kind: 'truncate'; keep: number }
  | { target: number; kind: 'data'; value: unknown }
  | { target: number; kind: 'item'; index: number; change: ItemChange }

const ODD_TEXT = [
  '\u202Eevil\u202C',
  'zero\u200Bwidth\uFEFF',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}',
  '\uD800',
  'x\uDFFFy',
  '<script>alert(1)</script>',
  '',
  ' ',
  '.',
  '..',
  'a/b',
  '../../access/users',
  '?x=1',
  '#frag',
  '%2F',
  'current',
  'OK',
  'RUNNING',
  'job errors',
  'vzdump',
  '1749405600',
  '-5',
  '1e3',
  'NaN',
  'null',
  'x'.repeat(5_000),
  'vm',
  'ct',
  'host',
  'qemu',
  'lxc',
  'pbs',
  'dir',
  'backup',
  'index.json.blob',
]

const ODD_NUMBERS = [
  -1,
  0,
  1,
  1.5,
  -LAB_NOW,
  2 ** 31,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  1e21,
  1e300,
  253_402_300_799,
  253_402_300_800,
  LAB_NOW,
  LAB_NOW + 600,
  LAB_NOW + 86_400,
  LAB_NOW + 50 * 365 * 86_400,
]

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...ODD_NUMBERS),
  fc.integer(),
  fc.double(),
  fc.constantFrom(...ODD_TEXT),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
)

/** Field names seen anywhere in the baseline's items, so changes hit fields the code reads. */
function fieldsOf(baseline: Map<string, string>): string[] {
  const fields = new Set<string>()
  for (const text of baseline.values()) {
    const data: unknown = (JSON.parse(text) as { data?: unknown }).data
    if (!Array.isArray(data)) continue
    for (const item of data) {
      if (item && typeof item === 'object') for (const key of Object.keys(item)) fields.add(key)
    }
  }
  return [...fields].sort()
}

export function mutationPlan(baseline: Map<string, string>): fc.Arbitrary<Mutation[]> {
  const fields = fc.constantFrom(...fieldsOf(baseline))
  const target = fc.nat()
  const change: fc.Arbitrary<ItemChange> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('set'), field: fields, value: weirdValue }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete'), field: fields }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace'), value: weirdValue }) },
  )
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({ target, kind: fc.constant('item'), index: fc.nat(), change }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        target,
        kind: fc.constant('status'),
        status: fc.constantFrom(302, 401, 403, 404, 500, 501, 502, 595, 599),
        body: fc.constantFrom('', '{"data":null}', '{"data":null,"message":"boom\\n"}', 'oops'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        target,
        kind: fc.constant('text'),
        text: fc.constantFrom('', 'null', '<html>login</html>', '{"data":', '[]', '{}'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        target,
        kind: fc.constant('truncate'),
        keep: fc.double({ min: 0, max: 0.999, noNaN: true }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ target, kind: fc.constant('data'), value: weirdValue }) },
  )
  return fc.array(mutation, { minLength: 1, maxLength: 6 })
}

/** One item as served: which baseline item it was (if any) and whether a plan touched it. */
export interface ServedItem {
  origin: number | null
  mutated: boolean
  value: unknown
}

export interface Served {
  /** The API path after /api2/json, decoded into the lab's route parameters. */
  path: string
  pattern: string
  params: Record<string, string>
  query: URLSearchParams
  /** null: the answer was not a list (an error, bad JSON, other data). */
  items: ServedItem[] | null
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function applyChange(items: ServedItem[], index: number, change: ItemChange): void {
  const item = items[index % items.length]
  if (!item) return
  if (change.kind === 'duplicate') {
    items.push({ origin: null, mutated: true, value: structuredClone(item.value) })
    return
  }
  item.mutated = true
  if (change.kind === 'replace') item.value = change.value
  else if (!isRecord(item.value)) return
  else if (change.kind === 'set') item.value = { ...item.value, [change.field]: change.value }
  else {
    const { [change.field]: _, ...rest } = item.value
    item.value = rest
  }
}

const ROUTES: { pattern: string }[] = [
  ...pveAccessRoutes,
  ...pbsAccessRoutes,
  ...pveClusterRoutes,
  ...pveJobRoutes,
  ...pveStorageRoutes,
  ...pveTaskRoutes,
  ...pbsRoutes,
]

/** The API path and route parameters of a lab URL, or null when it matches no lab route. */
export function routeOf(url: string) {
  const parsed = new URL(url)
  const path = parsed.pathname.replace(/^\/(pve|pbs)\/[^/]+\/api2\/json/, '')
  const match = matchRoute(ROUTES as never[], path) as
    | { route: { pattern: string }; params: Record<string, string> }
    | undefined
  return match
    ? { path, pattern: match.route.pattern, params: match.params, query: parsed.searchParams }
    : null
}

export interface Upstream {
  fetch: Fetch
  /** By URL, what each request of this run was answered with. */
  served: Map<string, Served>
  /** Requests whose path matched no API route (an upstream name escaped its path segment). */
  strayPaths: string[]
}

export function breakableUpstream(baseline: Map<string, string>, plan: Mutation[]): Upstream {
  const urls = [...baseline.keys()]
  const byUrl = new Map<string, Mutation[]>()
  for (const mutation of plan) {
    const url = urls[mutation.target % urls.length] as string
    byUrl.set(url, [...(byUrl.get(url) ?? []), mutation])
  }
  const served = new Map<string, Served>()
  const strayPaths: string[] = []

  const fetch: Fetch = async (input, init) => {
    const url = urlOf(input)
    const route = routeOf(url)
    if (!route) strayPaths.push(new URL(url).pathname)
    const known = baseline.get(url)
    const record = (items: ServedItem[] | null) => {
      if (route) served.set(url, { ...route, items })
    }
    if (known === undefined) {
      // A request the baseline never made (a mutated name or layout): the lab answers it.
      const response = await handler(new Request(url, init))
      const text = await response.text()
      const data: unknown = response.status === 200 ? JSON.parse(text).data : undefined
      record(
        Array.isArray(data) ? data.map((value) => ({ origin: null, mutated: false, value })) : null,
      )
      return new Response(text, { status: response.status, headers: response.headers })
    }
    const envelope = JSON.parse(known) as Record<string, unknown>
    const items: ServedItem[] | null = Array.isArray(envelope.data)
      ? envelope.data.map((value, origin) => ({ origin, mutated: false, value }))
      : null
    let whole: Mutation | undefined
    for (const mutation of byUrl.get(url) ?? []) {
      if (mutation.kind === 'item') {
        if (items && items.length > 0) applyChange(items, mutation.index, mutation.change)
      } else whole = mutation
    }
    const json = { 'content-type': 'application/json;charset=UTF-8' }
    const body = JSON.stringify(items ? { ...envelope, data: items.map((i) => i.value) } : envelope)
    switch (whole?.kind) {
      case undefined:
        record(items)
        return new Response(body, { status: 200, headers: json })
      case 'status':
        record(null)
        return new Response(whole.body === '' ? null : whole.body, {
          status: whole.status,
          headers: whole.status === 302 ? { location: `${ORIGIN}/elsewhere` } : json,
        })
      case 'text':
        record(null)
        return new Response(whole.text, { status: 200, headers: json })
      case 'truncate':
        record(null)
        return new Response(body.slice(0, Math.floor(body.length * whole.keep)), {
          status: 200,
          headers: json,
        })
      case 'data': {
        const data = whole.value
        record(
          Array.isArray(data)
            ? data.map((value) => ({ origin: null, mutated: true, value }))
            : null,
        )
        return new Response(JSON.stringify({ data }), { status: 200, headers: json })
      }
      default:
        throw new Error('unreachable')
    }
  }
  return { fetch, served, strayPaths }
}

// The architecture's boundaries, checked from the source itself: every import of every .ts file
// is read (a small parser: `import … from '…'`, `export … from '…'`, side-effect imports and
// dynamic import('…'), type-only imports included) and relative paths are resolved, so a change
// that crosses a boundary fails here with the offending file and import, not in review.
import { readdirSync, readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { describe, expect, it } from 'vitest'

interface SourceFile {
  /** Repository-relative, with forward slashes: `functions/app.ts`. */
  path: string
  text: string
}

interface Edge {
  from: string
  /** As written: `../config.ts`, `hono/etag`. */
  specifier: string
  /** A repository-relative path for relative imports, else the package specifier. */
  to: string
  relative: boolean
}

/**
 * Files outside functions/store/ that may name the KV binding: none. The coordinator owns all
 * state; routes and the refresh pass reach the read cache only through store/.
 */
const TEMPORARY_KV_USERS: readonly string[] = []
/** Pure helpers outside normalize/ that it may use: each must itself import nothing. */
const PURE_HELPERS: readonly string[] = ['functions/epoch.ts']
/**
 * The alert engine (issue 12) is pure like the normalizer: rules, lifecycle and digest take the
 * clock and the data as arguments. Its files may import shared/, each other, and the config
 * module of the rules; nothing that does I/O. The channels that deliver live beside it.
 */
const ALERT_ENGINE = (path: string) =>
  path.startsWith('functions/alerts/rules/') ||
  [
    'actions',
    'condition',
    'daily-window',
    'digest',
    'evaluate',
    'freshness',
    'lifecycle',
    'links',
    'message',
    'scope',
    'sink',
    'state',
    'words',
  ].some((name) => path === `functions/alerts/${name}.ts`)
/** Where the binding is declared. */
const KV_DECLARED_IN = 'functions/env.ts'

// Import clauses hold only names, braces, commas, `*`, `as`, `type`: nothing else may sit
// between the keyword and `from`, which keeps code and prose from being read as imports.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b[\w\s{},*$]*?\bfrom\s*['"]([^'"\n]+)['"]/gm
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*['"]([^'"\n]+)['"]/gm
const DYNAMIC_IMPORT = /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g

function importSpecifiers(text: string): string[] {
  const found: string[] = []
  for (const pattern of [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of text.matchAll(pattern)) if (match[1]) found.push(match[1])
  }
  return found
}

function resolve(from: string, specifier: string, known: ReadonlySet<string>): string {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier))
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    if (known.has(candidate)) return candidate
  }
  return base
}

function buildGraph(files: readonly SourceFile[]): Edge[] {
  const known = new Set(files.map((f) => f.path))
  return files.flatMap((file) =>
    importSpecifiers(file.text).map((specifier) => {
      const relative = specifier.startsWith('./') || specifier.startsWith('../')
      return {
        from: file.path,
        specifier,
        relative,
        to: relative ? resolve(file.path, specifier, known) : specifier,
      }
    }),
  )
}

/** Every import cycle among files under `prefix`, one per strongly connected component. */
function findCycles(
  edges: readonly Edge[],
  prefix: string,
  /** Filled with each cycle's first file → every file of its strongly connected component. */
  tangles?: Map<string, string[]>,
): string[][] {
  const next = new Map<string, string[]>()
  for (const e of edges) {
    if (!e.relative || !e.from.startsWith(prefix) || !e.to.startsWith(prefix)) continue
    next.set(e.from, [...(next.get(e.from) ?? []), e.to])
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node) ?? 0)
    stack.push(node)
    onStack.add(node)
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0))
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      let member: string | undefined
      do {
        member = stack.pop()
        if (member === undefined) break
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      const selfLoop = next.get(node)?.includes(node) ?? false
      if (component.length > 1 || selfLoop) components.push(component)
    }
  }
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node)
  // Print one concrete cycle per component: a shortest path back to its first file.
  return components
    .map((component) => {
      const members = new Set(component)
      const start = [...component].sort()[0] ?? ''
      const previous = new Map<string, string>()
      const queue = [start]
      while (queue.length > 0) {
        const node = queue.shift() ?? ''
        for (const to of next.get(node) ?? []) {
          if (!members.has(to)) continue
          if (to === start) {
            const path = [start]
            for (let at = node; at !== start; at = previous.get(at) ?? start) path.splice(1, 0, at)
            return [...path, start]
          }
          if (!previous.has(to)) {
            previous.set(to, node)
            queue.push(to)
          }
        }
      }
      return [...component, component[0] ?? '']
    })
    .map((cycle, i) => {
      tangles?.set(cycle[0] ?? '', [...(components[i] ?? [])].sort())
      return cycle
    })
}

const under = (path: string, ...prefixes: string[]) => prefixes.some((p) => path.startsWith(p))

function checkBoundaries(
  files: readonly SourceFile[],
  kvUsers: readonly string[] = TEMPORARY_KV_USERS,
): string[] {
  const edges = buildGraph(files)
  const violations: string[] = []
  const tangles = new Map<string, string[]>()
  const edge = (e: Edge, rule: string) =>
    violations.push(`${e.from} imports '${e.specifier}'${e.relative ? ` (${e.to})` : ''}: ${rule}`)

  for (const cycle of findCycles(edges, 'functions/', tangles)) {
    const members = new Set(cycle).size
    const tangle = tangles.get(cycle[0] ?? '') ?? []
    violations.push(
      `import cycle in functions/: ${cycle.join(' → ')}` +
        (tangle.length > members
          ? ` (one of the cycles among ${tangle.length} files: ${tangle.join(', ')})`
          : ''),
    )
  }
  for (const e of edges) {
    if (under(e.from, 'functions/normalize/')) {
      const allowed = e.relative
        ? under(e.to, 'shared/', 'functions/normalize/') ||
          e.to === 'functions/collect/facts.ts' ||
          PURE_HELPERS.includes(e.to)
        : !/^(hono|cloudflare:|node:)/.test(e.to)
      if (!allowed) {
        edge(
          e,
          'normalize/ is pure; it may import shared/, normalize/ and collect/facts.ts (types), nothing that does I/O',
        )
      }
    }
    if (ALERT_ENGINE(e.from)) {
      const allowed = e.relative
        ? under(e.to, 'shared/') || ALERT_ENGINE(e.to) || e.to === 'functions/config/alert-rules.ts'
        : !/^(hono|cloudflare:|node:)/.test(e.to)
      if (!allowed) {
        edge(
          e,
          'the alert engine is pure; it may import shared/, the engine and config/alert-rules.ts, nothing that does I/O',
        )
      }
    }
    if (PURE_HELPERS.includes(e.from)) {
      edge(e, 'a pure helper normalize/ may use imports nothing (PURE_HELPERS)')
    }
    if (under(e.from, 'shared/') && e.relative && under(e.to, 'functions/', 'web/')) {
      edge(e, 'shared/ is imported by the Worker and the page, so it may import neither')
    }
    if (under(e.from, 'web/') && e.relative && !under(e.to, 'web/', 'shared/')) {
      edge(e, 'web/ may import only web/, shared/ and npm packages')
    }
    if (
      under(e.from, 'functions/routes/') &&
      under(e.to, 'functions/collect/', 'functions/proxmox/')
    ) {
      edge(e, 'routes/ serve stored data; collecting goes through refresh.ts')
    }
  }

  const kvUsersFound = new Set<string>()
  for (const file of files) {
    if (!under(file.path, 'functions/', 'shared/', 'web/') || under(file.path, 'functions/store/'))
      continue
    if (file.path === KV_DECLARED_IN || !/\bPULSE_KV\b/.test(file.text)) continue
    kvUsersFound.add(file.path)
    if (!kvUsers.includes(file.path)) {
      violations.push(
        `${file.path} uses PULSE_KV: KV is touched only in functions/store/ (pass it what it needs)`,
      )
    }
  }
  for (const path of kvUsers) {
    if (!kvUsersFound.has(path)) {
      violations.push(
        `${path} no longer uses PULSE_KV: remove it from TEMPORARY_KV_USERS in test/unit/boundaries.test.ts`,
      )
    }
  }
  return violations
}

const SKIPPED = new Set(['node_modules', 'dist', '.wrangler', '.git'])

function readRepository(root: URL): SourceFile[] {
  const files: SourceFile[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(new URL(dir, root), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue
      const path = dir === './' ? entry.name : `${dir}${entry.name}`
      if (entry.isDirectory()) walk(`${path}/`)
      else if (entry.name.endsWith('.ts')) {
        files.push({ path, text: readFileSync(new URL(path, root), 'utf8') })
      }
    }
  }
  walk('./')
  return files
}

const src = (path: string, ...lines: string[]): SourceFile => ({ path, text: lines.join('\n') })

describe('the import parser', () => {
  it('reads static, re-exported, side-effect, multi-line, type-only and dynamic imports', () => {
    const text = [
      "import { a } from './a.ts'",
      "import type { B } from '../b.ts'",
      'import {',
      '  c,',
      '  type D,',
      "} from './c.ts'",
      "export { e } from './e.ts'",
      "export * from './f.ts'",
      "import './g.ts'",
      "const h = await import('./h.ts')",
      "// import { no } from './comment.ts'",
      'const text = \'import { no } from "./string.ts"\'',
      "export const x = from('./not-an-import.ts')",
    ].join('\n')
    expect(importSpecifiers(text).sort()).toEqual(
      ['../b.ts', './a.ts', './c.ts', './e.ts', './f.ts', './g.ts', './h.ts'].sort(),
    )
  })
})

describe('the boundary checker', () => {
  it('reports each kind of violation in a deliberately wrong graph', () => {
    const violations = checkBoundaries(
      [
        src('functions/y.ts'),
        src('shared/x.ts', "import { y } from '../functions/y.ts'"),
        src('functions/a.ts', "import { b } from './b.ts'"),
        src('functions/b.ts', "import type { A } from './a.ts'"),
        src('functions/normalize/n.ts', "import { readIndex } from '../store/kv-store.ts'"),
        src('functions/normalize/m.ts', "import { Hono } from 'hono'"),
        src('functions/normalize/ok.ts', "import type { F } from '../collect/facts.ts'"),
        src('functions/store/kv-store.ts', 'export const kv = env.PULSE_KV'),
        src('web/src/page.ts', "import { api } from '../../functions/app.ts'"),
        src('functions/routes/r.ts', "import { collectPve } from '../collect/pve.ts'"),
        src('functions/sneaky.ts', 'await env.PULSE_KV.put(key, value)'),
        src('functions/alerts/lifecycle.ts', "import { store } from '../store/read-cache.ts'"),
      ],
      ['functions/gone.ts'],
    )
    expect(violations).toEqual([
      'import cycle in functions/: functions/a.ts → functions/b.ts → functions/a.ts',
      "shared/x.ts imports '../functions/y.ts' (functions/y.ts): shared/ is imported by the Worker and the page, so it may import neither",
      "functions/normalize/n.ts imports '../store/kv-store.ts' (functions/store/kv-store.ts): normalize/ is pure; it may import shared/, normalize/ and collect/facts.ts (types), nothing that does I/O",
      "functions/normalize/m.ts imports 'hono': normalize/ is pure; it may import shared/, normalize/ and collect/facts.ts (types), nothing that does I/O",
      "web/src/page.ts imports '../../functions/app.ts' (functions/app.ts): web/ may import only web/, shared/ and npm packages",
      "functions/routes/r.ts imports '../collect/pve.ts' (functions/collect/pve.ts): routes/ serve stored data; collecting goes through refresh.ts",
      "functions/alerts/lifecycle.ts imports '../store/read-cache.ts' (functions/store/read-cache.ts): the alert engine is pure; it may import shared/, the engine and config/alert-rules.ts, nothing that does I/O",
      'functions/sneaky.ts uses PULSE_KV: KV is touched only in functions/store/ (pass it what it needs)',
      'functions/gone.ts no longer uses PULSE_KV: remove it from TEMPORARY_KV_USERS in test/unit/boundaries.test.ts',
    ])
  })

  it('prints a longer cycle in import order', () => {
    const cycles = findCycles(
      buildGraph([
        src('functions/c.ts', "import './a.ts'"),
        src('functions/a.ts', "import './b.ts'", "import './d.ts'"),
        src('functions/b.ts', "import './c.ts'"),
        src('functions/d.ts'),
      ]),
      'functions/',
    )
    expect(cycles).toEqual([
      ['functions/a.ts', 'functions/b.ts', 'functions/c.ts', 'functions/a.ts'],
    ])
  })
})

describe('the repository', () => {
  const files = readRepository(new URL('../../', import.meta.url))

  it('is read in full (a parser that finds nothing would pass everything)', () => {
    const edges = buildGraph(files)
    expect(files.filter((f) => f.path.startsWith('functions/')).length).toBeGreaterThan(50)
    expect(edges).toContainEqual(
      expect.objectContaining({ from: 'functions/app.ts', to: 'functions/routes/api.ts' }),
    )
  })

  it('keeps every boundary', () => {
    const violations = checkBoundaries(files)
    expect(violations, `\n${violations.join('\n')}\n`).toEqual([])
  })
})

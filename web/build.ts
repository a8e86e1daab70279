// Builds the dashboard into dist/web: bundles web/src (which imports shared/) and copies
// web/static. wrangler runs this before `wrangler dev` and `wrangler deploy` ([build]).
//
// Code-split (ESM): app.js is the guest table and what every view shares; the other views and
// the drill-down are dynamic import()s (web/src/chunks.ts), each its own file under chunks/,
// fetched the first time it is shown. The metafile goes beside dist/web (not served), for
// bench/dashboard.ts's per-module weights.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/web`
export const METAFILE = `${root}dist/web-meta.json`

rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })
cpSync(`${root}web/static`, outdir, { recursive: true })

const result = await build({
  entryPoints: { app: `${root}web/src/main.ts` },
  // Output paths in the metafile are relative to the repository, whoever runs this.
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir,
  // Content-hashed: a deploy never serves a new page an old chunk (or the reverse) by name.
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
})
writeFileSync(METAFILE, JSON.stringify(result.metafile))

// The chunks app.js imports statically are preloaded from the HTML, so the browser fetches
// them beside app.js instead of after it (no extra round trip before the table).
const app = result.metafile.outputs['dist/web/app.js'] ?? {
  imports: [] as { path: string; kind: string }[],
}
const preload = app.imports
  .filter((i) => i.kind === 'import-statement')
  .map((i) => `    <link rel="modulepreload" href="/${i.path.replace(/^dist\/web\//, '')}" />`)
const html = `${outdir}/index.html`
const page = readFileSync(html, 'utf8')
const script = '    <script type="module" src="/app.js"></script>'
if (!page.includes(script)) throw new Error('web/static/index.html: no app.js script tag')
writeFileSync(html, page.replace(script, [...preload, script].join('\n')))

// Builds the dashboard into dist/web: bundles web/src (which imports shared/) and copies
// web/static. wrangler runs this before `wrangler dev` and `wrangler deploy` ([build]).
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/web`

rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })
cpSync(`${root}web/static`, outdir, { recursive: true })

await build({
  entryPoints: [`${root}web/src/main.ts`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: `${outdir}/app.js`,
  logLevel: 'warning',
})

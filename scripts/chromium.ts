// The Chromium for the browser tests and the dashboard benchmark, driven by playwright-core.
// By default it is the one the @sparticuz/chromium npm package ships inside itself (brotli
// archives of the binary, its SwiftShader GL libraries, the NSS/expat libraries it links and a
// font), so `npm install` is all a machine needs: no apt, no `playwright install`, no network.
// It is unpacked once per package version into node_modules/.cache (not the package's own
// /tmp/chromium, which every checkout on a machine would share whatever version it pins).
// PULSE_CHROMIUM=/path/to/chromium runs another binary instead.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import sparticuz from '@sparticuz/chromium'
import { type Browser, chromium } from 'playwright-core'

/** What we need on top of the binary's own flags: headless, offline, no first-run work. */
const OUR_FLAGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

/** For a PULSE_CHROMIUM binary: the package's flags are tuned to its own build. */
const OTHER_BINARY_FLAGS = ['--headless', '--no-sandbox', ...OUR_FLAGS]

const packageDir = join(
  dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')),
  '..',
)

export interface BundledChromium {
  version: string
  dir: string
  executable: string
}

/** The package's Chromium, unpacked (once, atomically) into node_modules/.cache. */
export function bundledChromium(): BundledChromium {
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string
  }
  const dir = join(packageDir, '..', '..', '.cache', `sparticuz-chromium-${version}`)
  const executable = join(dir, 'chromium')
  if (!existsSync(executable)) unpack(join(packageDir, 'bin'), dir)
  return { version, dir, executable }
}

function unpack(bin: string, dir: string): void {
  const partial = `${dir}.partial-${process.pid}`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(partial, { recursive: true })
  const inflate = (name: string) => brotliDecompressSync(readFileSync(join(bin, name)))
  writeFileSync(join(partial, 'chromium'), inflate('chromium.br'), { mode: 0o755 })
  // swiftshader: libGLESv2/libEGL/Vulkan next to the binary; al2023: lib/libnss3 etc.; fonts.
  for (const archive of ['swiftshader.tar.br', 'al2023.tar.br', 'fonts.tar.br']) {
    const tar = spawnSync('tar', ['-x', '-C', partial], { input: inflate(archive) })
    if (tar.status !== 0)
      throw new Error(`unpacking ${archive} failed: ${tar.error ?? tar.stderr.toString()}`)
  }
  // The system's fonts if it has any, plus the package's, so pages render text either way.
  writeFileSync(
    join(partial, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  )
  try {
    renameSync(partial, dir)
  } catch (error) {
    // Another process unpacked it first: use theirs.
    rmSync(partial, { recursive: true, force: true })
    if (!existsSync(join(dir, 'chromium'))) throw error
  }
}

/** The binary launchChromium() runs. */
export function chromiumExecutable(): string {
  return process.env.PULSE_CHROMIUM || bundledChromium().executable
}

export function launchChromium(): Promise<Browser> {
  const other = process.env.PULSE_CHROMIUM
  if (other)
    return chromium.launch({ executablePath: other, headless: true, args: OTHER_BINARY_FLAGS })
  const bundled = bundledChromium()
  const libs = join(bundled.dir, 'lib')
  return chromium.launch({
    executablePath: bundled.executable,
    headless: true,
    args: [...sparticuz.args, ...OUR_FLAGS],
    env: {
      ...process.env,
      // Its own NSS and expat first, so a machine without them (no libnss3) runs it too.
      LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(bundled.dir, 'fonts.conf'),
    },
  })
}

// The views that are not the guest table (Jobs, Storage, Alerts, Activity) and the drill-down
// are separate files (web/build.ts splits them), fetched with their stylesheet the first time
// they are shown: the guest table never waits for them. A view names its state while it loads,
// and says so when its file cannot be fetched (offline, or the page was opened before a deploy
// replaced the file) instead of staying blank.
import { html, type TemplateResult } from 'lit-html'

export type Chunk<T> =
  | { state: 'loading' }
  | { state: 'loaded'; module: T }
  | { state: 'failed'; message: string }

export interface LazyChunk<T> {
  /** Where it is; the first call starts the fetch. */
  get(): Chunk<T>
  /** Settles (never rejects) once the fetch has succeeded or failed. */
  ready(): Promise<Chunk<T>>
}

/**
 * The stylesheets in the order index.html used to link them, so the cascade is the same
 * whichever view is opened first (a later one is inserted before an earlier-loaded later one).
 */
const STYLE_ORDER = ['/alerts.css', '/history.css']
const styles = new Map<string, Promise<void>>()

/** A same-origin <link rel="stylesheet"> (the CSP allows 'self' styles, never inline ones). */
export function loadStylesheet(href: string): Promise<void> {
  const known = styles.get(href)
  if (known) return known
  const link = document.createElement('link')
  link.rel = 'stylesheet'
  link.href = href
  const loaded = new Promise<void>((resolve, reject) => {
    link.addEventListener('load', () => resolve())
    link.addEventListener('error', () => {
      // Not cached: a later view that needs it tries again.
      styles.delete(href)
      link.remove()
      reject(new Error(`${href} could not be loaded`))
    })
  })
  const rank = STYLE_ORDER.indexOf(href)
  const after = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].find(
    (l) => STYLE_ORDER.indexOf(new URL(l.href).pathname) > rank && rank >= 0,
  )
  document.head.insertBefore(link, after ?? null)
  styles.set(href, loaded)
  return loaded
}

export function lazyChunk<T>(
  load: () => Promise<T>,
  stylesheets: readonly string[],
  changed: () => void,
): LazyChunk<T> {
  let current: Chunk<T> | null = null
  let settled: Promise<Chunk<T>> | null = null
  const start = () => {
    current = { state: 'loading' }
    settled = Promise.all([load(), ...stylesheets.map(loadStylesheet)]).then(
      ([module]) => ({ state: 'loaded', module }) as const,
      (error: unknown) =>
        ({
          state: 'failed',
          message: error instanceof Error ? error.message : String(error),
        }) as const,
    )
    void settled.then((next) => {
      current = next
      changed()
    })
    return settled
  }
  return {
    get() {
      if (!current) void start()
      return current as Chunk<T>
    },
    ready: () => settled ?? start(),
  }
}

/**
 * A view's place while its file loads or after it failed: its heading (focus lands there as on
 * a loaded view), and on failure what happened and the one thing that helps. A browser may
 * keep a failed module import failed for the page's life, so the remedy is a reload; the view
 * is in the URL, so the reload comes back to it.
 */
export function chunkState(
  title: string,
  chunk: Exclude<Chunk<unknown>, { state: 'loaded' }>,
): TemplateResult {
  const heading = html`<h2 id="view-title" tabindex="-1">${title}</h2>`
  if (chunk.state === 'loading')
    return html`<section class="view chunk-loading" aria-busy="true">
      ${heading}
      <p class="placeholder">Loading the ${title} view…</p>
    </section>`
  return html`<section class="view chunk-failed">
    ${heading}
    <div class="error-state" role="alert">
      <p>
        The ${title} view could not be loaded (${chunk.message}). Check the connection; if
        Pulse Edge was updated since this page was opened, reloading gets the current version.
      </p>
      <button type="button" @click=${() => location.reload()}>Reload the page</button>
    </div>
  </section>`
}

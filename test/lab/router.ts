// Minimal path-pattern router: `/nodes/{node}/tasks` style patterns, decoded params.
import type { RouteResult } from './respond.ts'

export interface Route<C> {
  pattern: string
  handle(
    ctx: C,
    params: Record<string, string>,
    query: URLSearchParams,
  ): RouteResult | Promise<RouteResult>
}

export interface Match<C> {
  route: Route<C>
  params: Record<string, string>
}

export function matchRoute<C>(routes: readonly Route<C>[], path: string): Match<C> | undefined {
  const segments = path.split('/').filter((s) => s !== '')
  for (const route of routes) {
    const parts = route.pattern.split('/').filter((s) => s !== '')
    if (parts.length !== segments.length) continue
    const params: Record<string, string> = {}
    let matched = true
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string
      const seg = segments[i] as string
      if (part.startsWith('{')) {
        try {
          params[part.slice(1, -1)] = decodeURIComponent(seg)
        } catch {
          params[part.slice(1, -1)] = seg
        }
      } else if (part !== seg) {
        matched = false
        break
      }
    }
    if (matched) return { route, params }
  }
  return undefined
}

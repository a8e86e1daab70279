// The normalizer's warnings start with the id of the source whose facts they are about;
// grouped by that id, they join the source's own warnings in /api/status.

const PREFIXED = /^([a-z0-9][a-z0-9-]*): ([\s\S]*)$/

export function warningsBySource(warnings: readonly string[]): Map<string, string[]> {
  const bySource = new Map<string, string[]>()
  for (const warning of warnings) {
    const match = PREFIXED.exec(warning)
    if (!match) continue
    const [, source = '', text = ''] = match
    bySource.set(source, [...(bySource.get(source) ?? []), text])
  }
  return bySource
}

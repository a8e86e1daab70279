// Remembers KV reads for a few seconds inside one isolate, for public routes a burst of viewers
// may hit at once (badges): a repeat costs no KV read (billed; Free allows 100,000 a day) and no
// KV latency. KV itself may be up to ~60 s behind a write at other locations, so a memory this
// short adds little staleness.

const MAX_KEYS_PER_BINDING = 1_000

interface Remembered<T> {
  at: number
  value: T
}

/**
 * `remember(kv, key, read)` returns what `read` returned for `key` less than `ttlMs` ago on the
 * same binding, else reads. Only settled values are kept: workerd cancels a read that belongs to
 * a request that has finished, so an in-flight read is never shared with another request.
 */
export function createReadMemory<T>(ttlMs: number) {
  const byBinding = new WeakMap<KVNamespace, Map<string, Remembered<T>>>()
  return async function remember(
    env: { PULSE_KV: KVNamespace },
    key: string,
    read: () => Promise<T>,
  ): Promise<T> {
    const kv = env.PULSE_KV
    let entries = byBinding.get(kv)
    if (!entries) {
      entries = new Map()
      byBinding.set(kv, entries)
    }
    const hit = entries.get(key)
    if (hit && Date.now() - hit.at < ttlMs) return hit.value
    const value = await read()
    // Re-inserted, so the Map's order stays oldest first for eviction.
    entries.delete(key)
    entries.set(key, { at: Date.now(), value })
    if (entries.size > MAX_KEYS_PER_BINDING) {
      const oldest = entries.keys().next()
      if (!oldest.done) entries.delete(oldest.value)
    }
    return value
  }
}

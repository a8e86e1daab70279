// An in-memory stand-in for Workers KV (get/put/delete as text) that counts writes, so
// benchmarks can run the real refresh in Node.
export function createMemoryKv() {
  const data = new Map<string, string>()
  const counts = { writes: 0, deletes: 0 }
  const namespace = {
    async get(key: string) {
      return data.get(key) ?? null
    },
    async put(key: string, value: string) {
      counts.writes += 1
      data.set(key, value)
    },
    async delete(key: string) {
      counts.deletes += 1
      data.delete(key)
    },
  }
  return { namespace, data, counts }
}

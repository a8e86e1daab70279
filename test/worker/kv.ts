// KV stand-ins for workerd tests: a fresh in-memory namespace per test (no state shared with
// other tests), and a wrapper whose writes fail like a KV over its daily write limit.
import { createMemoryKv } from '../../bench/memory-kv.ts'

export function freshKv(): KVNamespace {
  return createMemoryKv().namespace as unknown as KVNamespace
}

export const KV_WRITE_FAILURE = 'KV put() failed: 429 Too Many Requests (daily write limit)'

/** The namespace a wrapper below stands for (one coordinator per namespace in tests). */
export const UNDERLYING_KV = Symbol('underlying KV')

/** Reads go through; every put and delete throws, as Workers KV does past its write limit. */
export function failingWrites(kv: KVNamespace): KVNamespace {
  return new Proxy(kv, {
    get(target, property, receiver) {
      if (property === UNDERLYING_KV) return target
      if (property === 'put' || property === 'delete') {
        return async () => {
          throw new Error(KV_WRITE_FAILURE)
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

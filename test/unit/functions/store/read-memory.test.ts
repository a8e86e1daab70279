import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createReadMemory } from '../../../../functions/store/read-memory.ts'

const kv = () => ({ PULSE_KV: {} as KVNamespace })

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_749_380_000_000)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('createReadMemory', () => {
  it('reads once and answers repeats within the time-to-live from memory', async () => {
    const remember = createReadMemory<string>(10_000)
    const read = vi.fn(async () => 'value')
    const binding = kv()
    expect(await remember(binding, 'k', read)).toBe('value')
    vi.advanceTimersByTime(9_999)
    expect(await remember(binding, 'k', read)).toBe('value')
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('reads again once the time-to-live has passed', async () => {
    const remember = createReadMemory<number>(10_000)
    let n = 0
    const read = async () => ++n
    const binding = kv()
    await remember(binding, 'k', read)
    vi.advanceTimersByTime(10_000)
    expect(await remember(binding, 'k', read)).toBe(2)
  })

  it('remembers "not there" too', async () => {
    const remember = createReadMemory<string | null>(10_000)
    const read = vi.fn(async () => null)
    const binding = kv()
    await remember(binding, 'missing', read)
    await remember(binding, 'missing', read)
    expect(read).toHaveBeenCalledTimes(1)
  })

  it('keeps each binding and each key apart', async () => {
    const remember = createReadMemory<string>(10_000)
    const [a, b] = [kv(), kv()]
    await remember(a, 'k', async () => 'a')
    expect(await remember(b, 'k', async () => 'b')).toBe('b')
    expect(await remember(a, 'other', async () => 'other')).toBe('other')
    expect(await remember(a, 'k', async () => 'not read')).toBe('a')
  })

  it('does not remember a read that failed', async () => {
    const remember = createReadMemory<string>(10_000)
    const binding = kv()
    await expect(
      remember(binding, 'k', () => Promise.reject(new Error('KV down'))),
    ).rejects.toThrow()
    expect(await remember(binding, 'k', async () => 'ok')).toBe('ok')
  })

  it('forgets the oldest key beyond 1,000 keys per binding', async () => {
    const remember = createReadMemory<number>(10_000)
    const binding = kv()
    for (let i = 0; i <= 1_000; i++) await remember(binding, `k${i}`, async () => i)
    expect(await remember(binding, 'k0', async () => -1)).toBe(-1)
    expect(await remember(binding, 'k1000', async () => -1)).toBe(1_000)
  })
})

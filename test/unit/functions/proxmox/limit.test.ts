// The limiter's queue: tasks start lane by lane (`first`, then `opens`, then `heavy`, then plain),
// in the order they were queued within a lane, and the concurrency bound holds throughout.
import { describe, expect, it } from 'vitest'
import { createLimiter } from '../../../../functions/proxmox/limit.ts'

function gate() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

describe('createLimiter', () => {
  it('starts waiting tasks in queue order, `first` ones ahead of plain ones', async () => {
    const limit = createLimiter(1)
    const started: string[] = []
    const blocker = gate()
    const task = (name: string) => async () => {
      started.push(name)
    }
    const all = [
      limit(async () => {
        started.push('running')
        await blocker.opened
      }),
      limit(task('plain-1')),
      limit(task('plain-2')),
      limit(task('first-1'), { first: true }),
      limit(task('first-2'), { first: true }),
    ]
    blocker.open()
    await Promise.all(all)
    expect(started).toEqual(['running', 'first-1', 'first-2', 'plain-1', 'plain-2'])
  })

  it('starts `opens` tasks before `heavy` ones, and both before plain ones', async () => {
    const limit = createLimiter(1)
    const started: string[] = []
    const blocker = gate()
    const task = (name: string) => async () => {
      started.push(name)
    }
    const all = [
      limit(async () => {
        started.push('running')
        await blocker.opened
      }),
      limit(task('plain-1')),
      limit(task('heavy-1'), { heavy: true }),
      limit(task('opens-1'), { opens: true }),
      limit(task('plain-2')),
      limit(task('opens-2'), { opens: true }),
      limit(task('heavy-2'), { heavy: true }),
      limit(task('first-1'), { first: true, opens: true }),
    ]
    blocker.open()
    await Promise.all(all)
    expect(started).toEqual([
      'running',
      'first-1',
      'opens-1',
      'opens-2',
      'heavy-1',
      'heavy-2',
      'plain-1',
      'plain-2',
    ])
  })

  it('lets a chain of dependent tasks advance past a long queue of plain ones', async () => {
    // A node's job logs are read one after another; each step queues when the last ends. In the
    // `opens` lane each step waits for one slot, not for every snapshot list queued before it.
    const limit = createLimiter(2)
    const order: string[] = []
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1))
    const plain = Array.from({ length: 20 }, (_, i) =>
      limit(async () => {
        await tick()
        order.push(`plain-${i}`)
      }),
    )
    const chain = (async () => {
      for (let step = 0; step < 3; step++)
        await limit(
          async () => {
            await tick()
            order.push(`chain-${step}`)
          },
          { opens: true },
        )
    })()
    await Promise.all([...plain, chain])
    // Without the lane the chain's steps would come after all 20 plain tasks.
    expect(order.indexOf('chain-2')).toBeLessThan(order.indexOf('plain-10'))
  })

  it('never runs more tasks at once than allowed, whatever the lane', async () => {
    const limit = createLimiter(2)
    let active = 0
    let peak = 0
    const task = async () => {
      active += 1
      peak = Math.max(peak, active)
      await new Promise((resolve) => setTimeout(resolve, 1))
      active -= 1
    }
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limit(task, { first: i % 4 === 0, opens: i % 4 === 1, heavy: i % 4 === 2 }),
      ),
    )
    expect(peak).toBe(2)
  })

  it('starts a `first` task at once when a slot is free', async () => {
    const limit = createLimiter(2)
    const blocker = gate()
    const running = limit(() => blocker.opened)
    let ran = false
    await limit(
      async () => {
        ran = true
      },
      { first: true },
    )
    expect(ran).toBe(true)
    blocker.open()
    await running
  })
})

// The limiter's queue: plain tasks start in the order they were queued, `first` tasks ahead of
// every waiting plain task, and the concurrency bound holds throughout.
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
    await Promise.all(Array.from({ length: 12 }, (_, i) => limit(task, { first: i % 3 === 0 })))
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

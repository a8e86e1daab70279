// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { createAlertCount, firingText } from '../../../web/src/alert-count.ts'
import { text } from './render.ts'

describe("the header's count of firing alerts", () => {
  it('says the counts in words, and that nothing fires', () => {
    expect(firingText({ critical: 2, warning: 3 })).toBe('2 critical, 3 warning firing')
    expect(firingText({ critical: 0, warning: 1 })).toBe('1 warning firing')
    expect(firingText({ critical: 1, warning: 0 })).toBe('1 critical firing')
    expect(firingText({ critical: 0, warning: 0 })).toBe('No alerts firing')
  })

  it('links to the Alerts view with its level, on every render', () => {
    const slot = document.createElement('div')
    const count = createAlertCount(slot)
    count.render({ critical: 1, warning: 2 }, null, '/?view=alerts&q=a')
    const link = slot.querySelector('a.alert-count') as HTMLAnchorElement
    expect(text(link)).toBe('1 critical, 2 warning firing')
    expect(link.getAttribute('href')).toBe('/?view=alerts&q=a')
    expect(link.dataset.page).toBe('alerts')
    expect(link.dataset.level).toBe('critical')
    count.render({ critical: 0, warning: 0 }, null, '/?view=alerts')
    expect(link.dataset.level).toBe('clear')
  })

  it('announces a change of counts once, and nothing on a reload that found the same', async () => {
    const slot = document.createElement('div')
    document.body.append(slot)
    const count = createAlertCount(slot)
    count.render({ critical: 0, warning: 1 }, null, '/?view=alerts')
    const live = slot.querySelector('[role="status"]') as HTMLElement
    // The first count is on screen, not news.
    expect(text(live)).toBe('')
    const said: string[] = []
    const observer = new MutationObserver(() => said.push(text(live)))
    observer.observe(live, { childList: true, characterData: true, subtree: true })
    for (let i = 0; i < 5; i++) count.render({ critical: 0, warning: 1 }, null, '/?view=alerts')
    await Promise.resolve()
    expect(said).toEqual([])
    count.render({ critical: 1, warning: 1 }, null, '/?view=alerts')
    count.render({ critical: 1, warning: 1 }, null, '/?view=alerts')
    await Promise.resolve()
    expect(said).toEqual(['Alerts: 1 critical, 1 warning firing.'])
    // A failed reload keeps the last count and says nothing.
    count.render(null, 'offline', '/?view=alerts')
    await Promise.resolve()
    expect(said).toHaveLength(1)
    observer.disconnect()
    slot.remove()
  })

  it('says the alerts are unavailable when they could not be loaded', () => {
    const slot = document.createElement('div')
    createAlertCount(slot).render(null, '/api/alerts: 404 Not Found', '/?view=alerts')
    const link = slot.querySelector('a.alert-count') as HTMLElement
    expect(text(link)).toBe('Alerts unavailable')
    expect(link.title).toBe('/api/alerts: 404 Not Found')
    expect(link.dataset.level).toBe('unknown')
  })
})

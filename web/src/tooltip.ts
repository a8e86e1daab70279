// One shared tooltip for every `data-tip` element, shown on hover and on keyboard focus. It
// lives outside the table because table rows contain their paint (content-visibility).
import { el } from './dom.ts'

export function installTooltip(): HTMLElement {
  const tip = el('div', undefined, 'tooltip')
  tip.id = 'tooltip'
  tip.setAttribute('role', 'tooltip')
  tip.hidden = true
  document.body.append(tip)
  let owner: HTMLElement | null = null

  const show = (target: HTMLElement) => {
    owner = target
    tip.textContent = target.dataset.tip ?? ''
    tip.hidden = false
    target.setAttribute('aria-describedby', tip.id)
    const box = target.getBoundingClientRect()
    const width = tip.offsetWidth
    tip.style.left = `${Math.max(8, Math.min(box.right - width, window.innerWidth - width - 8))}px`
    const below = box.bottom + 6
    tip.style.top = `${below + tip.offsetHeight > window.innerHeight ? box.top - tip.offsetHeight - 6 : below}px`
  }
  const hide = (target: EventTarget | null) => {
    if (target !== owner) return
    owner?.removeAttribute('aria-describedby')
    owner = null
    tip.hidden = true
  }
  const tipOf = (e: Event) =>
    (e.target as Element | null)?.closest?.<HTMLElement>('[data-tip]') ?? null

  document.addEventListener('focusin', (e) => {
    const t = tipOf(e)
    if (t) show(t)
  })
  document.addEventListener('focusout', (e) => hide(tipOf(e)))
  document.addEventListener('mouseover', (e) => {
    const t = tipOf(e)
    if (t && t !== owner) show(t)
  })
  document.addEventListener('mouseout', (e) => {
    const t = tipOf(e)
    if (t && !t.contains(e.relatedTarget as Node | null)) hide(t)
  })
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide(owner)
  })
  window.addEventListener('scroll', () => hide(owner), { passive: true, capture: true })
  return tip
}

// One tab stop per chart: its points (a day's bar, a sample, a calendar cell) are reached with
// the arrow keys, Home / End and Page Up / Down (a week), as in a listbox, so a year of bars
// is not 365 tab presses. Each point carries `data-item` and the text of its tooltip.

/**
 * Keydown on a chart's container. Left / Right move by `data-step-x` items (7 in a calendar
 * whose columns are weeks; 1 when unset), Up / Down by one.
 */
export function rovingKeydown(e: KeyboardEvent): void {
  const container = e.currentTarget as Element | null
  const current = (e.target as Element | null)?.closest?.('[data-item]')
  if (!container || !current) return
  const items = [...container.querySelectorAll<SVGElement | HTMLElement>('[data-item]')]
  const at = items.indexOf(current as SVGElement | HTMLElement)
  if (at < 0) return
  const stepX = Number((container as HTMLElement | SVGElement).dataset.stepX ?? 1) || 1
  let to: number
  if (e.key === 'ArrowRight') to = at + stepX
  else if (e.key === 'ArrowLeft') to = at - stepX
  else if (e.key === 'ArrowDown') to = at + 1
  else if (e.key === 'ArrowUp') to = at - 1
  else if (e.key === 'Home') to = 0
  else if (e.key === 'End') to = items.length - 1
  else if (e.key === 'PageDown') to = at + 7
  else if (e.key === 'PageUp') to = at - 7
  else return
  e.preventDefault()
  const next = items[Math.max(0, Math.min(items.length - 1, to))]
  if (!next || next === current) return
  current.setAttribute('tabindex', '-1')
  next.setAttribute('tabindex', '0')
  next.focus()
}

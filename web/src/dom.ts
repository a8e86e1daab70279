// Tiny DOM helpers. Text goes in through textContent only: names and notes are data, never HTML.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string | null,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (text !== undefined && text !== null) node.textContent = text
  if (className) node.className = className
  return node
}

export function button(label: string, className?: string): HTMLButtonElement {
  const b = el('button', label, className)
  b.type = 'button'
  return b
}

/** Text for screen readers only. */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', text, 'sr-only')
}

/** A horizontally scrollable table with its header row; the caller fills the body. */
export function scrollTable(
  className: string,
  headers: readonly string[],
): { wrap: HTMLDivElement; tbody: HTMLTableSectionElement } {
  const wrap = el('div', undefined, 'scroll')
  const table = el('table', undefined, className)
  const head = el('tr')
  for (const h of headers) {
    const th = el('th', h)
    th.scope = 'col'
    head.append(th)
  }
  const thead = el('thead')
  thead.append(head)
  const tbody = el('tbody')
  table.append(thead, tbody)
  wrap.append(table)
  return { wrap, tbody }
}

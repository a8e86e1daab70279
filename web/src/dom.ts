// Tiny DOM helpers for the hand-built parts (controls, guest table). Text goes in through
// textContent only: names and notes are data, never HTML. The views use lit-html, which does the same.

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

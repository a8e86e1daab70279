// Renders a lit-html view into a detached element of the test's DOM (happy-dom), and reads it
// as a user would: text with its layout whitespace collapsed.
import { render, type TemplateResult } from 'lit-html'

export function mount(template: TemplateResult, into?: HTMLElement): HTMLElement {
  const root = into ?? document.createElement('div')
  render(template, root)
  return root
}

export function text(node: Element | null | undefined): string {
  if (!node) throw new Error('no such element')
  return (node.textContent ?? '').replace(/\s+/g, ' ').trim()
}

export function all(root: ParentNode, selector: string): Element[] {
  return [...root.querySelectorAll(selector)]
}

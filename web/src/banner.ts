// Data health from /api/status: which source is stale or failing, since when and why; the
// last successful refresh; and a refresh button for viewers allowed to trigger one.
import { formatAge } from '../../shared/age.ts'
import type { SourceStatus, Status } from '../../shared/schema/status.ts'
import { button, el } from './dom.ts'
import { formatLocalTime } from './format.ts'

export interface Banner {
  element: HTMLElement
  render(status: Status, now: number): void
  /** Shows refresh progress or a failure next to the button. */
  note(text: string, bad?: boolean): void
}

function sourceName(s: SourceStatus): string {
  return `${s.name ?? s.id} (${s.kind.toUpperCase()})`
}

function problem(s: SourceStatus, now: number): HTMLLIElement {
  const li = el('li')
  const since = s.lastSuccess
    ? `showing data from ${formatLocalTime(s.lastSuccess)} (${formatAge(now - s.lastSuccess)} old)`
    : 'no data from it yet'
  const failingSince = s.lastError ? ` since ${formatLocalTime(s.lastError.at)}` : ''
  li.append(el('strong', sourceName(s)), ` is failing${failingSince}: `)
  li.append(el('span', s.lastError?.message ?? 'the last refresh did not reach it', 'reason'))
  li.append(` — ${since}.`)
  return li
}

export function createBanner(onRefresh: () => void): Banner {
  const element = el('section', undefined, 'banner')
  element.setAttribute('aria-label', 'Data health')
  const problems = el('div', undefined, 'problems')
  problems.setAttribute('role', 'alert')
  const line = el('p', undefined, 'refresh-line')
  const info = el('span')
  const refresh = button('Refresh now', 'refresh')
  const message = el('span', undefined, 'refresh-note')
  message.setAttribute('aria-live', 'polite')
  refresh.addEventListener('click', onRefresh)
  line.append(info, refresh, message)
  element.append(problems, line)

  return {
    element,
    note(text, bad = false) {
      message.textContent = text
      message.classList.toggle('bad', bad)
    },
    render(status, now) {
      const failing = status.sources.filter((s) => s.stale || s.lastError)
      const warned = status.sources.filter((s) => !s.stale && !s.lastError && s.warnings.length)
      problems.replaceChildren()
      const storeError = status.storeError ?? null
      const bad = failing.length > 0 || status.configIssues.length > 0 || storeError !== null
      if (bad) {
        const list = el('ul')
        if (storeError) {
          const li = el('li')
          li.append(
            el('strong', 'Storage'),
            ` could not save the refresh of ${formatLocalTime(storeError.at)}: `,
            el('span', storeError.message, 'reason'),
            ' — showing the data stored before it.',
          )
          list.append(li)
        }
        for (const s of failing) list.append(problem(s, now))
        for (const issue of status.configIssues) {
          const li = el('li')
          li.append(el('strong', 'Configuration'), ` ${issue.field}: `, el('span', issue.message))
          list.append(li)
        }
        problems.append(list)
      }
      if (warned.length > 0) {
        const details = el('details', undefined, 'warnings')
        const count = warned.reduce((n, s) => n + s.warnings.length, 0)
        details.append(
          el('summary', `${count} warning(s) from ${warned.map(sourceName).join(', ')}`),
        )
        const list = el('ul')
        for (const s of warned) for (const w of s.warnings) list.append(el('li', `${s.id}: ${w}`))
        details.append(list)
        problems.append(details)
      }
      element.dataset.state = bad ? 'bad' : 'ok'
      const last = status.lastRefresh
      const healthy = status.sources.length - failing.length
      info.textContent = last
        ? `${healthy} of ${status.sources.length} source(s) healthy · last refresh ${formatLocalTime(last.finishedAt)} (${formatAge(now - last.finishedAt)} ago)`
        : `${status.sources.length} source(s) configured · not refreshed yet`
      if (status.sources.length === 0)
        info.textContent = 'No Proxmox source is configured (see README, "Configuration").'
      refresh.hidden = !status.refreshAllowed
    },
  }
}

// Data health from /api/status: which source is stale or failing, since when and why; the
// last successful refresh; and a refresh button for viewers allowed to trigger one.
import { formatAge } from '../../shared/age.ts'
import type { SourceStatus, Status } from '../../shared/schema/status.ts'
import { button, el } from './dom.ts'
import { formatLocalTime, progressText } from './format.ts'

export interface Banner {
  element: HTMLElement
  render(status: Status, now: number): void
  /** Shows refresh progress or a failure next to the button. */
  note(text: string, bad?: boolean): void
}

function sourceName(s: SourceStatus): string {
  return `${s.name ?? s.id} (${s.kind.toUpperCase()})`
}

/** A relative age in the list, re-written on every tick (the rest of the list is not). */
interface TickingAge {
  span: HTMLSpanElement
  since: number
}

function problem(s: SourceStatus, ages: TickingAge[]): HTMLLIElement {
  const li = el('li')
  const failingSince = s.lastError ? ` since ${formatLocalTime(s.lastError.at)}` : ''
  li.append(el('strong', sourceName(s)), ` is failing${failingSince}: `)
  li.append(el('span', s.lastError?.message ?? 'the last refresh did not reach it', 'reason'))
  if (s.lastSuccess) {
    const span = el('span', undefined, 'age')
    ages.push({ span, since: s.lastSuccess })
    li.append(` — showing data from ${formatLocalTime(s.lastSuccess)} (`, span, ' old).')
  } else {
    li.append(' — no data from it yet.')
  }
  return li
}

interface Problems {
  failing: SourceStatus[]
  warned: SourceStatus[]
  storeError: Status['storeError']
  configIssues: Status['configIssues']
}

function problemsOf(status: Status): Problems {
  return {
    failing: status.sources.filter((s) => s.stale || s.lastError),
    warned: status.sources.filter((s) => !s.stale && !s.lastError && s.warnings.length),
    storeError: status.storeError ?? null,
    configIssues: status.configIssues,
  }
}

/** What the list shows, apart from the ticking ages: it is rebuilt when this changes. */
function listKey(p: Problems): string {
  return JSON.stringify([
    p.storeError,
    p.failing.map((s) => [sourceName(s), s.lastError?.message, s.lastError?.at, s.lastSuccess]),
    p.configIssues,
    p.warned.map((s) => [sourceName(s), s.id, s.warnings]),
  ])
}

/** The problems as one sentence each, without clock-dependent text: what is announced. */
function announcement(p: Problems): string {
  const lines: string[] = []
  if (p.storeError) lines.push(`Storage could not save the last refresh: ${p.storeError.message}.`)
  for (const s of p.failing)
    lines.push(
      `${sourceName(s)} is failing: ${s.lastError?.message ?? 'the last refresh did not reach it'}.`,
    )
  for (const issue of p.configIssues) lines.push(`Configuration ${issue.field}: ${issue.message}.`)
  return lines.join(' ')
}

export function createBanner(onRefresh: () => void): Banner {
  const element = el('section', undefined, 'banner')
  element.setAttribute('aria-label', 'Data health')
  // The visible list is not live: it is rebuilt only when its content changes and its ages
  // tick in place. Screen readers hear the problems from `live`, which is written only when
  // the set of problems changes, not every 30 s.
  const live = el('p', undefined, 'sr-only')
  live.setAttribute('role', 'alert')
  const problems = el('div', undefined, 'problems')
  const line = el('p', undefined, 'refresh-line')
  const info = el('span')
  const refresh = button('Refresh now', 'refresh')
  const message = el('span', undefined, 'refresh-note')
  message.setAttribute('aria-live', 'polite')
  refresh.addEventListener('click', onRefresh)
  line.append(info, refresh, message)
  element.append(live, problems, line)

  let drawn: string | null = null
  let announced = ''
  let ages: TickingAge[] = []

  function draw(p: Problems): void {
    ages = []
    problems.replaceChildren()
    const bad = p.failing.length > 0 || p.configIssues.length > 0 || p.storeError
    if (bad) {
      const list = el('ul')
      if (p.storeError) {
        const li = el('li')
        li.append(
          el('strong', 'Storage'),
          ` could not save the refresh of ${formatLocalTime(p.storeError.at)}: `,
          el('span', p.storeError.message, 'reason'),
          ' — showing the data stored before it.',
        )
        list.append(li)
      }
      for (const s of p.failing) list.append(problem(s, ages))
      for (const issue of p.configIssues) {
        const li = el('li')
        li.append(el('strong', 'Configuration'), ` ${issue.field}: `, el('span', issue.message))
        list.append(li)
      }
      problems.append(list)
    }
    if (p.warned.length > 0) {
      const details = el('details', undefined, 'warnings')
      const count = p.warned.reduce((n, s) => n + s.warnings.length, 0)
      details.append(
        el('summary', `${count} warning(s) from ${p.warned.map(sourceName).join(', ')}`),
      )
      const list = el('ul')
      for (const s of p.warned) for (const w of s.warnings) list.append(el('li', `${s.id}: ${w}`))
      details.append(list)
      problems.append(details)
    }
  }

  return {
    element,
    note(text, bad = false) {
      message.textContent = text
      message.classList.toggle('bad', bad)
    },
    render(status, now) {
      const p = problemsOf(status)
      // Rebuilt only when what it shows changes (not on a tick: an open <details> stays open).
      const key = listKey(p)
      if (key !== drawn) {
        draw(p)
        drawn = key
      }
      for (const { span, since } of ages) {
        const text = formatAge(now - since)
        if (span.textContent !== text) span.textContent = text
      }
      const next = announcement(p)
      if (next !== announced) {
        live.textContent = next || 'All data sources are healthy again.'
        announced = next
      }
      const bad = p.failing.length > 0 || p.configIssues.length > 0 || p.storeError != null
      element.dataset.state = bad ? 'bad' : 'ok'
      const last = status.lastRefresh
      const healthy = status.sources.length - p.failing.length
      info.textContent = last
        ? `${healthy} of ${status.sources.length} source(s) healthy · last refresh ${formatLocalTime(last.finishedAt)} (${formatAge(now - last.finishedAt)} ago)`
        : `${status.sources.length} source(s) configured · not refreshed yet`
      // A large fleet on a small subrequest budget: the round goes on over several invocations.
      if (status.progress) info.textContent += ` · ${progressText(status.progress, now)}`
      if (status.sources.length === 0)
        info.textContent = 'No Proxmox source is configured (see README, "Configuration").'
      refresh.hidden = !status.refreshAllowed
    },
  }
}

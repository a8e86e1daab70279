// The body template README "Webhook refresh" tells people to paste into Proxmox, rendered the
// way Proxmox renders it (`escape` = inside a JSON string, `json` = JSON), is what the Worker
// reads: a real vzdump message with quotes, backslashes and newlines must not break it.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseProxmoxEvent } from '../../../../functions/hooks/proxmox-event.ts'

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## Webhook refresh'), readme.indexOf('## API'))
const template = section
  .split('\n')
  .find((line) => line.trim().startsWith('{"title":'))
  ?.trim()

const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1)

function render(values: {
  title: string
  severity: string
  timestamp: number
  fields: Record<string, string>
  message: string
}): string {
  return (template ?? '')
    .replace('{{ escape title }}', jsonEscape(values.title))
    .replace('{{ severity }}', values.severity)
    .replace('{{ timestamp }}', String(values.timestamp))
    .replace('{{ json fields }}', JSON.stringify(values.fields))
    .replace('{{ escape message }}', jsonEscape(values.message))
}

describe('README body template', () => {
  it('is in the section, once, with every placeholder', () => {
    expect(template).toBeDefined()
    for (const placeholder of [
      'escape title',
      'severity',
      'timestamp',
      'json fields',
      'escape message',
    ])
      expect(template).toContain(`{{ ${placeholder} }}`)
  })

  it('renders a failed vzdump from pve1 into a body the Worker reads as a trigger', () => {
    const body = render({
      title: 'vzdump backup status (pve1.example.com): backup failed: multiple problems',
      severity: 'error',
      timestamp: 1749319345,
      fields: { hostname: 'pve1', type: 'vzdump' },
      message:
        '\nDetails\n=======\nVMID\tName\tStatus\n100\t"web01"\terr\n\nLogs\n====\n' +
        '100: 2025-06-07 20:00:02 ERROR: Backup of VM 100 failed - path C:\\tmp "x"\n',
    })
    expect(parseProxmoxEvent(body)).toEqual({
      ok: true,
      event: { kind: 'trigger', type: 'vzdump', hostname: 'pve1' },
    })
  })

  it('renders the test button into a test notification', () => {
    const body = render({
      title: 'Test notification',
      severity: 'info',
      timestamp: 1749319345,
      fields: {},
      message: 'This is a test of the notification target',
    })
    expect(parseProxmoxEvent(body)).toEqual({ ok: true, event: { kind: 'test' } })
  })
})

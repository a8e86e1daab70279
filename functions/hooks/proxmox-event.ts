// What a Proxmox VE / PBS notification webhook says, rendered from the body template in
// README "Webhook refresh" (proxmox-api.md §4.2). Only `fields` matters: `title` and `message`
// are for people, and the refresh re-reads the APIs instead of parsing them.
import * as z from 'zod'

/** Event types after which backups, their verification or their retention may have changed. */
export const TRIGGER_TYPES = ['vzdump', 'verify', 'verification', 'prune', 'gc', 'sync'] as const
export type TriggerType = (typeof TRIGGER_TYPES)[number]

// Loose on purpose: a user's template may add keys, and older releases may send fewer.
const ProxmoxBodySchema = z.looseObject({
  title: z.string().optional(),
  severity: z.string().optional(),
  timestamp: z.number().optional(),
  // Every value is a string (proxmox-api.md §4.2), but a hand-written template might not agree.
  fields: z.record(z.string(), z.unknown()).optional(),
})

export type ProxmoxEvent =
  | { kind: 'test' }
  | { kind: 'ignored'; type: string }
  | { kind: 'trigger'; type: TriggerType; hostname?: string; datastore?: string }

export type ParsedProxmoxEvent = { ok: true; event: ProxmoxEvent } | { ok: false; message: string }

const TEMPLATE_HINT =
  'send the JSON body template from README "Webhook refresh" (with "fields":{{ json fields }})'

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function isTriggerType(type: string): type is TriggerType {
  return (TRIGGER_TYPES as readonly string[]).includes(type)
}

export function parseProxmoxEvent(text: string): ParsedProxmoxEvent {
  if (text.trim() === '') return { ok: false, message: `The body is empty: ${TEMPLATE_HINT}` }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the input; a template mistake may have put a secret there.
    return { ok: false, message: `The body is not valid JSON: ${TEMPLATE_HINT}` }
  }
  const parsed = ProxmoxBodySchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : 'body'
    return {
      ok: false,
      message: `The body does not look like a Proxmox notification (${where}: ${issue?.message}): ${TEMPLATE_HINT}`,
    }
  }
  const fields = parsed.data.fields
  if (fields?.type !== undefined && typeof fields.type !== 'string') {
    return { ok: false, message: `fields.type must be a string: ${TEMPLATE_HINT}` }
  }
  // The test button sends `fields: {}`; a template without fields cannot say more than a test.
  const type = fields ? stringField(fields, 'type') : undefined
  if (!fields || type === undefined) return { ok: true, event: { kind: 'test' } }
  if (!isTriggerType(type)) return { ok: true, event: { kind: 'ignored', type } }
  const hostname = stringField(fields, 'hostname')
  const datastore = stringField(fields, 'datastore')
  return {
    ok: true,
    event: {
      kind: 'trigger',
      type,
      ...(hostname ? { hostname } : {}),
      ...(datastore ? { datastore } : {}),
    },
  }
}

/** vzdump comes from PVE; every other trigger type is a PBS job (proxmox-api.md §4.2 table). */
export function sourceKindOf(type: TriggerType): 'pve' | 'pbs' {
  return type === 'vzdump' ? 'pve' : 'pbs'
}

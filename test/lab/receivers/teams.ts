// A Teams Workflows webhook ("When a Teams webhook request is received", learn.microsoft.com):
// the body ≤ 28 KB ("The message size limit is 28 KB"), {"type":"message","attachments":[…]}
// with an attachment of contentType application/vnd.microsoft.card.adaptive whose content is
// an AdaptiveCard (Workflows take Adaptive Cards only). Checked here: the envelope, card
// version, the element types used and their required fields, absolute Action.OpenUrl URLs.
// A Workflows trigger answers 202 Accepted; a wrong signature 401.
import {
  bytes,
  createReceiver,
  isAbsoluteUrl,
  isObject,
  json,
  parseJson,
  type Receiver,
} from './receiver.ts'

const MAX_BYTES = 28 * 1_024
const ELEMENTS = new Set([
  'TextBlock',
  'Container',
  'ColumnSet',
  'Column',
  'FactSet',
  'RichTextBlock',
  'Image',
  'ActionSet',
])

function checkAction(action: unknown): string | null {
  if (!isObject(action)) return 'action must be an object'
  if (action.type !== 'Action.OpenUrl') return `unsupported action ${String(action.type)}`
  return isAbsoluteUrl(action.url) ? null : 'Action.OpenUrl needs an absolute url'
}

function checkElement(element: unknown, depth = 0): string | null {
  if (!isObject(element) || typeof element.type !== 'string') return 'element without a type'
  if (!ELEMENTS.has(element.type)) return `unknown element ${element.type}`
  if (depth > 8) return 'elements nested too deep'
  if (element.type === 'TextBlock' && (typeof element.text !== 'string' || element.text === ''))
    return 'TextBlock without text'
  if (element.selectAction !== undefined) {
    const problem = checkAction(element.selectAction)
    if (problem) return problem
  }
  const children =
    element.type === 'Container'
      ? element.items
      : element.type === 'ColumnSet'
        ? element.columns
        : element.type === 'Column'
          ? element.items
          : []
  if (children !== undefined && !Array.isArray(children))
    return `${element.type} children must be a list`
  for (const child of (children as unknown[] | undefined) ?? []) {
    const problem = checkElement(child, depth + 1)
    if (problem) return problem
  }
  return null
}

export function createTeamsReceiver(prefix: string, options: { path: string }): Receiver {
  return createReceiver('teams', prefix, (request) => {
    const refuse = (status: number, reason: string) => ({
      ok: false as const,
      reason,
      response: json(status, {
        error: {
          code: status === 401 ? 'DirectApiAuthorizationRequired' : 'InvalidRequestContent',
          message: reason,
        },
      }),
    })
    if (request.path !== options.path) return refuse(401, 'the signature does not match')
    if (bytes(request.body) > MAX_BYTES)
      return refuse(413, 'The payload is too large. Please make sure the size is less than 28KB.')
    const body = parseJson(request.body)
    if (
      !isObject(body) ||
      body.type !== 'message' ||
      !Array.isArray(body.attachments) ||
      body.attachments.length === 0
    ) {
      return refuse(400, 'expected {"type":"message","attachments":[…]}')
    }
    for (const attachment of body.attachments) {
      if (
        !isObject(attachment) ||
        attachment.contentType !== 'application/vnd.microsoft.card.adaptive'
      ) {
        return refuse(400, 'attachments must be Adaptive Cards')
      }
      const card = attachment.content
      if (
        !isObject(card) ||
        card.type !== 'AdaptiveCard' ||
        typeof card.version !== 'string' ||
        !/^1\.[0-6]$/.test(card.version)
      ) {
        return refuse(400, 'content must be an AdaptiveCard of version 1.0-1.6')
      }
      if (!Array.isArray(card.body)) return refuse(400, 'card body must be a list')
      for (const element of card.body) {
        const problem = checkElement(element)
        if (problem) return refuse(400, problem)
      }
      for (const action of Array.isArray(card.actions) ? card.actions : []) {
        const problem = checkAction(action)
        if (problem) return refuse(400, problem)
      }
    }
    return { ok: true, message: body, response: new Response(null, { status: 202 }) }
  })
}

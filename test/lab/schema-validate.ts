// Validator for the PVE API schema format (apidata.js subset) used by the conformance test.
// PVE sends booleans as 0/1 and adds undocumented properties, so both are accepted.

export interface SchemaNode {
  type?: string
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  optional?: number | boolean
  enum?: readonly (string | number)[]
}

function typeError(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value !== 'string'
    case 'integer':
      return !Number.isInteger(value)
    case 'number':
      return typeof value !== 'number' || !Number.isFinite(value)
    case 'boolean':
      return !(value === 0 || value === 1 || typeof value === 'boolean')
    case 'array':
      return !Array.isArray(value)
    case 'object':
      return typeof value !== 'object' || value === null || Array.isArray(value)
    default:
      return false
  }
}

/** Returns human-readable problems; an empty list means the value conforms. */
export function validateSchema(schema: SchemaNode, value: unknown, path = 'data'): string[] {
  if (value === null || value === undefined)
    return [`${path}: is ${value}, PVE omits absent values`]
  if (schema.type && typeError(schema.type, value))
    return [`${path}: expected ${schema.type}, got ${JSON.stringify(value)}`]
  const problems: string[] = []
  if (schema.enum && !schema.enum.includes(value as string | number)) {
    problems.push(`${path}: ${JSON.stringify(value)} not in enum ${schema.enum.join('|')}`)
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      problems.push(...validateSchema(schema.items as SchemaNode, item, `${path}[${i}]`))
    })
  }
  if (schema.properties && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    for (const [key, sub] of Object.entries(schema.properties)) {
      if (!(key in obj)) {
        if (!sub.optional) problems.push(`${path}.${key}: required property missing`)
        continue
      }
      problems.push(...validateSchema(sub, obj[key], `${path}.${key}`))
    }
  }
  return problems
}

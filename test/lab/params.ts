// Query parameter checks with PVE's error texts (400 "Parameter verification failed.").

export interface ParamSpec {
  type: 'integer' | 'boolean' | 'string'
  enum?: readonly string[]
  list?: readonly string[]
}

export type ParamSpecs = Record<string, ParamSpec>

const TRUE = ['1', 'true', 'yes', 'on']
const FALSE = ['0', 'false', 'no', 'off']

export function checkParams(
  query: URLSearchParams,
  specs: ParamSpecs,
): Record<string, string> | undefined {
  const errors: Record<string, string> = {}
  for (const [name, value] of query) {
    const spec = specs[name]
    if (!spec) {
      errors[name] =
        'property is not defined in schema and the schema does not allow additional properties'
      continue
    }
    if (spec.type === 'integer' && !/^-?\d+$/.test(value))
      errors[name] = `type check ('integer') failed - got '${value}'`
    if (spec.type === 'boolean' && ![...TRUE, ...FALSE].includes(value.toLowerCase()))
      errors[name] = `type check ('boolean') failed - got '${value}'`
    if (spec.enum && !spec.enum.includes(value))
      errors[name] =
        `value '${value}' does not have a value in the enumeration '${spec.enum.join(', ')}'`
    if (spec.list) {
      const bad = value.split(/[,;\s]+/).find((v) => v !== '' && !spec.list?.includes(v))
      if (bad !== undefined)
        errors[name] =
          `invalid format - value '${bad}' does not have a value in the enumeration '${spec.list.join(', ')}'`
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  return TRUE.includes((query.get(name) ?? '').toLowerCase())
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name)
  return v === null ? undefined : Number.parseInt(v, 10)
}

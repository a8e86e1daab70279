// Previous facts handed to a collector frozen all the way down: the refresh pass gives the
// collectors the stored facts themselves (not copies), so a collector that changed them would
// change what is served. Frozen, such a change throws a TypeError (modules are strict), which
// the properties reject as a non-ProxmoxError.
export function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFrozen(inner)
  }
  return value
}

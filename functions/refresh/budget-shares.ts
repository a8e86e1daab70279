// Splits one invocation's subrequest budget between the sources of a pass, so none starves:
// water-filling by what each is expected to need. A source that needs less than an even share
// gets what it needs and the rest is shared by the others; an unknown need counts as unbounded.
// (Sharing one budget first-come-first-served let the first cluster take every request, and
// the second never got any data.)
export function budgetShares(
  total: number,
  needs: ReadonlyMap<string, number | undefined>,
): Map<string, number> {
  const shares = new Map<string, number>()
  const open = [...needs.entries()]
    .map(([id, need]) => ({ id, need: need ?? Number.POSITIVE_INFINITY }))
    .sort((a, b) => a.need - b.need || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  let left = Math.max(0, Math.floor(total))
  for (let i = 0; i < open.length; i += 1) {
    const entry = open[i] as { id: string; need: number }
    const share = Math.min(entry.need, Math.ceil(left / (open.length - i)))
    shares.set(entry.id, share)
    left -= share
  }
  return shares
}

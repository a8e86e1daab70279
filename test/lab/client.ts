// Drives a running lab's control endpoints (faults, request counts) from tests, scripts and
// benchmarks, in Node or inside workerd.

export async function setLabFaults(labUrl: string, faults: unknown[]): Promise<void> {
  const response = await fetch(`${labUrl}/_lab/faults`, {
    method: 'PUT',
    body: JSON.stringify(faults),
  })
  if (!response.ok) throw new Error(`lab refused faults: ${await response.text()}`)
}

export async function clearLabFaults(labUrl: string): Promise<void> {
  await fetch(`${labUrl}/_lab/faults`, { method: 'DELETE' })
}

export async function resetLabStats(labUrl: string): Promise<void> {
  await fetch(`${labUrl}/_lab/stats/reset`, { method: 'POST' })
}

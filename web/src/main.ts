// Dashboard entry: asks the Worker whether it is healthy and says so.
import { HealthSchema } from '../../shared/schema/health.ts'

async function showHealth(target: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/api/health', { headers: { accept: 'application/json' } })
    const parsed = HealthSchema.safeParse(await response.json())
    if (!response.ok || !parsed.success) throw new Error(`unexpected answer (${response.status})`)
    const { version, sources, configIssues } = parsed.data
    target.textContent = `Worker ${version} is up · ${sources} source(s) configured${
      configIssues > 0 ? ` · ${configIssues} configuration issue(s)` : ''
    }`
    target.className = configIssues > 0 ? 'health bad' : 'health ok'
  } catch (error) {
    target.textContent = `Cannot reach the Worker: ${error instanceof Error ? error.message : 'unknown error'}`
    target.className = 'health bad'
  }
}

const health = document.getElementById('health')
if (health) void showHealth(health)

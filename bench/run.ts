// `npm run bench [-- name…]`: every benchmark (or the named ones), each reported beside its
// baseline and goal.
import { benchAlerts } from './alerts.ts'
import { benchBadge } from './badge.ts'
import { benchDashboard } from './dashboard.ts'
import { benchHistory } from './history.ts'
import { benchMetrics } from './metrics.ts'
import { benchPipeline } from './pipeline.ts'

const benches: Record<string, () => Promise<void>> = {
  pipeline: benchPipeline,
  dashboard: benchDashboard,
  badge: benchBadge,
  alerts: benchAlerts,
  metrics: benchMetrics,
  history: benchHistory,
}

const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !(name in benches))
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`)
  process.exit(2)
}

console.log('# Pulse Edge benchmarks')
console.log(`node ${process.version}, ${new Date().toISOString()}`)
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await bench()
}

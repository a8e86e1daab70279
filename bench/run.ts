// `npm run bench`: every benchmark, each reported beside its baseline and goal.
import { benchPipeline } from './pipeline.ts'

console.log('# Pulse Edge benchmarks')
console.log(`node ${process.version}, ${new Date().toISOString()}`)
await benchPipeline()

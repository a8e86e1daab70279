// Public entry of the simulated Proxmox lab: import from here in tests, benchmarks and scripts.
export type { LabFault, LabFaultKind } from './faults.ts'
export { generateLab, notBackedUp } from './generate.ts'
export { createLabHandler, type LabHandler } from './handle.ts'
export { createLabState, type LabState, type RequestCounts } from './lab-state.ts'
export { type LabFacts, type LabModel, type LabSource, labSources, type PbsRef } from './model.ts'
export { presets } from './presets.ts'
export { type RunningLab, type StartLabOptions, startLab } from './server.ts'
export type { LabOptions } from './types.ts'

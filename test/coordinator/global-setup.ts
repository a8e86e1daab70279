// Closes the lab and the alert receivers vitest.config.ts started for the coordinator project.
type Closable = { close(): Promise<void> }

export default function setup() {
  return async () => {
    const started = globalThis as { coordinatorLab?: Closable; coordinatorReceivers?: Closable }
    await started.coordinatorLab?.close()
    await started.coordinatorReceivers?.close()
  }
}

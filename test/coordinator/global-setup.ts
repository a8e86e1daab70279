// Closes the lab vitest.config.ts started for the coordinator project.
export default function setup() {
  return async () => {
    const lab = (globalThis as { coordinatorLab?: { close(): Promise<void> } }).coordinatorLab
    await lab?.close()
  }
}

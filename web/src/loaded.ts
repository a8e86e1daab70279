// Data a view loads from its own endpoint: kept once loaded, revalidated with the rest, and
// on a failed reload kept on screen beside the error.

export interface Loaded<T> {
  data: T | null
  error: string | null
  loading: boolean
}

export const notLoaded = <T>(): Loaded<T> => ({ data: null, error: null, loading: false })

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : 'Unknown error'

/** Loads once (or `again`), never twice at a time; `done` runs when it has answered. */
export async function ensure<T>(
  current: () => Loaded<T>,
  set: (next: Loaded<T>) => void,
  load: () => Promise<T>,
  done: () => void,
  again = false,
): Promise<void> {
  const c = current()
  if (c.loading || (!again && (c.data !== null || c.error !== null))) return
  set({ ...c, loading: true, error: null })
  try {
    set({ data: await load(), error: null, loading: false })
  } catch (error) {
    set({ data: c.data, error: messageOf(error), loading: false })
  }
  done()
}

// The part of a Durable Object's storage the coordinator uses (`sql.exec`, `transactionSync`),
// over node:sqlite: so the coordinator's own SQLite state (sqlite-state.ts, its migrations and
// every statement) runs in Node for unit tests and benchmarks, with a real SQLite behind it and
// Durable Object SQL's limit of 100 bound parameters per statement enforced.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'

export const DO_MAX_BOUND_PARAMETERS = 100

export interface NodeSqliteStorage {
  storage: DurableObjectStorage
  db: DatabaseSync
  /** Bytes the database file takes (page count × page size). */
  bytes(): number
  close(): void
}

class Cursor<T> {
  readonly rowsWritten: number
  readonly rowsRead: number
  private readonly rows: T[]
  constructor(rows: T[], written: number) {
    this.rows = rows
    this.rowsWritten = written
    this.rowsRead = rows.length
  }
  toArray(): T[] {
    return this.rows
  }
  one(): T {
    if (this.rows.length !== 1) throw new Error(`expected one row, got ${this.rows.length}`)
    return this.rows[0] as T
  }
  raw(): IterableIterator<unknown[]> {
    return this.rows.map((row) => Object.values(row as object))[Symbol.iterator]()
  }
  next(): IteratorResult<T> {
    throw new Error('iterate with toArray()')
  }
  [Symbol.iterator](): IterableIterator<T> {
    return this.rows[Symbol.iterator]()
  }
}

const toInput = (value: unknown): SQLInputValue => {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  return value as SQLInputValue
}

export function nodeSqliteStorage(path = ':memory:'): NodeSqliteStorage {
  const db = new DatabaseSync(path)
  /** Prepared once per query text, with whether it returns rows (columns() is not free). */
  const statements = new Map<
    string,
    { statement: ReturnType<DatabaseSync['prepare']>; reads: boolean; returning: boolean }
  >()
  const totalChanges = db.prepare('SELECT total_changes() AS n')
  let depth = 0
  const exec = (query: string, ...bindings: unknown[]) => {
    if (bindings.length > DO_MAX_BOUND_PARAMETERS) {
      throw new Error(
        `${bindings.length} bound parameters; Durable Object SQL allows ${DO_MAX_BOUND_PARAMETERS}`,
      )
    }
    // Several statements (a migration): Durable Object SQL runs them all in one exec.
    if (bindings.length === 0 && /;\s*\S/.test(query)) {
      db.exec(query)
      return new Cursor([], 0)
    }
    let prepared = statements.get(query)
    if (!prepared) {
      const statement = db.prepare(query)
      prepared = {
        statement,
        reads: statement.columns().length > 0,
        returning: /\bRETURNING\b/i.test(query),
      }
      statements.set(query, prepared)
    }
    const { statement, reads, returning } = prepared
    const input = bindings.map(toInput)
    if (!reads) {
      const result = statement.run(...input)
      return new Cursor([], Number(result.changes))
    }
    // A write that returns rows (`… RETURNING`): count its changes around it.
    const changes = () => (returning ? Number((totalChanges.get() as { n: number }).n) : 0)
    const before = changes()
    const rows = statement.all(...input) as Record<string, SqlStorageValue>[]
    return new Cursor(rows, changes() - before)
  }
  const transactionSync = <T>(work: () => T): T => {
    const name = `t${depth}`
    depth += 1
    db.exec(`SAVEPOINT ${name}`)
    try {
      const result = work()
      db.exec(`RELEASE ${name}`)
      return result
    } catch (error) {
      db.exec(`ROLLBACK TO ${name}`)
      db.exec(`RELEASE ${name}`)
      throw error
    } finally {
      depth -= 1
    }
  }
  const pragma = (name: string) =>
    Number((db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[name])
  const storage = {
    sql: {
      exec,
      get databaseSize() {
        return pragma('page_count') * pragma('page_size')
      },
    },
    transactionSync,
  } as unknown as DurableObjectStorage
  return {
    storage,
    db,
    bytes: () => pragma('page_count') * pragma('page_size'),
    close: () => db.close(),
  }
}

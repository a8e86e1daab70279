// The page's only I/O: the Worker's JSON API, parsed with the same schemas the Worker writes.
import * as z from 'zod/mini'
import { ApiErrorSchema } from '../../shared/schema/error.ts'
import {
  type GuestRecord,
  GuestRecordSchema,
  type OrphanRecord,
  OrphanRecordSchema,
} from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import { type JobsIndex, JobsIndexSchema } from '../../shared/schema/jobs.ts'
import { type Status, StatusSchema } from '../../shared/schema/status.ts'
import { type StorageIndex, StorageIndexSchema } from '../../shared/schema/storage.ts'

export class ApiError extends Error {
  readonly status: number
  constructor(message: string, status: number) {
    super(message)
    this.status = status
  }
}

async function errorOf(path: string, response: Response): Promise<ApiError> {
  const body = z.safeParse(ApiErrorSchema, await response.json().catch(() => null))
  const detail = body.success ? body.data.error.message : response.statusText
  return new ApiError(`${path}: ${response.status} ${detail}`.trim(), response.status)
}

export async function getJson<T>(path: string, schema: z.ZodMiniType<T>): Promise<T> {
  // no-cache: revalidate with the ETag every time, so a reload never shows old data.
  const response = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-cache' })
  if (!response.ok) throw await errorOf(path, response)
  const parsed = z.safeParse(schema, await response.json())
  if (!parsed.success) throw new ApiError(`${path} sent data this page does not understand`, 0)
  return parsed.data
}

export const loadIndex = (): Promise<GuestIndex> => getJson('/api/guests', GuestIndexSchema)
export const loadStatus = (): Promise<Status> => getJson('/api/status', StatusSchema)
export const loadGuest = (key: string): Promise<GuestRecord> =>
  getJson(`/api/guests/${key}`, GuestRecordSchema)
/** `key` is checked by parseViewState against what the route accepts; its slashes are path. */
export const loadOrphan = (key: string): Promise<OrphanRecord> =>
  getJson(`/api/orphans/${key}`, OrphanRecordSchema)
export const loadJobs = (): Promise<JobsIndex> => getJson('/api/jobs', JobsIndexSchema)
export const loadStorage = (): Promise<StorageIndex> => getJson('/api/storage', StorageIndexSchema)

export async function requestRefresh(token?: string): Promise<void> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch('/api/refresh', { method: 'POST', headers })
  if (!response.ok) throw await errorOf('Refresh', response)
}

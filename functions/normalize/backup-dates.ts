// Groups a guest's finished backups by UTC day, keeping every exact timestamp so the page can
// re-bucket them in the viewer's zone and never derive an age from a day (the 36 h bug).
import { BACKUP_DATE_TYPES, type BackupDate, type BackupDetail } from '../../shared/schema/guest.ts'

type DateType = (typeof BACKUP_DATE_TYPES)[number]

const SECONDS_PER_DAY = 86_400

const DATE_TYPE: Record<BackupDetail['kind'], DateType> = {
  pve: 'pveBackups',
  pbs: 'pbsSnapshots',
  snapshot: 'vmSnapshots',
}

/** Items that belong on a calendar: finished, and not a snapshot whose time PVE did not know. */
function onCalendar(item: BackupDetail): boolean {
  return !item.inProgress && !(item.kind === 'snapshot' && item.time === 0)
}

/** UTC day number → `YYYY-MM-DD`; shared across guests, who mostly back up on the same days. */
export type DayNames = Map<number, string>

function dayName(day: number, names: DayNames): string {
  let name = names.get(day)
  if (name === undefined) {
    name = new Date(day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10)
    names.set(day, name)
  }
  return name
}

function emptyDay(date: string): BackupDate {
  return {
    date,
    types: [],
    count: 0,
    timestamps: { pveBackups: [], pbsSnapshots: [], vmSnapshots: [] },
  }
}

function withTypes(entry: BackupDate): BackupDate {
  entry.types = BACKUP_DATE_TYPES.filter((type) => entry.timestamps[type].length > 0)
  return entry
}

/**
 * Items newest first (as a record's backups are sorted), walked oldest first: days and each
 * day's timestamps come out in order, with no map and no sort. The same result as the general
 * case below, which a guest record's ~100 items made a tenth of the normalizer's time.
 */
function datesOfSorted(items: readonly BackupDetail[], names: DayNames): BackupDate[] {
  const dates: BackupDate[] = []
  let day = Number.NaN
  let entry: BackupDate | undefined
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as BackupDetail
    if (!onCalendar(item)) continue
    const itemDay = Math.floor(item.time / SECONDS_PER_DAY)
    if (entry === undefined || itemDay !== day) {
      day = itemDay
      entry = emptyDay(dayName(day, names))
      dates.push(entry)
    }
    entry.timestamps[DATE_TYPE[item.kind]].push(item.time)
    entry.count += 1
  }
  return dates.map(withTypes)
}

function newestFirst(items: readonly BackupDetail[]): boolean {
  for (let i = 1; i < items.length; i++)
    if ((items[i] as BackupDetail).time > (items[i - 1] as BackupDetail).time) return false
  return true
}

export function backupDates(
  items: readonly BackupDetail[],
  names: DayNames = new Map(),
): BackupDate[] {
  if (newestFirst(items)) return datesOfSorted(items, names)
  const days = new Map<number, BackupDate>()
  for (const item of items) {
    if (!onCalendar(item)) continue
    const day = Math.floor(item.time / SECONDS_PER_DAY)
    let entry = days.get(day)
    if (!entry) {
      entry = emptyDay(dayName(day, names))
      days.set(day, entry)
    }
    entry.timestamps[DATE_TYPE[item.kind]].push(item.time)
    entry.count += 1
  }
  return [...days.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, entry]) => {
      for (const type of BACKUP_DATE_TYPES) entry.timestamps[type].sort((a, b) => a - b)
      return withTypes(entry)
    })
}

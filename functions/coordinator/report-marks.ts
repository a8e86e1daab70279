// The report marks as stored (a document in SQLite): parsed back with this schema, so a row an
// older release wrote in another shape counts as missing and each channel arms itself afresh.
import * as z from 'zod'
import type { ReportMarks } from '../reports/schedule.ts'

export const ReportMarksSchema = z.record(
  z.string(),
  z.object({ schedule: z.string(), slot: z.int() }),
)

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const marksMatch: Same<z.infer<typeof ReportMarksSchema>, ReportMarks> = true
void marksMatch

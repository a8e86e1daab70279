// Public entry of the normalizer: facts in, guest records, orphans and ambiguous groups out.
export { toGuestSummary } from './guest-record.ts'
export { normalizeGuests } from './normalize-guests.ts'
export type { ClusterMapping, NormalizeInput, NormalizeResult } from './types.ts'
export { warningsBySource } from './warnings.ts'

// Webhook settings read from the environment (documented in README "Webhook refresh").
// Unset secrets disable the matching route; nothing here is ever logged or echoed.
import type { Env } from '../env.ts'
import { type KeyBytes, parseSigningSecrets } from './standard-webhooks.ts'

export const DEFAULT_HOOK_MIN_INTERVAL_SECONDS = 60
/** A day: beyond that the cron (every 15 minutes) makes the hooks pointless anyway. */
const MAX_HOOK_MIN_INTERVAL_SECONDS = 86_400

function text(env: Env, name: `PULSE_${string}`): string | undefined {
  const value = env[name]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** Bearer secret of POST /hooks/proxmox. */
export function proxmoxHookSecret(env: Env): string | undefined {
  return text(env, 'PULSE_WEBHOOK_SECRET')
}

/** HMAC keys of POST /hooks/refresh: absent, or invalid (a setting to fix, not to ignore). */
export function signingKeys(env: Env): { keys: KeyBytes[] } | 'unset' | 'invalid' {
  const raw = text(env, 'PULSE_WEBHOOK_SIGNING_SECRET')
  if (raw === undefined) return 'unset'
  const keys = parseSigningSecrets(raw)
  return keys ? { keys } : 'invalid'
}

export function hookMinIntervalSeconds(env: Env): number {
  const raw = text(env, 'PULSE_HOOK_MIN_INTERVAL_SECONDS')
  if (raw === undefined) return DEFAULT_HOOK_MIN_INTERVAL_SECONDS
  const seconds = Number(raw)
  if (Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_HOOK_MIN_INTERVAL_SECONDS) {
    return seconds
  }
  console.warn(
    `config: PULSE_HOOK_MIN_INTERVAL_SECONDS must be whole seconds from 0 to ${MAX_HOOK_MIN_INTERVAL_SECONDS}; using ${DEFAULT_HOOK_MIN_INTERVAL_SECONDS}`,
  )
  return DEFAULT_HOOK_MIN_INTERVAL_SECONDS
}

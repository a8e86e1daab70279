// /hooks: refresh triggers from Proxmox notification webhooks and Standard Webhooks senders.
import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

export const hooks = new Hono<AppEnv>()

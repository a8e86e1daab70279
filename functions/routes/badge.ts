// /badge: embeddable SVG and shields.io endpoint badges of a guest's or the fleet's backup age.
import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

export const badge = new Hono<AppEnv>()

// Test projects: `unit` (pure code and the lab, in Node) and `worker` (the Worker inside
// workerd through Cloudflare's Vitest integration) and `browser` (the dashboard in the Chromium
// npm installs with @sparticuz/chromium, against `wrangler dev` and the lab).
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { labWorkerVars } from './scripts/lab-env.ts'
import { startReceiverServer } from './test/lab/receivers/server.ts'
import { startLab } from './test/lab/server.ts'

/** A whsec_ secret for the tests' signed webhooks (fake: 32 bytes of 0x01). */
export const COORDINATOR_SIGNING_SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`

// The `coordinator` project runs the real Durable Object, whose environment is the Worker's
// bindings: they must point at a lab before workerd starts, so that lab starts here (and
// test/coordinator/global-setup.ts closes it).
const coordinatorLab = await startLab({ preset: 'demo', seed: 11, keepAlive: false })
;(globalThis as { coordinatorLab?: typeof coordinatorLab }).coordinatorLab = coordinatorLab
// And the alert receivers its channels deliver to (every HTTP channel type), over loopback.
const coordinatorReceivers = await startReceiverServer({ keepAlive: false })
;(globalThis as { coordinatorReceivers?: typeof coordinatorReceivers }).coordinatorReceivers =
  coordinatorReceivers

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/lab/**/*.test.ts'],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // Fake secrets only: real ones live in `wrangler secret` or .dev.vars.
              bindings: { PULSE_SOURCES: '[]' },
              // Miniflare's local send_email bindings, for the e-mail channel (email.test.ts).
              email: {
                send_email: [
                  { name: 'PULSE_EMAIL' },
                  {
                    name: 'PULSE_EMAIL_ONLY_ME',
                    allowed_destination_addresses: ['me@example.org'],
                  },
                ],
              },
            },
          }),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['test/worker/global-setup.ts'],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // Fake secrets only (the lab's tokens).
              bindings: {
                ...labWorkerVars(coordinatorLab.model, coordinatorLab.sources, {
                  PULSE_SUBREQUEST_BUDGET: '1000',
                  PULSE_WEBHOOK_SIGNING_SECRET: COORDINATOR_SIGNING_SECRET,
                  PULSE_WEBHOOK_SECRET: 'coordinator-test-hook-secret',
                  PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
                  PULSE_HOOK_MIN_INTERVAL_SECONDS: '0',
                  PULSE_PUBLIC_URL: 'https://pulse.test',
                  ...coordinatorReceivers.vars,
                }),
                PULSE_TEST_LAB_URL: coordinatorLab.url,
                PULSE_TEST_RECEIVERS_URL: coordinatorReceivers.url,
              },
            },
          }),
        ],
        test: {
          name: 'coordinator',
          include: ['test/coordinator/**/*.test.ts'],
          // One lab and one set of receivers for the whole project: its files count what each
          // got (requests, messages), so they run one after the other.
          fileParallelism: false,
          globalSetup: ['test/coordinator/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})

// Types the test env and `exports` (from cloudflare:workers) from the Worker's own source.
import type { Env as WorkerEnv } from '../../functions/env.ts'
import type * as MainModule from '../../functions/index.ts'

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof MainModule
    }
  }
}

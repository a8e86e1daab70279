// The Jobs and Storage views on the real stack (`wrangler dev` collecting from the demo lab, no
// fixture in between): every job and store of the lab's model is shown, in the state the model
// gave it — the failed run with its failed guest, the disabled job, the PBS job that failed and
// the one that warned, the store in maintenance held with its reason, the removable store not
// mounted, the S3-backed store (issue 11, "Done when").
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, lab, launch, openPage } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const shot = (name: string) => new URL(name, ARTIFACTS).pathname
const f = lab.facts
const sourceOf = (labSource: string) => lab.sourceIds[labSource] ?? labSource

describe('the views against the lab', () => {
  it('shows every PVE and PBS job of the lab, in the state of its last run', async () => {
    const { page, errors } = await openPage(browser, '/?view=jobs')
    await page.locator('table.pve-jobs').waitFor()
    const pveKeys = await page.$$eval('table.pve-jobs tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-job')),
    )
    expect(pveKeys.sort()).toEqual(lab.pveJobs.map((j) => `${j.cluster}/${j.id}`).sort())

    const failed = page.locator(
      `tr[data-job="${f.jobs.failedRun.cluster}/${f.jobs.failedRun.job}"]`,
    )
    expect(await failed.getAttribute('data-outcome')).toBe('failed')
    expect(
      await failed.locator(`.failed li[data-vmid="${f.jobs.failedRun.failedVmid}"]`).textContent(),
    ).toContain(f.failedTask.reason)
    expect(await failed.locator(`.failed li[data-vmid="${f.jobs.failedRun.okVmid}"]`).count()).toBe(
      0,
    )
    const disabled = page.locator(
      `tr[data-job="${f.jobs.disabled.cluster}/${f.jobs.disabled.job}"]`,
    )
    expect(await disabled.locator('.tag').textContent()).toBe('disabled')

    const pbsKeys = await page.$$eval('table.pbs-jobs tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-job')),
    )
    const labPbsJobs = lab.pbs.flatMap((server) =>
      server.jobs.map((j) => `${sourceOf(server.source)}/${j.kind}/${j.id}`),
    )
    // Every verify / prune / sync job is listed (GC rows, one per store, come on top).
    for (const key of labPbsJobs) expect(pbsKeys).toContain(key)
    const pbsRow = (kind: string, id: string) => {
      const server = lab.pbs.find((s) => s.jobs.some((j) => j.kind === kind && j.id === id))
      expect(server, `${kind} job ${id} in the lab`).toBeDefined()
      return page.locator(`tr[data-job="${sourceOf(server?.source ?? '')}/${kind}/${id}"]`)
    }
    const { failedJob, warningJob } = f.pbsHealth
    const failedPbs = pbsRow(failedJob.kind, failedJob.id)
    expect(await failedPbs.getAttribute('data-outcome')).toBe('failed')
    expect(await failedPbs.textContent()).toContain(failedJob.state)
    expect(await pbsRow(warningJob.kind, warningJob.id).getAttribute('data-outcome')).toBe(
      'warning',
    )
    await page.screenshot({ path: shot('lab-jobs.png'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('shows every datastore of the lab: held in maintenance, not mounted, S3', async () => {
    const { page, errors } = await openPage(browser, '/?view=storage')
    await page.locator('table.datastores').waitFor()
    const shown = await page.$$eval('table.datastores tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-store')),
    )
    const stores = lab.pbs.flatMap((server) =>
      server.stores.map((s) => ({ ...s, key: `${sourceOf(server.source)}/${s.store}` })),
    )
    expect([...shown].sort()).toEqual(stores.map((s) => s.key).sort())
    for (const store of stores) {
      const row = page.locator(`tr[data-store="${store.key}"]`)
      if (store.maintenance) {
        expect(await row.getAttribute('data-maintenance')).toBe(store.maintenance)
        expect(await row.locator('[data-held="true"]').count()).toBe(1)
      }
      if (store.removable) {
        expect(await row.textContent()).toContain('not mounted')
        // Held: its last good snapshots stay, marked as such.
        expect(await row.locator('[data-held="true"]').count()).toBe(1)
      }
      if (store.s3) expect(await row.textContent()).toContain('S3')
    }
    expect(stores.some((s) => s.removable)).toBe(true)
    const filling = stores.find((s) => s.store === f.pbsHealth.filling.store)
    expect(filling).toBeDefined()
    expect(
      await page.locator(`tr[data-store="${filling?.key}"] meter`).getAttribute('aria-label'),
    ).toMatch(/^\d+% used$/)
    // The lab's shared NFS storage is listed once, not once per node.
    const shared = f.sharedStorage
    expect(
      await page.locator(`tr[data-storage="${shared.cluster}/${shared.storage}"]`).count(),
    ).toBe(1)
    await page.screenshot({ path: shot('lab-storage.png'), fullPage: true })
    expect(errors).toEqual([])
  })
})

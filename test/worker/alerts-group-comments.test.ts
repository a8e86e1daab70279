// Issue 12's exclusion by PBS group comment, end to end: the owner writes `no-monitor` into a
// backup group's notes on the PBS (not a snapshot's), and that guest never alerts while its twin,
// in the same state without the note, does. `exclude.pbsComment: null` turns the exclusion off.
// The comment travels: lab /groups → PBS facts → normalized guest → alert scope.
import { describe, expect, it } from 'vitest'
import type { PbsGroup } from '../lab/types.ts'
import { type AlertLab, createAlertLab } from './alerts-lab.ts'

/** Two office guests alike in what alerts (PBS only, the same job), each with its own group. */
function twins(lab: AlertLab): [PbsGroup, PbsGroup] {
  const office = lab.model.clusters.find((c) => c.name === 'office')
  const store = lab.model.pbs[0]?.datastores.find((d) => d.store === 'store1')
  const groups = (office?.guests ?? [])
    .filter((g) => !g.template && g.status === 'running')
    .flatMap((g) => {
      const type = g.type === 'qemu' ? 'vm' : 'ct'
      const own = store?.groups.filter((x) => x.id === String(g.vmid) && x.type === type) ?? []
      const [group] = own
      // Only the guests whose one PBS group is in office's namespace, with no archive on PVE.
      const archived = office?.archives.some((a) => a.vmid === g.vmid) ?? true
      return own.length === 1 && group?.ns === 'office' && !archived ? [group] : []
    })
  const [a, b] = groups
  if (!a || !b) throw new Error('the lab has no two such office guests')
  return [a, b]
}

/** Subject keys of every alert that ever fired. */
const alerted = (lab: AlertLab) => new Set(lab.state.readAlerts().map((r) => r.subject.key))

/** The lab three days on, when every guest's backups are overdue. */
async function threeDaysOn(lab: AlertLab) {
  await lab.refresh()
  await lab.advance(3 * 86_400)
  await lab.refresh()
}

describe('a PBS group comment containing no-monitor', () => {
  it('keeps its guest out of alerting; the twin without it alerts', async () => {
    const lab = createAlertLab({ rules: { repeatHours: 0 } })
    const [parked, twin] = twins(lab)
    // Matched case-insensitively anywhere in the comment.
    parked.comment = 'Parked: NO-MONITOR until spring'
    await threeDaysOn(lab)
    const keys = alerted(lab)
    expect(keys).toContain(`office/${twin.id}`)
    expect(keys).not.toContain(`office/${parked.id}`)
    // The lab's own parked guest (its group's notes begin "no-monitor: …") neither.
    const lab113 = lab.model.facts.groupComments.parked
    expect(keys).not.toContain(`${lab113.cluster}/${lab113.vmid}`)
    // And no message ever names it.
    const sent = lab.receivers.webhook.accepted.map((m) => JSON.stringify(m)).join('\n')
    expect(sent).toContain(`office/${twin.id}`)
    expect(sent).not.toContain(`office/${parked.id}`)
  })

  it('alerts like any other guest with exclude.pbsComment: null', async () => {
    const lab = createAlertLab({ rules: { repeatHours: 0, exclude: { pbsComment: null } } })
    const [parked, twin] = twins(lab)
    parked.comment = 'Parked: NO-MONITOR until spring'
    await threeDaysOn(lab)
    const keys = alerted(lab)
    expect(keys).toContain(`office/${twin.id}`)
    expect(keys).toContain(`office/${parked.id}`)
    const lab113 = lab.model.facts.groupComments.parked
    expect(keys).toContain(`${lab113.cluster}/${lab113.vmid}`)
  })
})

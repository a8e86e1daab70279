// The optional body of POST /hooks/refresh.
import { describe, expect, it } from 'vitest'
import { parseRefreshRequest } from '../../../../functions/hooks/refresh-request.ts'

const configured = ['homelab', 'office', 'pbs']

describe('parseRefreshRequest', () => {
  it('means every source when the body is empty, {} or a foreign event payload', () => {
    for (const body of ['', ' \n', '{}', '{"type":"build.finished","id":7}']) {
      expect(parseRefreshRequest(body, configured)).toEqual({ ok: true, sourceIds: configured })
    }
  })

  it('picks the named sources, once each', () => {
    expect(parseRefreshRequest('{"source":"pbs"}', configured)).toEqual({
      ok: true,
      sourceIds: ['pbs'],
    })
    expect(parseRefreshRequest('{"source":"pbs","sources":["homelab","pbs"]}', configured)).toEqual(
      { ok: true, sourceIds: ['pbs', 'homelab'] },
    )
  })

  it('refuses malformed bodies and unknown sources with a clear message', () => {
    expect(parseRefreshRequest('{"source":', configured)).toMatchObject({
      ok: false,
      message: expect.stringContaining('not valid JSON'),
    })
    expect(parseRefreshRequest('["homelab"]', configured)).toMatchObject({ ok: false })
    expect(parseRefreshRequest('{"source":7}', configured)).toMatchObject({ ok: false })
    expect(parseRefreshRequest('{"sources":[]}', configured)).toMatchObject({ ok: false })
    expect(parseRefreshRequest('{"sources":["homelab","lab9"]}', configured)).toEqual({
      ok: false,
      message: 'No source "lab9" is configured',
    })
  })
})

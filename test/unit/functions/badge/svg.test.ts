import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderBadgeSvg } from '../../../../functions/badge/svg.ts'
import { cleanText } from '../../../../functions/badge/xml.ts'
import { readBadgeSvg } from '../../../worker/badge-svg.ts'

describe('renderBadgeSvg', () => {
  it("lays out like badge-maker's flat badge ('build | passing' is 88 px, label box 37 px)", () => {
    const svg = renderBadgeSvg({ label: 'build', message: 'passing', tone: 'fresh' })
    expect(svg).toContain('width="88"')
    expect(svg).toContain('<rect width="37" height="20" fill="#555"/>')
    expect(svg).toContain('<rect x="37" width="51" height="20" fill="#4c1"/>')
    expect(svg).toContain('x="195" y="140" transform="scale(.1)" fill="#fff" textLength="270"')
    expect(svg).toContain('x="615" y="140" transform="scale(.1)" fill="#fff" textLength="410"')
  })

  it('has the flat look: gradient, radius 3, 11px Verdana, a shadow under each text', () => {
    const svg = renderBadgeSvg({ label: 'backup', message: '17h', tone: 'fresh' })
    expect(svg).toContain('<linearGradient id="s" x2="0" y2="100%">')
    expect(svg).toContain('rx="3"')
    expect(svg).toContain('font-family="Verdana,Geneva,DejaVu Sans,sans-serif"')
    expect(svg).toContain('font-size="110"')
    expect(svg.match(/fill="#010101" fill-opacity=".3"/g)).toHaveLength(2)
  })

  it('is accessible: role="img", an aria-label and a <title> saying "label: message"', () => {
    const badge = readBadgeSvg(renderBadgeSvg({ label: 'backup', message: '17h', tone: 'stale' }))
    expect(badge.ariaLabel).toBe('backup: 17h')
    expect(badge.title).toBe('backup: 17h')
    expect(renderBadgeSvg({ label: 'a', message: 'b', tone: 'fresh' })).toContain('role="img"')
  })

  it('colours the message box by tone and the label box #555', () => {
    const badge = readBadgeSvg(renderBadgeSvg({ label: 'backup', message: 'never', tone: 'never' }))
    expect(badge.labelColor).toBe('#555')
    expect(badge.messageColor).toBe('#9b1c1c')
  })

  it('grows with the text by real metrics: "WWW" makes a wider badge than "iii"', () => {
    const width = (label: string) =>
      readBadgeSvg(renderBadgeSvg({ label, message: '1h', tone: 'fresh' })).width
    expect(width('WWW')).toBeGreaterThan(width('iii') + 15)
  })

  it('keeps a hostile label inert and the document well-formed', () => {
    const label = `<img src=x onerror=alert(1)> ]]>&"'<!--`
    const svg = renderBadgeSvg({ label, message: '1h', tone: 'fresh' })
    expect(svg).not.toContain('<img')
    expect(svg).not.toContain(']]>')
    const badge = readBadgeSvg(svg)
    expect(badge.title).toBe(`${label}: 1h`)
    expect(badge.texts).toEqual([label, label, '1h', '1h'])
  })

  it('stays well-formed and says exactly the cleaned text, whatever the label', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (label) => {
        const badge = readBadgeSvg(renderBadgeSvg({ label, message: '3d 4h', tone: 'overdue' }))
        const shown = cleanText(label)
        expect(badge.ariaLabel).toBe(shown === '' ? '3d 4h' : `${shown}: 3d 4h`)
      }),
    )
  })

  it('draws only the message when the label is empty', () => {
    const badge = readBadgeSvg(renderBadgeSvg({ label: '', message: 'unknown', tone: 'unknown' }))
    expect(badge.texts).toEqual(['unknown', 'unknown'])
    expect(badge.title).toBe('unknown')
  })
})

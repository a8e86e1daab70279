import { XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { cleanText, escapeXml, MAX_TEXT_CHARS } from '../../../../functions/badge/xml.ts'

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<img src=x onerror=alert(1)> ]]>&"'`)).toBe(
      '&lt;img src=x onerror=alert(1)&gt; ]]&gt;&amp;&quot;&apos;',
    )
  })

  it('leaves an already escaped text escaped once more, not decoded', () => {
    expect(escapeXml('&amp;')).toBe('&amp;amp;')
  })

  it('keeps escaped text valid inside an element and inside either kind of attribute quote', () => {
    const hostile = `"'<>&]]><!--`
    const text = escapeXml(hostile)
    expect(XMLValidator.validate(`<a b="${text}" c='${text}'>${text}</a>`)).toBe(true)
  })
})

describe('cleanText', () => {
  it('drops characters XML 1.0 cannot carry: C0 controls, lone surrogates, U+FFFE/U+FFFF', () => {
    expect(cleanText('a\u0000b\u0008c\ud800d\uffffe\ufffef')).toBe('abcdef')
  })

  it('turns tabs and line breaks into spaces', () => {
    expect(cleanText('a\tb\nc\rd')).toBe('a b c d')
  })

  it('keeps astral characters whole', () => {
    expect(cleanText('backup 😀')).toBe('backup 😀')
  })

  it(`cuts text longer than ${MAX_TEXT_CHARS} characters with an ellipsis, never inside a character`, () => {
    const long = '😀'.repeat(MAX_TEXT_CHARS + 10)
    const cleaned = cleanText(long)
    expect(Array.from(cleaned)).toHaveLength(MAX_TEXT_CHARS)
    expect(cleaned.endsWith('😀…')).toBe(true)
    expect(cleanText('x'.repeat(MAX_TEXT_CHARS))).toBe('x'.repeat(MAX_TEXT_CHARS))
  })
})

// Text width in 11px Verdana, the font badges are laid out for, from the font's own advance
// widths: a badge sized from real metrics fits its text the way shields.io's badges do.

/**
 * Verdana's horizontal advances (hmtx, 2,048 units per em) of U+0020 ' ' to U+007E '~'.
 * Times 11/2048 these are the per-character widths shields.io measures with (anafanafo's
 * "11px Verdana" table): 'm' = 10.70 px, 'v1.2.511' = 49.48 px.
 */
const VERDANA_ADVANCES = [
  720, 806, 940, 1676, 1302, 2204, 1488, 550, 930, 930, 1302, 1676, 745, 930, 745, 930, 1302, 1302,
  1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 930, 930, 1676, 1676, 1676, 1117, 2048, 1400,
  1404, 1430, 1578, 1295, 1177, 1588, 1539, 862, 931, 1419, 1140, 1726, 1532, 1612, 1235, 1612,
  1424, 1400, 1262, 1499, 1400, 2025, 1403, 1260, 1403, 930, 930, 930, 1676, 1302, 1302, 1230, 1276,
  1067, 1276, 1220, 720, 1276, 1296, 562, 705, 1212, 562, 1992, 1296, 1243, 1276, 1276, 874, 1067,
  807, 1296, 1212, 1676, 1212, 1212, 1076, 1300, 930, 1300, 1676,
]
const FIRST_CODE_POINT = 0x20
const UNITS_PER_EM = 2048
const FONT_SIZE_PX = 11
/**
 * A character Verdana lacks is drawn from a fallback font; one em is the width of a CJK
 * ideograph and wider than nearly every Verdana glyph, so such text never overflows its box.
 */
const FALLBACK_UNITS = UNITS_PER_EM

function advanceOf(codePoint: number): number | undefined {
  return VERDANA_ADVANCES[codePoint - FIRST_CODE_POINT]
}

function unitsOf(char: string): number {
  const code = char.codePointAt(0) ?? 0
  if (code < FIRST_CODE_POINT) return 0
  const direct = advanceOf(code)
  if (direct !== undefined) return direct
  // An accented Latin letter is as wide as its base letter: é → e + combining accent (no advance).
  const base = char.normalize('NFD').codePointAt(0) ?? code
  return (base !== code ? advanceOf(base) : undefined) ?? FALLBACK_UNITS
}

/** Width in pixels of `text` set in 11px Verdana (no kerning, as shields.io measures). */
export function textWidth(text: string): number {
  let units = 0
  for (const char of text) units += unitsOf(char)
  return (units * FONT_SIZE_PX) / UNITS_PER_EM
}

/** shields.io's box width for a text: whole pixels, rounded up to odd to sit on the pixel grid. */
export function preferredWidth(text: string): number {
  const width = Math.floor(textWidth(text))
  return width % 2 === 0 ? width + 1 : width
}

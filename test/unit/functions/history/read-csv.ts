// A strict RFC 4180 reader for the tests: quoted fields with doubled quotes, CRLF records, and
// an error (not a guess) for a quote inside an unquoted field, text after a closing quote, an
// unterminated quote or a bare LF. Rows of strings, header included.
export function readCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`CSV at ${i}: ${why}`)
  }
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i += 1
      for (;;) {
        if (i >= text.length) fail('unterminated quoted field')
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i += 1
          break
        }
        field += text[i]
        i += 1
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') fail('text after a closing quote')
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"') fail('quote inside an unquoted field')
        if (text[i] === '\n') fail('bare LF')
        field += text[i]
        i += 1
      }
    }
    row.push(field)
    if (text[i] === ',') {
      i += 1
      continue
    }
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') fail('CR without LF')
      i += 2
    }
    rows.push(row)
    row = []
  }
  return rows
}

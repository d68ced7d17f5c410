import { CsvError, CsvParser, CsvTextDecoder, parseCsv } from './csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it.each<[string, string, string[][]]>([
    [
      'plain LF records',
      'a,b\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF records',
      'a,b\r\nc,d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'lone CR records',
      'a,b\rc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'no final line break',
      'a,b\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['empty fields', ',a,,\n', [['', 'a', '', '']]],
    ['a blank line is an empty record', 'a\n\nb\n', [['a'], [''], ['b']]],
    ['a BOM is dropped', '\uFEFFa,b\n', [['a', 'b']]],
    ['a BOM later is kept', 'a\n\uFEFFb\n', [['a'], ['\uFEFFb']]],
    ['quoted commas', '"a,b",c\n', [['a,b', 'c']]],
    ['doubled quotes', '"say ""hi""",x\n', [['say "hi"', 'x']]],
    ['a quoted empty field', '"",x\n', [['', 'x']]],
    ['line breaks inside quotes', '"l1\nl2\r\nl3",x\ny\n', [['l1\nl2\r\nl3', 'x'], ['y']]],
    ['a bare quote inside an unquoted field is text', '5" tube,x\n', [['5" tube', 'x']]],
    ['formula-like text is data', '=1+1,+2,-3,@A1\n', [['=1+1', '+2', '-3', '@A1']]],
    ['spaces are kept', ' a , b \n', [[' a ', ' b ']]],
    ['Chinese text', '阿托伐他汀,"钙片,20mg"\n', [['阿托伐他汀', '钙片,20mg']]],
    ['nothing', '', []],
  ])('%s', (_name, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it('numbers records, not lines', () => {
    expect(parseCsv('h\n"a\nb"\nc\n').map((r) => r.number)).toEqual([1, 2, 3]);
  });

  it.each<[string, string, RegExp]>([
    ['an unclosed quote', 'a\n"b,c\n', /Row 2, field 1: a quoted field is not closed/],
    ['text after a closing quote', '"a"b,c\n', /Row 1, field 1: after a closing quote/],
    ['a field over the limit', 'abcdef\n', /longer than 5 characters/],
    ['too many fields', 'a,b,c,d\n', /Row 1: more than 3 fields/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseCsv(text, { maxFieldChars: 5, maxFields: 3 })).toThrow(message);
  });

  it.each<[string, string[]]>([
    ['split everywhere', ['"a', ',', 'b""', '"', ',c', '\r', '\n', 'd']],
    ['CR at the end of a chunk', ['a,b\r', '\nc\r', '']],
    ['BOM alone in the first chunk', ['\uFEFF', 'a,"b', '"\n']],
  ])('gives the same records whatever the chunks: %s', (_name, chunks) => {
    const parser = new CsvParser();
    const records = [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
    expect(records.map((r) => r.fields)).toEqual(fields(chunks.join('')));
  });
});

describe('CsvTextDecoder', () => {
  const decodeAll = (chunks: Uint8Array[]) => {
    const d = new CsvTextDecoder();
    return chunks.map((c) => d.decode(c)).join('') + d.end();
  };

  it('decodes a character split across chunks', () => {
    const bytes = Buffer.from('药,x', 'utf8');
    expect(decodeAll([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toBe('药,x');
  });

  it('keeps the BOM for the parser to drop', () => {
    expect(decodeAll([Buffer.from('\uFEFFa', 'utf8')])).toBe('\uFEFFa');
  });

  it.each<[string, Uint8Array[], RegExp]>([
    ['a zip (an xlsx renamed)', [Buffer.from('PK\u0003\u0004rest', 'latin1')], /zip archive/],
    ['a zip split in its magic', [Buffer.from('PK'), Buffer.from('\u0003\u0004', 'latin1')], /zip/],
    ['an empty zip', [Buffer.from('PK\u0005\u0006', 'latin1')], /zip archive/],
    ['a NUL byte', [Buffer.from('ab'), Buffer.from([0x63, 0x00])], /NUL byte at byte 3/],
    ['GBK text', [Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0x78])], /not UTF-8 text/],
    ['a truncated character at the end', [Buffer.from([0x61, 0xe8, 0x8d])], /not UTF-8 text/],
  ])('refuses %s', (_name, chunks, message) => {
    expect(() => decodeAll(chunks)).toThrow(CsvError);
    expect(() => decodeAll(chunks)).toThrow(message);
  });
});

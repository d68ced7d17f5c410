import { neutraliseCell } from './neutralise-cell';
import type { ImportColumn } from '../import-kind';
import {
  cellForErrorWorkbook,
  checkCsvHeader,
  checkHeader,
  checkMeta,
  columnLetter,
  describeProblems,
  detached,
  ERRORS_HEADER,
  isEmptyRow,
  metaRows,
  ProblemLog,
  readCell,
  readRow,
  TemplateIdentity,
  templateUrl,
} from './workbook-rules';

const expected: TemplateIdentity = { kind: 'identity.organisations', version: 2, contextId: '' };
const columns: ImportColumn[] = [
  { key: 'code', header: '编码 Code', required: true },
  { key: 'name', header: '名称 Name', required: true },
];

describe('checkMeta', () => {
  const meta = (overrides: Partial<Record<string, string>>) =>
    metaRows(expected, new Date('2026-01-01T00:00:00Z')).map(([k, v]) => [
      k,
      k in overrides ? overrides[k] : v,
    ]);

  it('accepts the expected template', () => {
    expect(checkMeta(meta({}), expected)).toBeNull();
  });

  it.each<[string, unknown[][] | null, RegExp]>([
    ['no _meta sheet', null, /_meta sheet is missing/],
    [
      'another kind',
      meta({ kind: 'catalog.drugs' }),
      /template for catalog\.drugs, not for identity\.organisations/,
    ],
    [
      'an older version',
      meta({ version: '1' }),
      /version 1 of the identity\.organisations template; the current version is 2/,
    ],
    ['another context', meta({ contextId: '17' }), /for context 17, not for no context/],
    ['a damaged sheet', [['kind', '']], /damaged/],
  ])('refuses %s and names the template to download', (_label, rows, message) => {
    const reason = checkMeta(rows, expected);
    expect(reason).toMatch(message);
    expect(reason).toContain('GET /api/v1/imports/templates/identity.organisations');
    expect(reason).toContain('version 2');
  });

  it('reads numbers and rich text written by a spreadsheet program', () => {
    const rows = [
      ['kind', { richText: [{ text: 'identity.' }, { text: 'organisations' }] }],
      ['version', 2],
      ['contextId', null],
    ];
    expect(checkMeta(rows, expected)).toBeNull();
  });
});

describe('templateUrl', () => {
  it.each([
    [{ kind: 'k', version: 1, contextId: '' }, 'GET /api/v1/imports/templates/k'],
    [{ kind: 'k', version: 1, contextId: '5' }, 'GET /api/v1/imports/templates/k?contextId=5'],
  ])('%j → %s', (identity, url) => expect(templateUrl(identity)).toBe(url));
});

describe('checkHeader', () => {
  it.each<[string, unknown[], RegExp | null]>([
    ['the exact headers', ['编码 Code', '名称 Name'], null],
    ['headers with surrounding spaces', [' 编码 Code ', '名称 Name'], null],
    ['the error column of an error workbook', ['编码 Code', '名称 Name', ERRORS_HEADER], null],
    [
      'a renamed column',
      ['编码 Code', 'Name'],
      /Column B should be headed "名称 Name" but is "Name"/,
    ],
    ['a missing column', ['编码 Code'], /Column B should be headed "名称 Name" but is empty/],
    [
      'columns in another order',
      ['名称 Name', '编码 Code'],
      /Column A should be headed "编码 Code"/,
    ],
    ['an extra column', ['编码 Code', '名称 Name', 'Notes'], /Column C \("Notes"\) is not part/],
  ])('%s', (_label, values, message) => {
    const reason = checkHeader(values, columns, expected);
    if (message === null) expect(reason).toBeNull();
    else expect(reason).toMatch(message);
  });
});

describe('checkCsvHeader', () => {
  it.each<[string, unknown[], RegExp | null]>([
    ['the template labels', ['编码 Code', '名称 Name'], null],
    ['the labels and the error column', ['编码 Code', '名称 Name', ERRORS_HEADER], null],
    ['a data row where the header should be', ['H1', 'x'], /Column A should be headed "编码 Code"/],
    [
      'another version with other labels',
      ['编码 Code', 'Name'],
      /must be the template's header labels, in order: 编码 Code,名称 Name/,
    ],
  ])('%s', (_label, values, message) => {
    const reason = checkCsvHeader(values, columns, expected);
    if (message === null) expect(reason).toBeNull();
    else {
      expect(reason).toMatch(message);
      expect(reason).toContain(`.csv for ${expected.kind} (version ${expected.version})`);
    }
  });
});

describe('columnLetter', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
  ])('%i → %s', (i, letter) => expect(columnLetter(i)).toBe(letter));
});

describe('readCell', () => {
  const date = new Date('2026-03-01T00:00:00Z');
  it.each<[string, unknown, ReturnType<typeof readCell>]>([
    ['empty', undefined, { kind: 'value', value: null }],
    ['blank text', '   ', { kind: 'value', value: null }],
    ['text (trimmed)', '  H001 ', { kind: 'value', value: 'H001' }],
    ['a number', 42.5, { kind: 'value', value: 42.5 }],
    ['a boolean', false, { kind: 'value', value: false }],
    ['a date', date, { kind: 'value', value: date }],
    ['rich text', { richText: [{ text: 'Ab' }, { text: 'c ' }] }, { kind: 'value', value: 'Abc' }],
    ['a formula', { formula: 'A1+1', result: 2 }, { kind: 'formula', formula: 'A1+1' }],
    ['a shared formula', { sharedFormula: 'B2', result: 2 }, { kind: 'formula', formula: 'B2' }],
    ['an error value', { error: '#N/A' }, { kind: 'error', error: '#N/A' }],
    ['text an error workbook quoted', "'=SUM(A1)", { kind: 'value', value: '=SUM(A1)' }],
    ['a plain apostrophe', "'s-Hertogenbosch", { kind: 'value', value: "'s-Hertogenbosch" }],
  ])('%s', (_label, raw, cell) => expect(readCell(raw)).toEqual(cell));
});

describe('readRow', () => {
  it('maps values onto column keys', () => {
    expect(readRow(['H1', 'Hospital'], columns)).toEqual({
      cells: { code: 'H1', name: 'Hospital' },
      problems: [],
    });
  });

  it('reports a formula where a value is expected', () => {
    const row = readRow([{ formula: 'CONCAT("H",1)', result: 'H1' }, 'Hospital'], columns);
    expect(row.cells.code).toBeNull();
    expect(row.problems).toEqual([
      { column: 'code', message: 'formulas are not accepted: enter the value itself' },
    ]);
  });

  it('tells empty rows apart, ignoring the error column', () => {
    expect(isEmptyRow([null, '  '], columns)).toBe(true);
    expect(isEmptyRow([null, null, 'Row has problems'], columns)).toBe(true);
    expect(isEmptyRow([null, 'x'], columns)).toBe(false);
    expect(isEmptyRow([{ formula: 'A1' }], columns)).toBe(false);
  });
});

describe('error workbook cells', () => {
  it.each<[unknown, unknown]>([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ['+1', "'+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['plain', 'plain'],
    [-5, -5],
    [{ formula: 'A1*2' }, "'=A1*2"],
    [{ error: '#REF!' }, '#REF!'],
  ])('%j → %j', (raw, out) => expect(cellForErrorWorkbook(raw, neutraliseCell)).toEqual(out));

  it('describes problems with the column headers', () => {
    expect(
      describeProblems(
        [
          { column: 'code', message: 'is required' },
          { column: null, message: 'duplicate of row 3' },
        ],
        columns,
      ),
    ).toBe('编码 Code: is required; duplicate of row 3');
  });
});

describe('detached', () => {
  const sheetText = `<c r="A2" t="inlineStr"><is><t>XC10AAA0001010101234</t></is></c>${'x'.repeat(4096)}`;

  it.each([
    ['a code cut from sheet text', sheetText.slice(31, 51), 'XC10AAA0001010101234'],
    ['a short text', 'abc', 'abc'],
    ['an empty text', '', ''],
    ['a text of exactly 13 characters', 'ABCDEFGHIJKLM', 'ABCDEFGHIJKLM'],
    ['Chinese text', '阿莫西林胶囊 0.25g×24粒 阿莫西林', '阿莫西林胶囊 0.25g×24粒 阿莫西林'],
  ])('keeps %s as it is', (_, text, expected) => {
    expect(detached(text)).toBe(expected);
  });

  it('is what a text cell reads as', () => {
    expect(readCell(`  ${sheetText.slice(31, 51)} `)).toEqual({
      kind: 'value',
      value: 'XC10AAA0001010101234',
    });
  });
});

describe('ProblemLog', () => {
  it('counts every problem but keeps detail only up to its cap', () => {
    const log = new ProblemLog(3);
    log.add(5, [{ column: 'code', message: 'a' }]);
    log.add(2, [
      { column: 'name', message: 'b' },
      { column: null, message: 'c' },
    ]);
    log.add(9, [{ column: 'code', message: 'd' }]);
    log.add(11, []);
    expect(log.total).toBe(4);
    expect(log.rowCount).toBe(3);
    expect(log.truncated).toBe(true);
    expect(log.first(10).map((p) => `${p.row}${p.message}`)).toEqual(['2b', '2c', '5a']);
    expect(log.forRow(9)).toBeNull();
    expect(log.forRow(11)).toEqual([]);
    expect(log.hasRow(9)).toBe(true);
  });
});

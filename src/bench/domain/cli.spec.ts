import { parseArgs, usage, UsageError } from './cli';

const KNOWN = ['read-api', 'import', 'open-round'];

describe('parseArgs', () => {
  it.each([
    [[], { scenarios: KNOWN, scale: 'small', help: false }],
    [['import'], { scenarios: ['import'], scale: 'small', help: false }],
    [['import', 'read-api'], { scenarios: ['read-api', 'import'], scale: 'small', help: false }],
    [['import', 'import'], { scenarios: ['import'], scale: 'small', help: false }],
    [['--scale', 'province'], { scenarios: KNOWN, scale: 'province', help: false }],
    [['--scale=province', 'read-api'], { scenarios: ['read-api'], scale: 'province', help: false }],
    [['read-api', '--scale', 'small'], { scenarios: ['read-api'], scale: 'small', help: false }],
    [['--help'], { scenarios: KNOWN, scale: 'small', help: true }],
    [['-h'], { scenarios: KNOWN, scale: 'small', help: true }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv, KNOWN)).toEqual(expected);
  });

  it.each([
    [['--scale'], '--scale needs a value'],
    [['--scale', 'huge'], '--scale must be small or province, got "huge"'],
    [['--scale='], '--scale needs a value'],
    [['--fast'], 'unknown option --fast'],
    [['settlement'], 'unknown scenario "settlement"; known: read-api, import, open-round'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseArgs(argv, KNOWN)).toThrow(UsageError);
    expect(() => parseArgs(argv, KNOWN)).toThrow(message);
  });
});

describe('usage', () => {
  it('lists the scenarios and scales', () => {
    const text = usage(KNOWN);
    expect(text).toContain('read-api, import, open-round');
    expect(text).toContain('--scale small');
    expect(text).toContain('--scale province');
  });
});

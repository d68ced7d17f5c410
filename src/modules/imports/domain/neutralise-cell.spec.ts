import { neutraliseCell } from './neutralise-cell';

describe('neutraliseCell', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['阿托伐他汀钙片', '阿托伐他汀钙片'],
    ['a=b', 'a=b'],
    [' =1', ' =1'],
    ["'=already", "'=already"],
    ['', ''],
    ['35.500000', '35.500000'],
  ])('%j → %j', (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });
});

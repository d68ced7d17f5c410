/**
 * What a scenario reports and how the run is shown: one result per measured figure, set against
 * a reference figure measured in the same run and a §N target, then a plain-text table.
 */

export interface Figure {
  value: number;
  unit: string;
  /** Extra context shown after the value (latencies, duration …). */
  note?: string;
}

export interface Reference extends Figure {
  /** What the reference is: `bare Express`, `exceljs stream read`, `§N bound` … */
  label: string;
}

/** A §N target on the ratio measured ÷ reference, or on the measured value itself. */
export interface Target {
  on: 'ratio' | 'measured';
  op: '>=' | '<=' | '<';
  value: number;
  /** Where the target comes from, shown with it. */
  source: string;
}

export interface BenchResult {
  scenario: string;
  measure: string;
  measured: Figure;
  reference: Reference | null;
  ratio: number | null;
  target: Target | null;
  /** null when there is no target or the figure could not be compared. */
  met: boolean | null;
  details: Record<string, number | string>;
}

export interface ResultInput {
  scenario: string;
  measure: string;
  measured: Figure;
  reference?: Reference | null;
  target?: Target | null;
  details?: Record<string, number | string>;
}

export function ratioOf(measured: number, reference: number): number | null {
  return Number.isFinite(measured) && Number.isFinite(reference) && reference > 0
    ? measured / reference
    : null;
}

export function meets(target: Target, measured: number, ratio: number | null): boolean | null {
  const value = target.on === 'ratio' ? ratio : measured;
  if (value === null || !Number.isFinite(value)) return null;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
  }
}

export function result(input: ResultInput): BenchResult {
  const reference = input.reference ?? null;
  const target = input.target ?? null;
  const ratio = reference ? ratioOf(input.measured.value, reference.value) : null;
  return {
    scenario: input.scenario,
    measure: input.measure,
    measured: input.measured,
    reference,
    ratio,
    target,
    met: target ? meets(target, input.measured.value, ratio) : null,
    details: input.details ?? {},
  };
}

/** `12345.678` → `12,346`; values below 100 keep `digits` decimals. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

export function formatFigure(figure: Figure): string {
  const base = `${formatNumber(figure.value)} ${figure.unit}`;
  return figure.note ? `${base} (${figure.note})` : base;
}

export function formatTarget(target: Target | null): string {
  if (!target) return '–';
  const op = { '>=': '≥', '<=': '≤', '<': '<' }[target.op];
  return `${target.on === 'ratio' ? 'ratio ' : ''}${op} ${target.value} (${target.source})`;
}

function verdict(met: boolean | null): string {
  return met === null ? '–' : met ? 'met' : 'not met';
}

export const TABLE_HEADERS = [
  'Scenario',
  'Measure',
  'Measured',
  'Reference',
  'Ratio',
  '§N target',
  'Result',
] as const;

export function tableRow(r: BenchResult): string[] {
  return [
    r.scenario,
    r.measure,
    formatFigure(r.measured),
    r.reference ? `${formatFigure(r.reference)} ${r.reference.label}` : '–',
    r.ratio === null ? '–' : r.ratio.toFixed(2),
    formatTarget(r.target),
    verdict(r.met),
  ];
}

/** Code points that a terminal draws two columns wide (CJK, full-width forms). */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    width += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xffdc) ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** A plain-text table with a header rule; columns as wide as their widest cell. */
export function formatTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** `2026-03-01T08:09:10.123Z` → `2026-03-01T08-09-10-123Z`: a file name on every platform. */
export function timestampName(instant: Date): string {
  return instant.toISOString().replace(/[:.]/g, '-');
}

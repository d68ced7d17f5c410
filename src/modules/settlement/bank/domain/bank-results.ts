import { cellText } from '../../../catalog/imports/domain/import-rows';
import { isBusinessDate } from '../../../catalog/listing-prices/domain/listing-rules';
import type { CellValue, ImportColumn, ParsedRow, RowProblem } from '../../../imports/import-kind';
import { neutraliseCell } from '../../../imports/domain/neutralise-cell';

/**
 * §S3.5 the bank batch as pure rules: payment codes, the CSV form of an instruction file, the
 * rows of the bank's result file and what each row does to the payment it names.
 */

export const BATCH_FORMATS = ['xlsx', 'csv'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

export const BANK_RESULTS = ['paid', 'failed'] as const;
export type BankResult = (typeof BANK_RESULTS)[number];

export const MAX_BANK_REFERENCE = 100;
export const MAX_FAILURE_REASON = 500;

/** The human reference of a payment on bank files: `ZF00000042` (支付). */
export function paymentCode(id: string): string {
  return `ZF${id.padStart(8, '0')}`;
}

/** The payment id a code names, or null when it is not a payment code. */
export function paymentIdOf(code: string): string | null {
  const m = /^ZF(\d{1,18})$/i.exec(code.trim());
  if (!m) return null;
  const id = m[1].replace(/^0+/, '');
  return id === '' ? null : id;
}

/**
 * One CSV text: UTF-8 with a byte-order mark (Excel otherwise reads Chinese names as mojibake),
 * CRLF line ends and RFC 4180 quoting. Text cells are neutralised against formula injection as
 * in the Excel exports, since a bank clerk opens the CSV in a spreadsheet.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (value: string) => {
    const safe = neutraliseCell(value);
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [header, ...rows].map((r) => r.map(field).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const BANK_RESULT_COLUMNS: readonly ImportColumn[] = [
  {
    key: 'paymentCode',
    header: '支付编号 Payment code',
    required: true,
    text: true,
    width: 16,
    help: 'The payment code of the instruction file (ZF…)',
  },
  {
    key: 'result',
    header: '结果 Result',
    required: true,
    allowed: BANK_RESULTS,
    width: 10,
  },
  {
    key: 'bankReference',
    header: '银行流水号 Bank reference',
    required: false,
    text: true,
    width: 26,
    help: 'Required when paid',
  },
  {
    key: 'paidDate',
    header: '付款日期 Paid date',
    required: false,
    text: true,
    width: 14,
    help: 'YYYY-MM-DD, required when paid',
  },
  {
    key: 'failureReason',
    header: '失败原因 Failure reason',
    required: false,
    width: 40,
    help: 'Required when failed; the payment goes out again in the next instruction file',
  },
];

export type BankResultRow =
  | {
      paymentCode: string;
      paymentId: string;
      result: 'paid';
      bankReference: string;
      paidDate: string;
    }
  | { paymentCode: string; paymentId: string; result: 'failed'; failureReason: string };

/** Pure: one row of the bank's result file. */
export function parseBankResultRow(cells: Record<string, CellValue>): ParsedRow<BankResultRow> {
  const problems: RowProblem[] = [];
  const text = (key: string) => cellText(cells[key] ?? null);
  const code = text('paymentCode');
  const paymentId = code === null ? null : paymentIdOf(code);
  if (code === null) problems.push({ column: 'paymentCode', message: 'is required' });
  else if (paymentId === null)
    problems.push({ column: 'paymentCode', message: `${code} is not a payment code (ZF…)` });
  const rawResult = text('result');
  const result = rawResult?.toLowerCase() ?? null;
  if (result === null) problems.push({ column: 'result', message: 'is required: paid or failed' });
  else if (!(BANK_RESULTS as readonly string[]).includes(result))
    problems.push({ column: 'result', message: `must be paid or failed, got ${rawResult}` });
  const bankReference = text('bankReference');
  const paidDate = text('paidDate');
  const failureReason = text('failureReason');
  if (result === 'paid') {
    if (bankReference === null)
      problems.push({ column: 'bankReference', message: 'is required when paid' });
    else if (bankReference.length > MAX_BANK_REFERENCE)
      problems.push({
        column: 'bankReference',
        message: `at most ${MAX_BANK_REFERENCE} characters`,
      });
    if (paidDate === null) problems.push({ column: 'paidDate', message: 'is required when paid' });
    else if (!isBusinessDate(paidDate))
      problems.push({ column: 'paidDate', message: `must be a date YYYY-MM-DD, got ${paidDate}` });
    if (failureReason !== null)
      problems.push({ column: 'failureReason', message: 'must be empty when paid' });
  }
  if (result === 'failed') {
    if (failureReason === null)
      problems.push({ column: 'failureReason', message: 'is required when failed' });
    else if (failureReason.length > MAX_FAILURE_REASON)
      problems.push({
        column: 'failureReason',
        message: `at most ${MAX_FAILURE_REASON} characters`,
      });
    if (bankReference !== null || paidDate !== null)
      problems.push({
        column: bankReference !== null ? 'bankReference' : 'paidDate',
        message: 'must be empty when failed',
      });
  }
  if (problems.length) return { ok: false, problems };
  return result === 'paid'
    ? {
        ok: true,
        value: {
          paymentCode: code!,
          paymentId: paymentId!,
          result,
          bankReference: bankReference!,
          paidDate: paidDate!,
        },
      }
    : {
        ok: true,
        value: {
          paymentCode: code!,
          paymentId: paymentId!,
          result: 'failed',
          failureReason: failureReason!,
        },
      };
}

/** What the batch knows of one of its payments. */
export interface BatchItemState {
  result: BankResult | 'pending' | 'cancelled';
  bankReference: string | null;
}

export type BankResultAction = { action: 'apply' } | { action: 'noop' } | { problem: RowProblem };

/**
 * What a result row does to its batch item. A bank answer is final for the batch: the same
 * answer again (a re-sent file) changes nothing; a different one is refused, since a failed
 * payment may already be on its way in a newer batch and a paid one has moved the fund.
 */
export function bankResultAction(
  item: BatchItemState,
  row: BankResultRow,
  dates: { today: string; batchDate: string },
): BankResultAction {
  if (row.result === 'paid') {
    if (row.paidDate > dates.today)
      return { problem: { column: 'paidDate', message: `${row.paidDate} is in the future` } };
    if (row.paidDate < dates.batchDate)
      return {
        problem: {
          column: 'paidDate',
          message: `${row.paidDate} is before the instruction file was made (${dates.batchDate})`,
        },
      };
  }
  if (item.result === 'pending') return { action: 'apply' };
  // The batch was withdrawn before the bank answered: the payment goes out in another file.
  if (item.result === 'cancelled')
    return {
      problem: {
        column: 'paymentCode',
        message: `payment ${row.paymentCode} was withdrawn with its cancelled batch`,
      },
    };
  if (item.result === 'paid') {
    if (row.result === 'paid' && row.bankReference === item.bankReference)
      return { action: 'noop' };
    return {
      problem: {
        column: row.result === 'paid' ? 'bankReference' : 'result',
        message: `payment ${row.paymentCode} is already paid with bank reference ${item.bankReference ?? ''}`,
      },
    };
  }
  if (row.result === 'failed') return { action: 'noop' };
  return {
    problem: {
      column: 'result',
      message: `payment ${row.paymentCode} was reported failed in this batch; it is paid through a new instruction file`,
    },
  };
}

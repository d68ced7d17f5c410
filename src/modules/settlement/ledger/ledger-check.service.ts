import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { roundTo } from '../../../database/decimal';
import { LedgerCheckView, MismatchedBalanceView, UnbalancedJournalView } from './dto/ledger.dto';

/** How many offenders of each kind the check names; the rest are behind `ok: false`. */
const LISTED = 100;

type Raw = string | number | null;

const amount = (v: Raw) => roundTo(String(v ?? 0), 2);
const cached = (v: Raw) => (v === null ? null : amount(v));

/*
 * Sums are compared rounded to cents: MySQL sums DECIMALs exactly, but SQLite stores them as
 * doubles and a sum of doubles can be a hair off (0.1 + 0.2); at 2 decimals both agree.
 */

// Journals without ≥ 2 lines, with a line that is not exactly one positive side, or whose
// debits and credits differ.
const UNBALANCED_JOURNALS = `
  SELECT j.id AS id, j.code AS code, COALESCE(s.n, 0) AS n, COALESCE(s.bad, 0) AS bad,
         s.debit AS debit, s.credit AS credit
  FROM ledger_journals j
  LEFT JOIN (
    SELECT journal_id, COUNT(*) AS n, SUM(debit) AS debit, SUM(credit) AS credit,
           SUM(CASE WHEN (debit > 0 AND credit = 0) OR (debit = 0 AND credit > 0)
                    THEN 0 ELSE 1 END) AS bad
    FROM ledger_journal_lines
    GROUP BY journal_id
  ) s ON s.journal_id = j.id
  WHERE s.journal_id IS NULL OR s.n < 2 OR s.bad > 0 OR ROUND(s.debit, 2) <> ROUND(s.credit, 2)
  ORDER BY j.id
  LIMIT ${LISTED}`;

// Accounts whose cached totals are missing or differ from the sums of their lines.
const MISMATCHED_BALANCES = `
  SELECT a.id AS id, a.code AS code, b.debit_total AS cached_debit,
         b.credit_total AS cached_credit, s.debit AS debit, s.credit AS credit
  FROM ledger_accounts a
  LEFT JOIN ledger_balances b ON b.account_id = a.id
  LEFT JOIN (
    SELECT account_id, SUM(debit) AS debit, SUM(credit) AS credit
    FROM ledger_journal_lines
    GROUP BY account_id
  ) s ON s.account_id = a.id
  WHERE b.account_id IS NULL
     OR ROUND(COALESCE(s.debit, 0), 2) <> ROUND(b.debit_total, 2)
     OR ROUND(COALESCE(s.credit, 0), 2) <> ROUND(b.credit_total, 2)
  ORDER BY a.id
  LIMIT ${LISTED}`;

/**
 * The §S1 invariant, proven with SQL aggregates over the whole ledger: every journal balances
 * and every cached balance equals the sum of its account's entries. Each query is one
 * statement, so it reads one consistent state even while journals are being posted.
 */
@Injectable()
export class LedgerCheck {
  constructor(private readonly dataSource: DataSource) {}

  async run(): Promise<LedgerCheckView> {
    const count = async (table: string) => {
      const rows = await this.dataSource.query<Array<{ n: Raw }>>(
        `SELECT COUNT(*) AS n FROM ${table}`,
      );
      return Number(rows[0].n);
    };
    const journals = await count('ledger_journals');
    const accounts = await count('ledger_accounts');
    const unbalanced = await this.dataSource.query<Array<Record<string, Raw>>>(UNBALANCED_JOURNALS);
    const mismatched = await this.dataSource.query<Array<Record<string, Raw>>>(MISMATCHED_BALANCES);
    const unbalancedJournals: UnbalancedJournalView[] = unbalanced.map((r) => ({
      id: String(r.id),
      code: String(r.code),
      lines: Number(r.n),
      badLines: Number(r.bad),
      debit: amount(r.debit),
      credit: amount(r.credit),
    }));
    const mismatchedBalances: MismatchedBalanceView[] = mismatched.map((r) => ({
      accountId: String(r.id),
      code: String(r.code),
      cachedDebit: cached(r.cached_debit),
      cachedCredit: cached(r.cached_credit),
      entriesDebit: amount(r.debit),
      entriesCredit: amount(r.credit),
    }));
    return {
      ok: unbalancedJournals.length === 0 && mismatchedBalances.length === 0,
      journals,
      unbalancedJournals,
      accounts,
      mismatchedBalances,
    };
  }
}

import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import { settle } from '../../metrics/domain/settlement-metrics';

/**
 * §S3.4 the one journal that pays a statement. The fund's book (§S1 account sides):
 *
 *   Cr fund (or supplier payable)  A        the supplier is paid the statement amount
 *   Cr prepayment                  O        the §S2 advance instalment recovered
 *   Dr hospital settlement         D        taken from what the fund owes the hospital
 *   Dr receivable                  R        what that balance could not cover (托收)
 *
 * with D + R = A + O, so the journal balances with every figure on its own line. The §S2
 * advance was paid to the hospital in cash when it was granted (Dr prepayment / Cr fund), so
 * recovering an instalment of it must be charged to the hospital like the goods are: lowering
 * the hospital's charge by O while also crediting the prepayment would leave the journal 2·O
 * short (the advance paid out twice). `settle()` splits the hospital's charge; it is called with
 * that charge (A + O) and no further offset.
 *
 * The supplier's line: with a bank reference the money has left (Cr fund); without one the
 * payment is instructed and the fund owes the supplier until the bank confirms (Cr supplier
 * payable; the bank result posts Dr supplier payable / Cr fund).
 */
export interface PaymentFigures {
  supplierPaid: string;
  prepaymentOffset: string;
  /** A + O: what the hospital is charged for this statement. */
  hospitalCharge: string;
  hospitalDeducted: string;
  receivable: string;
}

export function paymentFigures(
  statementAmount: string,
  prepaymentOffset: string,
  hospitalSettlementBalance: string,
): PaymentFigures {
  const amount = new Decimal(statementAmount);
  const offset = new Decimal(prepaymentOffset);
  if (offset.isNegative() || offset.gt(amount))
    throw new Error(
      `prepaymentOffset: ${prepaymentOffset} must be between 0 and the statement amount ${statementAmount}`,
    );
  const charge = roundTo(amount.plus(offset), SCALE.amount);
  const split = settle(charge, '0.00', hospitalSettlementBalance);
  return {
    supplierPaid: roundTo(amount, SCALE.amount),
    prepaymentOffset: roundTo(offset, SCALE.amount),
    hospitalCharge: charge,
    hospitalDeducted: split.hospitalDeducted,
    receivable: split.receivable,
  };
}

export interface PaymentAccounts {
  /** Cr A: the fund when paid, the supplier payable when only instructed. */
  supplierSide: string;
  hospitalSettlement: string;
  receivable: string;
  prepayment: string | null;
}

export interface PostingLine {
  accountId: string;
  debit: string | null;
  credit: string | null;
}

/** The journal lines, zero figures left out (a journal line carries a positive amount). */
export function paymentLines(f: PaymentFigures, a: PaymentAccounts): PostingLine[] {
  const positive = (v: string) => new Decimal(v).gt(0);
  if (positive(f.prepaymentOffset) && a.prepayment === null)
    throw new Error('prepayment: an offset needs the prepayment account');
  const lines: PostingLine[] = [{ accountId: a.supplierSide, debit: null, credit: f.supplierPaid }];
  if (positive(f.prepaymentOffset))
    lines.push({ accountId: a.prepayment!, debit: null, credit: f.prepaymentOffset });
  if (positive(f.hospitalDeducted))
    lines.push({ accountId: a.hospitalSettlement, debit: f.hospitalDeducted, credit: null });
  if (positive(f.receivable))
    lines.push({ accountId: a.receivable, debit: f.receivable, credit: null });
  return lines;
}

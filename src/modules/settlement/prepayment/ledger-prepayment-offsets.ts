import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { DEFAULT_SETTLEMENT_PERIODS_PER_YEAR, periodOffset } from './domain/prepayment';
import { periodOfYear } from './domain/agreement-year';
import { PrepaymentOffsets } from './prepayment-offsets';
import { Prepayment, PrepaymentOffset } from './prepayment.entity';

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;

/**
 * §S2 offsets, pro rata: a statement of month M takes from each of the hospital's active
 * prepayments whose agreement year contains M, in prepayment order, what `periodOffset` allows
 * for M's period given the offsets already taken (earlier periods, and earlier statements of the
 * same period, which share its instalment). The figures are stored per statement, so a retried
 * payment answers the same offset; the prepayment rows are locked first, so two statements of
 * one hospital never take the same instalment twice.
 */
@Injectable()
export class LedgerPrepaymentOffsets extends PrepaymentOffsets {
  constructor(private readonly clock: Clock) {
    super();
  }

  async offsetFor(
    m: EntityManager,
    input: { hospitalId: string; statementId: string; period: string; amount: string },
  ): Promise<{ offset: string; prepaymentAccountId: string | null }> {
    if (!AMOUNT.test(input.amount))
      throw new Error(`amount: a decimal string ≥ 0 with 2 decimals, got ${input.amount}`);
    const month = input.period.slice(0, 7);
    const prepayments = await forUpdate(
      m
        .getRepository(Prepayment)
        .createQueryBuilder('p')
        .where('p.hospitalId = :hid', { hid: input.hospitalId })
        .andWhere("p.status = 'active'")
        .orderBy('p.id', 'ASC'),
    ).getMany();
    const offsets = m.getRepository(PrepaymentOffset);
    // Locking reads from here on: under REPEATABLE READ a plain read would see the snapshot taken
    // before the prepayment lock was granted and miss offsets a concurrent payment just committed.
    const taken = await forUpdate(
      offsets
        .createQueryBuilder('o')
        .where('o.statementId = :sid', { sid: input.statementId })
        .orderBy('o.id', 'ASC'),
    ).getMany();
    if (taken.length > 0) {
      const account = await m.getRepository(Prepayment).findOneByOrFail({
        id: taken[0].prepaymentId,
      });
      return {
        offset: roundTo(Decimal.sum(0, ...taken.map((o) => o.offsetAmount)), SCALE.amount),
        prepaymentAccountId: account.prepaymentAccountId,
      };
    }
    let left = new Decimal(input.amount);
    let total = new Decimal(0);
    let accountId: string | null = null;
    const now = this.clock.now();
    for (const p of prepayments) {
      const periodNo = periodOfYear(p.yearStart, month);
      if (periodNo === null || `${month}-01` > p.yearEnd) continue;
      const earlier = await forUpdate(
        offsets.createQueryBuilder('o').where('o.prepaymentId = :pid', { pid: p.id }),
      ).getMany();
      const samePeriod = Decimal.sum(
        0,
        ...earlier.filter((o) => o.periodNo === periodNo).map((o) => o.offsetAmount),
      );
      const others = Decimal.sum(
        0,
        ...earlier.filter((o) => o.periodNo !== periodNo).map((o) => o.offsetAmount),
      );
      const step = periodOffset({
        prepayment: p.amount.toFixed(2),
        offsetSoFar: roundTo(others, SCALE.amount),
        period: periodNo,
        periods: DEFAULT_SETTLEMENT_PERIODS_PER_YEAR,
        statementAmount: roundTo(samePeriod.plus(left), SCALE.amount),
      });
      const mine = Decimal.max(0, new Decimal(step.offset).minus(samePeriod));
      // A zero row too: the retry of this statement must find its answer, not recompute it.
      await offsets.insert({
        prepaymentId: p.id,
        statementId: input.statementId,
        period: month,
        periodNo,
        statementAmount: new Decimal(input.amount),
        offsetAmount: mine,
        createdAt: now,
      });
      accountId = p.prepaymentAccountId;
      left = left.minus(mine);
      total = total.plus(mine);
    }
    return { offset: roundTo(total, SCALE.amount), prepaymentAccountId: accountId };
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { exactSum, exactSumSql } from '../../../database/dialect';
import { PurchaseHistory } from '../../procurement/demand/purchase-history';
import { Lot } from '../../procurement/lots/lot.entity';
import { representativeQuantity } from '../completion/domain/completion';
import { chinaDate } from '../deliveries/domain/delivery-rules';
import { twelveMonthsBefore } from './domain/usage-rules';
import { UsageRecord } from './usage.entity';

/** Σ of DECIMAL(18,3) quantities, exact on both dialects. */
export function sumQuantitySql(m: EntityManager | DataSource, column: string): string {
  return exactSumSql(m, column, SCALE.quantity);
}

export function quantityFromSum(
  m: EntityManager | DataSource,
  raw: string | number | null | undefined,
): Decimal {
  return exactSum(m, raw, SCALE.quantity);
}

/**
 * The products of a lot's generic, as SQL over `products` for a lot (`lot`: an SQL expression,
 * a parameter or a column): every product
 * whose name (通用名) is the name of one of the lot's admitted products (lot_specs). Brands that
 * were not admitted — an originator that did not bid, a product listed later — still count.
 */
export function genericProductsSql(lot: string): string {
  return `SELECT gp.id FROM products gp WHERE gp.name IN (
      SELECT ap.name FROM lot_specs ls JOIN products ap ON ap.id = ls.product_id
      WHERE ls.lot_id = ${lot})`;
}

/**
 * §P3 the purchase history a demand report is compared with, from §E3 usage reports: what the
 * hospital purchased of the lot's generic (see genericProductsSql) in the 12 months before the
 * China business date of `asOf`, converted to smallest units of the lot's representative spec by
 * strength (28 tablets of 40 mg = 56 of a 20 mg representative; the dosage form does not change
 * the count). Products whose strength cannot be compared with the representative's (another
 * dimension, no strength) are left out. Null when the hospital reported no usage of the generic
 * in that window: nothing is known, so the 80 % rule does not apply.
 */
@Injectable()
export class UsagePurchaseHistory extends PurchaseHistory {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async twelveMonths(hospitalId: string, lot: Lot, asOf: Date): Promise<string | null> {
    const window = twelveMonthsBefore(chinaDate(asOf));
    const m = this.dataSource.manager;
    const rows = await m
      .createQueryBuilder(UsageRecord, 'u')
      .innerJoin('products', 'p', 'p.id = u.product_id')
      .select('p.strength', 'strength')
      .addSelect('p.strength_unit', 'strengthUnit')
      .addSelect(sumQuantitySql(m, 'u.purchased_quantity'), 'purchased')
      .where('u.hospitalId = :hospitalId', { hospitalId })
      .andWhere('u.usageDate >= :from AND u.usageDate < :to', window)
      .andWhere(`u.productId IN (${genericProductsSql(':lotId')})`, { lotId: lot.id })
      .groupBy('p.id')
      .addGroupBy('p.strength')
      .addGroupBy('p.strength_unit')
      .getRawMany<{
        strength: string | number | null;
        strengthUnit: string | null;
        purchased: string | number;
      }>();
    if (rows.length === 0) return null;
    let total = new Decimal(0);
    for (const r of rows) {
      if (r.strength === null || r.strengthUnit === null) continue;
      const converted = representativeQuantity(
        roundTo(quantityFromSum(m, r.purchased), SCALE.quantity),
        { strength: String(r.strength), strengthUnit: r.strengthUnit },
        { strength: lot.repStrength, strengthUnit: lot.repStrengthUnit },
      );
      if (converted !== null) total = total.plus(converted);
    }
    return roundTo(total, SCALE.quantity);
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { exactSum, exactSumSql } from '../../../database/dialect';
import { UsageRecord } from './usage.entity';

/**
 * Read access to §E3 reported purchases for other contexts (settlement's §S6 pre-VBP baseline):
 * what a hospital reported purchasing of some products over a window of business dates, per
 * product, in the product's own smallest units. Corrections count as their latest figures.
 */
@Injectable()
export class UsagePurchases {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Σ purchased quantity per product with any reported purchase in `[from, to)` (YYYY-MM-DD,
   * `to` excluded), 3 decimals. Products without a reported row, or only zeros, are absent.
   */
  async purchasedByProduct(
    hospitalId: string,
    productIds: string[],
    window: { from: string; to: string },
    manager?: EntityManager,
  ): Promise<Map<string, string>> {
    const ids = [...new Set(productIds)];
    if (ids.length === 0) return new Map();
    const m = manager ?? this.dataSource.manager;
    const rows = await m
      .createQueryBuilder(UsageRecord, 'u')
      .select('u.product_id', 'productId')
      .addSelect(exactSumSql(m, 'u.purchased_quantity', SCALE.quantity), 'purchased')
      .where('u.hospitalId = :hospitalId', { hospitalId })
      .andWhere('u.productId IN (:...ids)', { ids })
      .andWhere('u.usageDate >= :from AND u.usageDate < :to', window)
      .groupBy('u.product_id')
      .getRawMany<{ productId: string | number; purchased: string | number }>();
    const out = new Map<string, string>();
    for (const r of rows) {
      const quantity: Decimal = exactSum(m, r.purchased, SCALE.quantity);
      if (quantity.gt(0)) out.set(String(r.productId), roundTo(quantity, SCALE.quantity));
    }
    return out;
  }
}

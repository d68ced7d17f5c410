import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, In, Repository } from 'typeorm';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { CreditBar } from '../../execution/orders/credit-bars';
import { CreditCase, CreditCaseProduct } from '../cases/credit-case.entity';
import { CreditRating } from '../ratings/credit-rating.entity';
import { chinaDate, EffectiveSanction } from '../ratings/domain/rating';
import { levelOf } from '../ratings/domain/scheme';
import { SchemesService } from '../ratings/schemes.service';

/** A rating in force that suspends something, with what it covers. */
export interface ActiveSanction {
  rating: CreditRating;
  caseCode: string;
  label: string;
  sanctions: EffectiveSanction[];
  /** Null = all the supplier's products. */
  productIds: Set<string> | null;
}

/**
 * §K3 the sanctions in force, as the places they bite ask for them: bidding (procurement's
 * CreditCheck), ordering and distribution (execution's SupplyCreditBars) and listing (the
 * enforcement that suspends listings). "In force" is by the date alone, so a rating past its
 * last day stops biting at midnight even before the lapse job writes it down.
 */
@Injectable()
export class SanctionQueries {
  constructor(
    private readonly schemes: SchemesService,
    private readonly catalog: CatalogDirectory,
    @InjectRepository(CreditRating) private readonly ratings: Repository<CreditRating>,
  ) {}

  /** Ratings of these suppliers in force on `at` whose product scope is not `none`. */
  async activeSanctions(
    supplierIds: string[],
    at: Date,
    manager?: EntityManager,
  ): Promise<ActiveSanction[]> {
    const ids = [...new Set(supplierIds)].filter((id) => /^\d{1,18}$/.test(id));
    if (ids.length === 0) return [];
    const m = manager ?? this.ratings.manager;
    const today = chinaDate(at);
    const rows = await m
      .getRepository(CreditRating)
      .createQueryBuilder('r')
      .where('r.supplierId IN (:...ids)', { ids })
      .andWhere("r.status = 'in_force'")
      .andWhere('r.validFrom <= :today AND r.validTo >= :today', { today })
      .andWhere(
        new Brackets((w) =>
          w.where("r.productScope <> 'none'").orWhere('r.distributionBarYears IS NOT NULL'),
        ),
      )
      .orderBy('r.id', 'ASC')
      .getMany();
    if (rows.length === 0) return [];
    const caseIds = rows.map((r) => r.caseId);
    const cases = await m.getRepository(CreditCase).findBy({ id: In(caseIds) });
    const codes = new Map(cases.map((c) => [c.id, c.code]));
    const products = await m.getRepository(CreditCaseProduct).findBy({ caseId: In(caseIds) });
    const out: ActiveSanction[] = [];
    for (const r of rows) {
      const scheme = await this.schemes.definition(r.schemeVersion, m);
      out.push({
        rating: r,
        caseCode: codes.get(r.caseId) ?? '',
        label: levelOf(scheme, r.level).label,
        sanctions: JSON.parse(r.sanctions) as EffectiveSanction[],
        productIds:
          r.productScope === 'all'
            ? null
            : new Set(products.filter((p) => p.caseId === r.caseId).map((p) => p.productId)),
      });
    }
    return out;
  }

  /** §P4/§K3: the first bidding suspension that covers the product (or all products). */
  async biddingBar(
    supplierId: string,
    productId: string | null,
    at: Date,
  ): Promise<ActiveSanction | null> {
    const active = await this.activeSanctions([supplierId], at);
    return (
      active.find(
        (s) =>
          s.sanctions.includes('bidding_suspension') &&
          (s.productIds === null || (productId !== null && s.productIds.has(productId))),
      ) ?? null
    );
  }

  async orderingBars(
    supplierId: string,
    productIds: string[],
    at: Date,
  ): Promise<Map<string, CreditBar>> {
    const products = await this.catalog.findByIds(productIds);
    const holders = [...new Set([...products.values()].map((p) => p.manufacturerId))];
    const active = await this.activeSanctions([supplierId, ...holders], at);
    const bars = new Map<string, CreditBar>();
    if (active.length === 0) return bars;
    for (const product of products.values()) {
      const covers = (s: ActiveSanction) => s.productIds === null || s.productIds.has(product.id);
      const own = active.find(
        (s) =>
          s.rating.supplierId === product.manufacturerId &&
          s.sanctions.includes('listing_suspension') &&
          covers(s),
      );
      if (own) {
        bars.set(product.id, barOf(own, 'listing_suspension'));
        continue;
      }
      const distributor = active.find(
        (s) =>
          s.rating.supplierId === supplierId &&
          (s.sanctions.includes('distribution_bar') ||
            (s.sanctions.includes('distribution_suspension') && covers(s))),
      );
      if (distributor)
        bars.set(
          product.id,
          barOf(
            distributor,
            distributor.sanctions.includes('distribution_bar')
              ? 'distribution_bar'
              : 'distribution_suspension',
          ),
        );
    }
    return bars;
  }

  async distributionBar(supplierId: string, at: Date): Promise<CreditBar | null> {
    const active = await this.activeSanctions([supplierId], at);
    const bar = active.find((s) => s.sanctions.includes('distribution_bar'));
    return bar ? barOf(bar, 'distribution_bar') : null;
  }
}

export function describeSanction(s: ActiveSanction): string {
  return `credit rating ${s.label} (${s.rating.level}) of case ${s.caseCode}, in force until ${s.rating.validTo}`;
}

function barOf(s: ActiveSanction, sanction: string): CreditBar {
  return {
    reason: describeSanction(s),
    ratingId: s.rating.id,
    caseCode: s.caseCode,
    level: s.rating.level,
    validTo: s.rating.validTo,
    sanction,
  };
}

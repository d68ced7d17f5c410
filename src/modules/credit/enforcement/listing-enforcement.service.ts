import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { forUpdate } from '../../../database/dialect';
import { SYSTEM } from '../../audit/audit.service';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { CreditRating } from '../ratings/credit-rating.entity';
import { ListingHold } from './listing-hold.entity';
import { ActiveSanction, SanctionQueries } from './sanction-queries.service';

/** The suspension reason written on the listings one rating suspends: it names the rating. */
export function holdReason(rating: CreditRating, caseCode: string): string {
  return `§K3 credit sanction: rating ${rating.id} of case ${caseCode}`;
}

/**
 * §K3 listing suspensions follow the ratings in force. `reconcile` brings one supplier's
 * listings in line with its ratings, inside the caller's transaction: products a rating in force
 * covers get their active listings suspended (source `credit_sanction`, reason naming the
 * rating) and a hold recorded; holds no rating covers any more are released by reinstating
 * exactly the listings suspended with their reason. Rating, repair and lapse all call it, and a
 * second call changes nothing, so it is safe to repeat.
 */
@Injectable()
export class ListingEnforcement {
  constructor(
    private readonly sanctions: SanctionQueries,
    private readonly listings: ListingPricesService,
    private readonly catalog: CatalogDirectory,
  ) {}

  async reconcile(
    m: EntityManager,
    supplierId: string,
    actor: Actor | typeof SYSTEM,
    now: Date,
  ): Promise<{ suspended: number; reinstated: number }> {
    const active = (await this.sanctions.activeSanctions([supplierId], now, m)).filter((s) =>
      s.sanctions.includes('listing_suspension'),
    );
    // The earliest rating in force holds a product; a later one takes over when it ends.
    const desired = new Map<string, ActiveSanction>();
    for (const s of active) {
      const products =
        s.productIds === null ? await this.catalog.productIdsOf(supplierId, m) : [...s.productIds];
      for (const p of products) if (!desired.has(p)) desired.set(p, s);
    }
    const holds = await forUpdate(
      m
        .getRepository(ListingHold)
        .createQueryBuilder('h')
        .where('h.supplierId = :sid', { sid: supplierId })
        .orderBy('h.id', 'ASC'),
    ).getMany();
    let reinstated = 0;
    const kept = new Set<string>();
    for (const hold of holds) {
      if (desired.get(hold.productId)?.rating.id === hold.ratingId) {
        kept.add(hold.productId);
        continue;
      }
      reinstated += (
        await this.listings.reinstateListings([hold.productId], hold.reason, 'credit_sanction', {
          actor,
          manager: m,
        })
      ).length;
      await m.getRepository(ListingHold).delete({ id: hold.id });
    }
    const byRating = new Map<ActiveSanction, string[]>();
    for (const [p, s] of desired) byRating.set(s, [...(byRating.get(s) ?? []), p]);
    let suspended = 0;
    for (const [s, products] of byRating) {
      const reason = holdReason(s.rating, s.caseCode);
      const fresh = products.filter((p) => !kept.has(p));
      if (fresh.length > 0)
        await m.getRepository(ListingHold).insert(
          fresh.map((productId) => ({
            supplierId,
            productId,
            ratingId: s.rating.id,
            reason,
            createdAt: now,
          })),
        );
      // Also for kept holds: a listing created since the last call is suspended now.
      suspended += (
        await this.listings.suspendListings(products, null, reason, 'credit_sanction', {
          actor,
          manager: m,
        })
      ).length;
    }
    return { suspended, reinstated };
  }
}

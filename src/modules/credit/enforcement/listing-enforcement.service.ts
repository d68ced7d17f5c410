import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { forUpdate } from '../../../database/dialect';
import { SYSTEM } from '../../audit/audit.service';
import { ListingPricesService } from '../../catalog/listing-prices/listing-prices.service';
import { CatalogDirectory } from '../../catalog/products/catalog-directory.service';
import { CreditRating } from '../ratings/credit-rating.entity';
import { ListingHold } from './listing-hold.entity';
import { ActiveSanction, SanctionQueries } from './sanction-queries.service';

/** The suspension reason written on the listings one rating holds: it names the rating. */
export function holdReason(rating: CreditRating, caseCode: string): string {
  return `§K3 credit sanction: rating ${rating.id} of case ${caseCode}`;
}

/**
 * §K3 listing suspensions follow the ratings in force. `reconcile` brings one supplier's
 * listings in line with its ratings, inside the caller's transaction: products a rating in force
 * covers get a hold recorded and their listings suspended through the catalogue (source
 * `credit_sanction`, reference the rating), whatever else already suspends them; holds no rating
 * covers any more are released, which lifts only that rating's suspensions — a listing a price
 * case or an officer also suspended stays suspended. Rating, repair and lapse all call it, and a
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
    // The products before the holds, as a listing being created locks its product before it
    // reads the holds: the two are ordered, and the listing cannot slip between them.
    const known = await m.getRepository(ListingHold).findBy({ supplierId });
    await this.listings.lockProducts(m, [...desired.keys(), ...known.map((h) => h.productId)]);
    const holds = await forUpdate(
      m
        .getRepository(ListingHold)
        .createQueryBuilder('h')
        .where('h.supplierId = :sid', { sid: supplierId })
        .orderBy('h.id', 'ASC'),
    ).getMany();
    const kept = new Set<string>();
    const released = new Map<string, string[]>();
    for (const hold of holds) {
      if (desired.get(hold.productId)?.rating.id === hold.ratingId) kept.add(hold.productId);
      else released.set(hold.ratingId, [...(released.get(hold.ratingId) ?? []), hold.productId]);
    }
    const gone = holds.filter((h) => !kept.has(h.productId));
    if (gone.length > 0)
      await m.getRepository(ListingHold).delete({ id: In(gone.map((h) => h.id)) });
    // The new holds before the old ones let go: a listing handed on from one rating to the next
    // is never active in between.
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
      // Also for kept holds: a listing the hold missed is suspended now.
      suspended += (
        await this.listings.suspendListings(
          {
            productIds: products,
            regionCode: null,
            source: 'credit_sanction',
            reference: s.rating.id,
            reason,
          },
          { actor, manager: m },
        )
      ).length;
    }
    let reinstated = 0;
    for (const [ratingId, productIds] of released)
      reinstated += (
        await this.listings.reinstateListings(
          { productIds, source: 'credit_sanction', reference: ratingId },
          { actor, manager: m },
        )
      ).reinstated.length;
    return { suspended, reinstated };
  }
}

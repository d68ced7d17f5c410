import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { Product } from '../products/product.entity';
import { ListingPrice } from './listing-price.entity';
import { isId } from '../../../common/ids';

/** A listing as price monitoring (§M2, §M3) reads it. */
export interface ListingReference {
  listingId: string;
  productId: string;
  regionCode: string;
  /** Per smallest unit. */
  unitPrice: Decimal;
  validFrom: string;
  validTo: string | null;
  status: string;
  /** The product's marketing-authorisation holder (manufacturer organisation). */
  manufacturerId: string;
}

/**
 * §C2 listing prices of given products over a date range, for price monitoring's references and
 * rules. Read-only; suspended listings are included with their status (a suspended listing
 * still shows what the supplier asked for).
 */
@Injectable()
export class ListingReferences {
  constructor(
    @InjectRepository(ListingPrice) private readonly listings: Repository<ListingPrice>,
    @InjectRepository(Product) private readonly products: Repository<Product>,
  ) {}

  /** Listings of the products valid on at least one day of [first, last] (`YYYY-MM-DD`). */
  async validDuring(
    productIds: string[],
    first: string,
    last: string,
  ): Promise<ListingReference[]> {
    const ids = [...new Set(productIds)].filter(isId);
    if (ids.length === 0) return [];
    const out: ListingReference[] = [];
    // Bounded IN lists: a full scan asks for thousands of products at once.
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const [rows, products] = await Promise.all([
        this.listings
          .createQueryBuilder('l')
          .where('l.productId IN (:...ids)', { ids: chunk })
          .andWhere('l.validFrom <= :last', { last })
          .andWhere('(l.validTo IS NULL OR l.validTo >= :first)', { first })
          .orderBy('l.id', 'ASC')
          .getMany(),
        this.products.find({
          select: { id: true, manufacturerId: true },
          where: { id: In(chunk) },
        }),
      ]);
      const maker = new Map(products.map((p) => [p.id, p.manufacturerId]));
      for (const l of rows) {
        out.push({
          listingId: l.id,
          productId: l.productId,
          regionCode: l.regionCode,
          unitPrice: l.unitPrice,
          validFrom: l.validFrom,
          validTo: l.validTo,
          status: l.status,
          manufacturerId: maker.get(l.productId) ?? '',
        });
      }
    }
    return out;
  }
}

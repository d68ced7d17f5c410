import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ListingPrice } from './listing-price.entity';

export interface ListingsValidQuery {
  /** Business dates `YYYY-MM-DD`, inclusive: listings valid on at least one day of [first, last]. */
  first: string;
  last: string;
  /** Keyset paging: listings with a greater id than this one. */
  afterId?: string;
  /** At most 5000 (default 1000). */
  limit?: number;
}

/**
 * §C2 listing-price history for other contexts (price monitoring §M1 `listing`): the rows whose
 * validity overlaps a date range, whatever their status today. Read-only.
 */
@Injectable()
export class ListingHistory {
  constructor(
    @InjectRepository(ListingPrice) private readonly listings: Repository<ListingPrice>,
  ) {}

  validDuring(query: ListingsValidQuery): Promise<ListingPrice[]> {
    const qb = this.listings
      .createQueryBuilder('l')
      .where('l.validFrom <= :last', { last: query.last })
      .andWhere('(l.validTo IS NULL OR l.validTo >= :first)', { first: query.first });
    if (query.afterId) qb.andWhere('l.id > :after', { after: query.afterId });
    return qb
      .orderBy('l.id', 'ASC')
      .take(Math.min(Math.max(query.limit ?? 1000, 1), 5000))
      .getMany();
  }
}

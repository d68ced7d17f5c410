import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { Agreement, LotSupplyRegion } from './agreement.entity';

/** A hospital's agreement price for a product (§P9), as price monitoring reads it. */
export interface AgreementPrice {
  agreementCode: string;
  hospitalId: string;
  productId: string;
  supplierId: string;
  lotId: string;
  /** Winning price per smallest unit. */
  unitPrice: Decimal;
  startDate: string;
  endDate: string;
}

/** A winning bid's product, its winning unit price and the regions it supplies as primary. */
export interface WinningProductReference {
  bidId: string;
  lotId: string;
  productId: string;
  supplierId: string;
  unitPrice: Decimal;
  suppliedRegions: string[];
}

/**
 * Read access to awarded prices for price monitoring (§M2 winning price, §M3.1 and §M3.3): the
 * agreements and winning products of given products whose terms overlap a date range.
 */
@Injectable()
export class AwardReferences {
  constructor(
    @InjectRepository(Agreement) private readonly agreements: Repository<Agreement>,
    @InjectRepository(LotSupplyRegion) private readonly regions: Repository<LotSupplyRegion>,
  ) {}

  /** Agreements of the products whose term overlaps [first, last] (`YYYY-MM-DD`). */
  async agreementsDuring(
    productIds: string[],
    first: string,
    last: string,
  ): Promise<AgreementPrice[]> {
    return (await this.agreementsRows(productIds, first, last)).map((a) => ({
      agreementCode: a.code,
      hospitalId: a.hospitalId,
      productId: a.productId,
      supplierId: a.supplierId,
      lotId: a.lotId,
      unitPrice: a.unitPrice,
      startDate: a.startDate,
      endDate: a.endDate,
    }));
  }

  /** Winning products among `productIds` with agreements overlapping [first, last]. */
  async winnersDuring(
    productIds: string[],
    first: string,
    last: string,
  ): Promise<WinningProductReference[]> {
    const byBid = new Map<string, WinningProductReference>();
    for (const a of await this.agreementsRows(productIds, first, last)) {
      if (!byBid.has(a.bidId)) {
        byBid.set(a.bidId, {
          bidId: a.bidId,
          lotId: a.lotId,
          productId: a.productId,
          supplierId: a.supplierId,
          unitPrice: a.unitPrice,
          suppliedRegions: [],
        });
      }
    }
    const bidIds = [...byBid.keys()];
    for (const chunk of chunks(bidIds)) {
      const rows = await this.regions.find({ where: { bidId: In(chunk), duty: 'primary' } });
      for (const r of rows) byBid.get(r.bidId)?.suppliedRegions.push(r.regionCode);
    }
    for (const w of byBid.values()) w.suppliedRegions.sort();
    return [...byBid.values()].sort((a, b) => Number(a.bidId) - Number(b.bidId));
  }

  private async agreementsRows(
    productIds: string[],
    first: string,
    last: string,
  ): Promise<Agreement[]> {
    const out: Agreement[] = [];
    for (const chunk of chunks(productIds)) {
      out.push(
        ...(await this.agreements
          .createQueryBuilder('a')
          .where('a.productId IN (:...ids)', { ids: chunk })
          .andWhere('a.startDate <= :last AND a.endDate >= :first', { first, last })
          .orderBy('a.id', 'ASC')
          .getMany()),
      );
    }
    return out;
  }
}

function chunks(ids: string[]): string[][] {
  const valid = [...new Set(ids)].filter((id) => /^\d{1,18}$/.test(id));
  const out: string[][] = [];
  for (let i = 0; i < valid.length; i += 1000) out.push(valid.slice(i, i + 1000));
  return out;
}

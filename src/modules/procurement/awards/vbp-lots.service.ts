import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { PUBLIC_STATES } from '../exports/dto/export.dto';
import { LotSpec } from '../lots/lot.entity';
import { Agreement, LotSupplyRegion } from './agreement.entity';

/** An awarded lot as price monitoring needs it (§M5 VBP savings). */
export interface AwardedLot {
  lotId: string;
  lotCode: string;
  roundCode: string;
  /** Earliest start date (YYYY-MM-DD) of the lot's agreements. */
  startDate: string;
  /** Products of the lot's agreements: the winners. */
  winningProductIds: string[];
  /** Products admitted to the lot (its specs). */
  lotProductIds: string[];
  /** Regions the lot's award covers (its §P9 supply regions), ascending. */
  regionCodes: string[];
}

/** Read access to awarded lots for other contexts; they never query these tables themselves. */
@Injectable()
export class VbpLots {
  constructor(
    @InjectRepository(Agreement) private readonly agreements: Repository<Agreement>,
    @InjectRepository(LotSpec) private readonly specs: Repository<LotSpec>,
    @InjectRepository(LotSupplyRegion) private readonly supply: Repository<LotSupplyRegion>,
  ) {}

  /** Every lot of a round whose award is public, with its winners, specs, regions and start. */
  async awardedLots(): Promise<AwardedLot[]> {
    const rows = await this.agreements
      .createQueryBuilder('a')
      .innerJoin('lots', 'l', 'l.id = a.lot_id')
      .innerJoin('rounds', 'r', 'r.id = a.round_id')
      .select('a.lotId', 'lotId')
      .addSelect('l.code', 'lotCode')
      .addSelect('r.code', 'roundCode')
      .addSelect('a.productId', 'productId')
      .addSelect('MIN(a.startDate)', 'startDate')
      .where('r.status IN (:...states)', { states: [...PUBLIC_STATES] })
      .groupBy('a.lotId')
      .addGroupBy('l.code')
      .addGroupBy('r.code')
      .addGroupBy('a.productId')
      .getRawMany<Record<string, string | number | Date>>();
    const lots = new Map<string, AwardedLot>();
    for (const r of rows) {
      const lotId = String(r.lotId);
      const start = dateString(r.startDate);
      const lot = lots.get(lotId) ?? {
        lotId,
        lotCode: String(r.lotCode),
        roundCode: String(r.roundCode),
        startDate: start,
        winningProductIds: [],
        lotProductIds: [],
        regionCodes: [],
      };
      if (start < lot.startDate) lot.startDate = start;
      lot.winningProductIds.push(String(r.productId));
      lots.set(lotId, lot);
    }
    if (lots.size === 0) return [];
    const specs = await this.specs
      .createQueryBuilder('s')
      .where('s.lotId IN (:...ids)', { ids: [...lots.keys()] })
      .getMany();
    for (const s of specs) lots.get(s.lotId)?.lotProductIds.push(s.productId);
    const regions = await this.supply
      .createQueryBuilder('s')
      .select('s.lotId', 'lotId')
      .addSelect('s.regionCode', 'regionCode')
      .distinct(true)
      .where('s.lotId IN (:...ids)', { ids: [...lots.keys()] })
      .getRawMany<{ lotId: string | number; regionCode: string }>();
    for (const r of regions) lots.get(String(r.lotId))?.regionCodes.push(String(r.regionCode));
    for (const lot of lots.values()) lot.regionCodes.sort();
    return [...lots.values()].sort((a, b) => Number(a.lotId) - Number(b.lotId));
  }
}

/** MySQL returns DATE columns as Date objects or strings depending on options; SQLite as text. */
function dateString(value: string | number | Date): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

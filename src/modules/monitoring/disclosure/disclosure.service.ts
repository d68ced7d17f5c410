import { Injectable } from '@nestjs/common';
import { page, Page, skipTake } from '../../../common/pagination';
import { PublicWinningPrices } from '../../procurement/exports/public-winning-prices.service';
import { WinningPriceQuery, WinningPriceView } from './disclosure.dto';

/** §M7 public disclosure of winning prices, read through procurement's public results. */
@Injectable()
export class DisclosureService {
  constructor(private readonly winning: PublicWinningPrices) {}

  /** Newest award first (`order=desc` reverses); filtered, then paged. */
  async winningPrices(query: WinningPriceQuery): Promise<Page<WinningPriceView>> {
    const all = await this.winning.list(query);
    if (query.order === 'desc') all.reverse();
    const { skip, take } = skipTake(query);
    return page(
      all.slice(skip, skip + take).map((w) => ({
        roundCode: w.roundCode,
        roundName: w.roundName,
        category: w.category,
        awardedAt: w.awardedAt,
        lotCode: w.lotCode,
        lotName: w.lotName,
        rank: w.rank,
        outcome: w.outcome,
        productCode: w.productCode,
        productName: w.productName,
        supplierId: w.supplierId,
        supplierName: w.supplierName,
        packPrice: w.packPrice,
        unitPrice: w.unitPrice,
        comparablePrice: w.comparablePrice,
      })),
      all.length,
      query,
    );
  }
}

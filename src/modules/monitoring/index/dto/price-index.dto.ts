import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { INDEX_FORMULAS, PRE_VBP_MONTHS } from '../domain/price-index';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export const INDEX_DEFINITION =
  'Monthly chained indices from purchase observations. Price of a product in a month: the ' +
  'quantity-weighted average unit comparable price (an observation’s comparable price, else its ' +
  'unit price), p = Σ(p·q)/Σq; quantity q = Σ quantity. Link from month t−1 to t over the products ' +
  'bought in both months (a product missing from either month is left out of that link): ' +
  'Laspeyres L = Σ p_t·q_{t−1} / Σ p_{t−1}·q_{t−1}; Paasche P = Σ p_t·q_t / Σ p_{t−1}·q_t; ' +
  'Fisher F = √(L·P). The base month is 100; later months multiply the links ' +
  '(I_t = I_{t−1}·link_t), earlier months divide them (I_{t−1} = I_t / link_t). A link without ' +
  'common products breaks the chain: months beyond it (seen from the base) are null. ' +
  'Index values have 4 decimals, links 6.';

export const SAVINGS_DEFINITION =
  `VBP savings per month = Σ q_t × pre-VBP price − Σ p_t × q_t over purchases of the awarded ` +
  `lots’ winning products. A lot covers the purchases made in its supply regions from the month ` +
  `its first agreement starts; each purchase counts once, for the lot that started last among ` +
  `those the product won that cover its region (a product winning several lots is never counted ` +
  `twice). Pre-VBP price of a lot = Σ(p·q)/Σq over purchases of all the lot’s admitted products ` +
  `(winners and non-winners) in its regions in the ${PRE_VBP_MONTHS} months before that month, p ` +
  `being the unit comparable price (comparable price, else unit price). Lots without purchases ` +
  `in that window have no baseline and the purchases they cover are left out. With regionCode: ` +
  `only lots whose supply regions lie in that region, and only purchases there. Amounts have 2 ` +
  `decimals.`;

export class IndexQuery {
  @ApiPropertyOptional({
    default: 'all',
    description:
      '`all`, `drug`, `consumable`, or a category path (therapeutic class / consumable category); a path also covers its sub-categories',
  })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  category?: string;

  @ApiProperty({ example: '2026-01' })
  @Matches(PERIOD, { message: 'from must be a month YYYY-MM' })
  from!: string;

  @ApiProperty({ example: '2026-06' })
  @Matches(PERIOD, { message: 'to must be a month YYYY-MM' })
  to!: string;

  @ApiPropertyOptional({ example: '2026-01', description: 'The month = 100 (default: from)' })
  @IsOptional()
  @Matches(PERIOD, { message: 'base must be a month YYYY-MM' })
  base?: string;

  @ApiPropertyOptional({
    enum: INDEX_FORMULAS,
    default: 'fisher',
    description: 'Which one `index` carries',
  })
  @IsOptional()
  @IsIn(INDEX_FORMULAS)
  formula?: (typeof INDEX_FORMULAS)[number];

  @ApiPropertyOptional({ description: 'Observations of this region and its subregions only' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

export class SavingsQuery {
  @ApiProperty({ example: '2026-01' })
  @Matches(PERIOD, { message: 'from must be a month YYYY-MM' })
  from!: string;

  @ApiProperty({ example: '2026-06' })
  @Matches(PERIOD, { message: 'to must be a month YYYY-MM' })
  to!: string;

  @ApiPropertyOptional({
    description:
      'Lots whose supply regions lie in this region and its subregions, and purchases there only',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

export class IndexPointView {
  @ApiProperty({ example: '2026-02' }) period!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '102.6016',
    description: 'The chosen formula',
  })
  index!: string | null;
  @ApiProperty({ type: String, nullable: true }) laspeyres!: string | null;
  @ApiProperty({ type: String, nullable: true }) paasche!: string | null;
  @ApiProperty({ type: String, nullable: true }) fisher!: string | null;
  @ApiProperty({ description: 'Products bought this month' }) products!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Products in the link from last month',
  })
  linkProducts!: number | null;
  @ApiProperty({ type: String, nullable: true }) laspeyresLink!: string | null;
  @ApiProperty({ type: String, nullable: true }) paascheLink!: string | null;
  @ApiProperty({ type: String, nullable: true }) fisherLink!: string | null;
}

export class IndexView {
  @ApiProperty() category!: string;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() base!: string;
  @ApiProperty({ enum: INDEX_FORMULAS }) formula!: string;
  @ApiProperty({ description: INDEX_DEFINITION }) definition!: string;
  @ApiProperty({ type: [IndexPointView] }) points!: IndexPointView[];
}

export class LotBaselineView {
  @ApiProperty() lotCode!: string;
  @ApiProperty() roundCode!: string;
  @ApiProperty({ example: '2026-03' }) startPeriod!: string;
  @ApiProperty() baselineFrom!: string;
  @ApiProperty() baselineTo!: string;
  @ApiProperty({ example: '12000.000' }) baselineQuantity!: string;
  @ApiProperty({ type: String, nullable: true, example: '11.000000' }) preVbpPrice!: string | null;
}

export class SavingsPointView {
  @ApiProperty() period!: string;
  @ApiProperty({ example: '500.000' }) vbpQuantity!: string;
  @ApiProperty({ example: '5500.00' }) atPreVbpPrices!: string;
  @ApiProperty({ example: '1500.00' }) actualCost!: string;
  @ApiProperty({ example: '4000.00' }) savings!: string;
  @ApiProperty() lots!: number;
}

export class SavingsView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ description: SAVINGS_DEFINITION }) definition!: string;
  @ApiProperty({ type: [LotBaselineView] }) lots!: LotBaselineView[];
  @ApiProperty({ type: [SavingsPointView] }) series!: SavingsPointView[];
  @ApiProperty({ example: '7200.00' }) totalSavings!: string;
}

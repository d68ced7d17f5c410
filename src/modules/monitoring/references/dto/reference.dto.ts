import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';

export class ReferenceQuery {
  @ApiPropertyOptional({ description: 'A product id (or give genericKey)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'productId must be an id' })
  productId?: string;

  @ApiPropertyOptional({ description: 'A generic/spec key as observations carry it' })
  @IsOptional()
  @Length(1, 191)
  genericKey?: string;

  @ApiPropertyOptional({ description: '6-digit region code; default: the caller’s region' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiProperty({ example: '2026-03', description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period!: string;
}

export class PeerStatisticsView {
  @ApiProperty({ enum: ['unit', 'comparable'] })
  basis!: string;
  @ApiProperty({ description: 'Peers (hospital × product) in the statistics' })
  count!: number;
  @ApiProperty({ description: 'Observations behind them' })
  observationCount!: number;
  @ApiProperty() median!: string;
  @ApiProperty({ description: 'Median absolute deviation around the median, unscaled' })
  mad!: string;
  @ApiProperty() p10!: string;
  @ApiProperty() p25!: string;
  @ApiProperty() p75!: string;
  @ApiProperty() p90!: string;
  @ApiProperty() min!: string;
  @ApiProperty() max!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Purchased quantity (smallest units)' })
  quantity!: string | null;
}

export class PriceReferenceView {
  @ApiProperty({ description: 'Where the figure comes from, e.g. `agreement:A2026-0001`' })
  ref!: string;
  @ApiProperty({ description: 'Per smallest unit' })
  unitPrice!: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  regionCode?: string | null;
}

export class ReferencesView {
  @ApiProperty() period!: string;
  @ApiProperty({ type: String, nullable: true }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) genericKey!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({
    type: PriceReferenceView,
    nullable: true,
    description: 'Highest winning unit price of agreements in force in the period',
  })
  winningPrice!: PriceReferenceView | null;
  @ApiProperty({
    type: PriceReferenceView,
    nullable: true,
    description: 'Listing in force on the period’s last day in the region or its nearest ancestor',
  })
  listingPrice!: PriceReferenceView | null;
  @ApiProperty({
    type: PriceReferenceView,
    nullable: true,
    description: 'Payment standard in force on the period’s last day',
  })
  paymentStandard!: PriceReferenceView | null;
  @ApiProperty({
    type: PriceReferenceView,
    nullable: true,
    description: 'Lowest national monitoring price observed in the period',
  })
  nationalMonitoringPrice!: PriceReferenceView | null;
  @ApiProperty({
    type: PriceReferenceView,
    nullable: true,
    description:
      'Lowest price in other regions (价格洼地): other regions’ hospital medians and external references',
  })
  lowestOtherRegionPrice!: PriceReferenceView | null;
  @ApiProperty({
    type: PeerStatisticsView,
    nullable: true,
    description:
      'Peer statistics across hospitals in the period, all monitored regions (stored by evaluation runs)',
  })
  peers!: PeerStatisticsView | null;
  @ApiProperty({
    type: PeerStatisticsView,
    nullable: true,
    description: 'The same statistics over the region’s hospitals only',
  })
  regionPeers!: PeerStatisticsView | null;
}

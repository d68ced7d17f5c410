import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { CompletionSnapshot } from '../completion-snapshot.entity';

const ID = /^\d{1,18}$/;
const MONTH = /^\d{4}-\d{2}$/;

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class CompletionCheckRequest {
  @ApiProperty({
    example: '2026-03',
    description:
      'YYYY-MM. A finished month is measured at its last day, the running month so far; a month not begun is refused',
  })
  @IsString()
  @MaxLength(7)
  month!: string;
}

export class CompletionCheckView {
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ example: '2026-03-31', description: 'The business date the figures are taken at' })
  asOf!: string;
  @ApiProperty({ description: 'Agreements snapshotted' }) agreements!: number;
  @ApiProperty({ description: 'Of which behind schedule' }) behind!: number;
}

export class CompletionQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'roundId must be a numeric id' })
  roundId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional({ description: 'Only agreements behind schedule (true) or not (false)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  behind?: boolean;
}

export class CompletionView {
  @ApiProperty() agreementId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ example: '2026-03-31' }) asOf!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '3500.000', description: 'Smallest units of the representative spec' })
  agreedQuantity!: string;
  @ApiProperty({
    example: '1400.000',
    description: 'Accepted deliveries of the agreement product in its term, representative units',
  })
  purchasedQuantity!: string;
  @ApiProperty({
    example: '0.4000',
    nullable: true,
    type: String,
    description: 'purchased ÷ agreed; null for an agreed quantity of 0',
  })
  completionRate!: string | null;
  @ApiProperty({ example: '0.5014', description: 'Elapsed share of the term' })
  expectedProgress!: string;
  @ApiProperty({ example: '0.1014', nullable: true, type: String }) gap!: string | null;
  @ApiProperty({ description: 'gap > COMPLETION_BEHIND_THRESHOLD' }) behind!: boolean;
  @ApiProperty({ description: "The hospital's purchases of the lot's winning products" })
  winningQuantity!: string;
  @ApiProperty({ description: 'Of non-winning products of the same generic (substitutes)' })
  nonWinningQuantity!: string;
  @ApiProperty({ nullable: true, type: String, description: '非中选占比: non-winning ÷ total' })
  nonWinningShare!: string | null;
  @ApiProperty({
    description: 'Accepted lines whose strength could not be converted (not counted)',
  })
  unconvertedLines!: number;
  @ApiProperty() computedAt!: string;

  static of(s: CompletionSnapshot): CompletionView {
    return {
      agreementId: s.agreementId,
      month: s.month,
      asOf: s.asOf,
      roundId: s.roundId,
      lotId: s.lotId,
      hospitalId: s.hospitalId,
      supplierId: s.supplierId,
      productId: s.productId,
      agreedQuantity: s.agreedQuantity.toFixed(3),
      purchasedQuantity: s.purchasedQuantity.toFixed(3),
      completionRate: s.completionRate?.toFixed(4) ?? null,
      expectedProgress: s.expectedProgress.toFixed(4),
      gap: s.gap?.toFixed(4) ?? null,
      behind: s.behind,
      winningQuantity: s.winningQuantity.toFixed(3),
      nonWinningQuantity: s.nonWinningQuantity.toFixed(3),
      nonWinningShare: s.nonWinningShare?.toFixed(4) ?? null,
      unconvertedLines: s.unconvertedLines,
      computedAt: s.computedAt.toISOString(),
    };
  }
}

export class CompletionPage extends PageOf(CompletionView) {}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { STATEMENT_STATUSES, StatementStatus } from '../domain/statement-rules';

const ID = /^\d{1,18}$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export class GenerateStatementsRequest {
  @ApiProperty({ example: '2026-03', description: 'The month to bill (YYYY-MM)' })
  @Matches(PERIOD, { message: 'period must be a month YYYY-MM' })
  period!: string;
}

export class GenerationView {
  @ApiProperty() period!: string;
  @ApiProperty({ description: 'Statements created by this run' }) statementsCreated!: number;
  @ApiProperty({ description: 'Lines added by this run (new, and carried ones placed by it)' })
  linesAdded!: number;
  @ApiProperty({ description: 'Statements of the period in the caller’s region after the run' })
  statements!: number;
}

export class StatementQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be a month YYYY-MM' })
  period?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ enum: STATEMENT_STATUSES })
  @IsOptional()
  @IsIn(STATEMENT_STATUSES)
  status?: StatementStatus;
}

export class StatementView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'JS202603-000042' }) code!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ enum: STATEMENT_STATUSES }) status!: string;
  @ApiProperty({ example: '2372.85', description: 'Σ billed lines' }) amount!: string;
  @ApiProperty({ example: '0.00' }) disputedAmount!: string;
  @ApiProperty() lineCount!: number;
  @ApiProperty() generatedAt!: string;
  @ApiProperty() reconciliationDeadline!: string;
  @ApiProperty({ type: String, nullable: true }) hospitalConfirmedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'A user id, or "deemed"' })
  hospitalConfirmedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) supplierConfirmedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) supplierConfirmedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) confirmedAt!: string | null;
  @ApiProperty({ description: 'Approvals of the current review cycle (3 = approved)' })
  reviewLevel!: number;
  @ApiProperty() reviewCycle!: number;
  @ApiProperty({ type: String, nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) paidAt!: string | null;
}

export class StatementLineView {
  @ApiProperty({ description: 'The delivery line’s id: a statement line is named by it' })
  id!: string;
  @ApiProperty() deliveryLineId!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '100.000' }) quantity!: string;
  @ApiProperty({ example: '12.345600' }) unitPrice!: string;
  @ApiProperty({ example: '1234.56' }) amount!: string;
  @ApiProperty() acceptedAt!: string;
  @ApiProperty({ enum: ['billed', 'disputed', 'struck', 'carried'] }) status!: string;
}

export class ReviewView {
  @ApiProperty() cycle!: number;
  @ApiProperty() level!: number;
  @ApiProperty({ enum: ['approved', 'rejected'] }) decision!: string;
  @ApiProperty() officerId!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty() decidedAt!: string;
}

export class StatementDetailView extends StatementView {
  @ApiProperty({ type: [StatementLineView] }) lines!: StatementLineView[];
  @ApiProperty({ type: [ReviewView] }) reviews!: ReviewView[];
}

export class StatementPage extends PageOf(StatementView) {}

export class DisputeLineRequest {
  @ApiProperty({ example: '数量与验收单不符', maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class ResolveDisputeRequest {
  @ApiProperty({
    enum: ['accept', 'reject'],
    description:
      'accept: the line stands and is billed on the pair’s next generated statement; reject: the line is struck off and never paid',
  })
  @IsIn(['accept', 'reject'])
  outcome!: 'accept' | 'reject';

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note!: string;
}

export class DisputeView {
  @ApiProperty() id!: string;
  @ApiProperty() statementId!: string;
  @ApiProperty() statementLineId!: string;
  @ApiProperty({ enum: ['hospital', 'supplier'] }) party!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() raisedBy!: string;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ enum: ['open', 'accepted', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) resolutionNote!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedAt!: string | null;
}

export class ReviewRequest {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RejectReviewRequest {
  @ApiProperty({ maxLength: 500, description: 'Why the statement goes back to reconciliation' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note!: string;
}

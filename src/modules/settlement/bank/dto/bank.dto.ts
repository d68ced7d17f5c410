import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { BANK_BATCH_STATUSES, BankBatchStatus } from '../bank-batch.entity';
import { BANK_RESULTS, BATCH_FORMATS, BatchFormat } from '../domain/bank-results';

export class PaymentInstructionQuery {
  @ApiPropertyOptional({
    enum: ['instructed', 'failed'],
    description:
      'instructed: payments never sent to the bank; failed: retries of payments the bank refused; omitted: both',
  })
  @IsOptional()
  @IsIn(['instructed', 'failed'])
  status?: 'instructed' | 'failed';

  @ApiPropertyOptional({ enum: BATCH_FORMATS, default: 'xlsx' })
  @IsOptional()
  @IsIn(BATCH_FORMATS)
  format?: BatchFormat;
}

export class BankBatchItemView {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ example: 'ZF00000042' }) paymentCode!: string;
  @ApiProperty({ example: '637.00' }) amount!: string;
  @ApiProperty({ enum: ['pending', ...BANK_RESULTS, 'cancelled'] }) result!: string;
  @ApiProperty({ type: String, nullable: true }) bankReference!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2027-07-03' }) paidDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The result file that answered' })
  importId!: string | null;
}

export class BankBatchSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: BATCH_FORMATS }) format!: string;
  @ApiProperty({
    enum: BANK_BATCH_STATUSES,
    description:
      'open while a payment awaits the bank; closed once all are answered; cancelled when withdrawn before any answer',
  })
  status!: string;
  @ApiProperty() paymentCount!: number;
  @ApiProperty({ example: '1051.05' }) totalAmount!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the instruction file as it was downloaded' })
  fileSha256!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelledAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelledBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelReason!: string | null;
}

export class BankBatchView extends BankBatchSummaryView {
  @ApiProperty({ type: [BankBatchItemView] }) items!: BankBatchItemView[];
}

export class BankBatchPage extends PageOf(BankBatchSummaryView) {}

export class BankBatchQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BANK_BATCH_STATUSES })
  @IsOptional()
  @IsIn(BANK_BATCH_STATUSES)
  status?: BankBatchStatus;

  @ApiPropertyOptional({
    example: '2027-07-01',
    description: 'Batches created on or after this China business date',
  })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({
    example: '2027-07-31',
    description: 'Batches created on or before this China business date',
  })
  @IsOptional()
  @IsString()
  to?: string;
}

export class CancelBankBatchRequest {
  @ApiProperty({
    example: '收款账户信息待更正 Payee account details are being corrected',
    description: 'Why the batch is withdrawn before the bank answers it',
  })
  @IsString()
  @MaxLength(500)
  reason!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
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
  @ApiProperty({ enum: ['pending', ...BANK_RESULTS] }) result!: string;
  @ApiProperty({ type: String, nullable: true }) bankReference!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2027-07-03' }) paidDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The result file that answered' })
  importId!: string | null;
}

export class BankBatchView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: BATCH_FORMATS }) format!: string;
  @ApiProperty({ enum: ['open', 'closed'], description: 'open while a payment awaits the bank' })
  status!: string;
  @ApiProperty() paymentCount!: number;
  @ApiProperty({ example: '1051.05' }) totalAmount!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the instruction file as it was downloaded' })
  fileSha256!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: [BankBatchItemView] }) items!: BankBatchItemView[];
}

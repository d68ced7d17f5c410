import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';

export class PayStatementRequest {
  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'The bank’s reference when the transfer is already made; without it the payment is instructed',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  bankReference?: string;
}

export class PaymentQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'statementId must be a numeric id' })
  statementId?: string;

  @ApiPropertyOptional({ enum: ['instructed', 'paid', 'failed'] })
  @IsOptional()
  @IsIn(['instructed', 'paid', 'failed'])
  status?: 'instructed' | 'paid' | 'failed';
}

export class PaymentView {
  @ApiProperty() id!: string;
  @ApiProperty() statementId!: string;
  @ApiProperty() statementCode!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ example: '2372.85', description: 'Paid to the supplier' }) amount!: string;
  @ApiProperty({ example: '0.00' }) prepaymentOffset!: string;
  @ApiProperty({ example: '1500.00' }) hospitalDeducted!: string;
  @ApiProperty({ example: '872.85' }) receivable!: string;
  @ApiProperty() journalId!: string;
  @ApiProperty({ type: String, nullable: true }) bankReference!: string | null;
  @ApiProperty({ enum: ['instructed', 'paid', 'failed'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) paidAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class PaymentPage extends PageOf(PaymentView) {}

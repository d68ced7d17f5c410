import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

const ID = /^\d{1,18}$/;

export class OverdueAlertSummaryQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

/** §S4 overdue alerts the caller sees, by status. */
export class OverdueAlertSummaryView {
  @ApiProperty() open!: number;
  @ApiProperty() acknowledged!: number;
  @ApiProperty({ description: 'open + acknowledged: alerts whose line is still unpaid' })
  unresolved!: number;
  @ApiProperty({ description: 'Alerts whose line has been paid (or struck) since' })
  resolved!: number;
  @ApiProperty({ example: '732.55', description: 'Σ amount of the unresolved alerts' })
  unresolvedAmount!: string;
}

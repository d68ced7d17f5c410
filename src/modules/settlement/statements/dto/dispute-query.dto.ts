import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { DisputeView } from './statement.dto';

const ID = /^\d{1,18}$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export class DisputeQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['open', 'resolved'],
    description: 'resolved: accepted or rejected',
  })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ example: '2026-03', description: 'The period of the disputed statement' })
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
}

/** A dispute with the statement it was raised on. */
export class DisputeListItem extends DisputeView {
  @ApiProperty({ example: 'JS202603-000042' }) statementCode!: string;
  @ApiProperty() period!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
}

export class DisputePage extends PageOf(DisputeListItem) {}

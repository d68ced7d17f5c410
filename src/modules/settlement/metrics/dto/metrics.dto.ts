import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { OVERDUE_ALERT_RESOLUTIONS, OVERDUE_ALERT_STATUSES } from '../overdue-alert.entity';

export const DEADLINE_STATES = ['overdue', 'due_soon', 'pending'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

const ID = /^\d{1,18}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const REGION = /^\d{6}$/;

export class DeadlineQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: DEADLINE_STATES,
    description: 'Unpaid lines in this state; all unpaid lines when omitted',
  })
  @IsOptional()
  @IsIn(DEADLINE_STATES)
  state?: DeadlineState;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class DeadlineView {
  @ApiProperty() deliveryLineId!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '318.50' }) amount!: string;
  @ApiProperty() acceptedAt!: string;
  @ApiProperty({ example: '2027-07-10', description: 'Last China business date to pay on time' })
  dueDate!: string;
  @ApiProperty({ enum: DEADLINE_STATES }) state!: DeadlineState;
  @ApiProperty({ type: Number, nullable: true, description: 'Days until the due date' })
  daysLeft!: number | null;
  @ApiProperty({ description: 'Days past the due date; 0 unless overdue' }) daysOverdue!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The statement billing it, if any' })
  statementId!: string | null;
  @ApiProperty({ description: 'Under an open dispute (§S3.2)' }) disputed!: boolean;
}

export class DeadlinePage extends PageOf(DeadlineView) {}

export class OverdueAlertQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: OVERDUE_ALERT_STATUSES,
    description: 'Alerts in this status; open and acknowledged (unresolved) ones when omitted',
  })
  @IsOptional()
  @IsIn(OVERDUE_ALERT_STATUSES)
  status?: (typeof OVERDUE_ALERT_STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class OverdueAlertView {
  @ApiProperty() id!: string;
  @ApiProperty() deliveryLineId!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '318.50' }) amount!: string;
  @ApiProperty() acceptedAt!: string;
  @ApiProperty({ example: '2027-07-10' }) dueDate!: string;
  @ApiProperty() raisedAt!: string;
  @ApiProperty({ enum: OVERDUE_ALERT_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the check found it paid' })
  resolvedAt!: string | null;
  @ApiProperty({ enum: OVERDUE_ALERT_RESOLUTIONS, nullable: true }) resolution!: string | null;
}

export class OverdueAlertPage extends PageOf(OverdueAlertView) {}

export class MetricsQuery {
  @ApiProperty({ example: '2027-06', description: 'First month, YYYY-MM' })
  @Matches(MONTH, { message: 'from must be a month YYYY-MM' })
  from!: string;

  @ApiProperty({ example: '2027-08', description: 'Last month, YYYY-MM (at most 36 months)' })
  @Matches(MONTH, { message: 'to must be a month YYYY-MM' })
  to!: string;

  @ApiPropertyOptional({
    description: "6-digit region code; default the caller's region (everything for a national one)",
  })
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

export class GroupMetricsView {
  @ApiProperty({ enum: ['drug', 'consumable'] }) group!: string;
  @ApiProperty() lines!: number;
  @ApiProperty({ example: '1051.05' }) acceptedAmount!: string;
  @ApiProperty({ example: '414.05', description: 'Paid directly by the fund' })
  settledAmount!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '0.3939',
    description: '统一结算率: settled ÷ accepted, 4 decimals',
  })
  settlementRate!: string | null;
  @ApiProperty({ description: 'Paid plus overdue unpaid: amount whose timeliness is known' })
  dueAmount!: string;
  @ApiProperty() onTimeAmount!: string;
  @ApiProperty({ type: String, nullable: true, description: 'onTime ÷ due, 4 decimals' })
  onTimeRate!: string | null;
  @ApiProperty() paidLines!: number;
  @ApiProperty({ type: String, nullable: true, example: '21.00' })
  averageDaysToPayment!: string | null;
  @ApiProperty() overdueLines!: number;
  @ApiProperty() overdueAmount!: string;
  @ApiProperty() disputedAmount!: string;
}

export class PeriodMetricsView {
  @ApiProperty({ example: '2027-06' }) period!: string;
  @ApiProperty({ type: [GroupMetricsView], description: 'drug, then consumable' })
  groups!: GroupMetricsView[];
}

export class MetricsView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: every region in scope' })
  regionCode!: string | null;
  @ApiProperty({ description: 'The instant the figures are computed at' }) asOf!: string;
  @ApiProperty({ type: [PeriodMetricsView] }) periods!: PeriodMetricsView[];
}

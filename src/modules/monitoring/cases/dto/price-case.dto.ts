import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { CASE_OUTCOMES, CASE_STATUSES } from '../domain/case-rules';

const ID = /^\d{1,18}$/;
const PRICE = /^\d{1,12}(\.\d{1,6})?$/;
const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const REGION = /^\d{6}$/;

export class OpenCaseRequest {
  @ApiProperty({ type: [String], description: 'Alerts (1–50) the case is opened from' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(ID, { each: true, message: 'alertIds must be numeric ids' })
  alertIds!: string[];

  @ApiProperty({ maxLength: 200, example: '阿托伐他汀钙片 挂网价格异常' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiPropertyOptional({
    description:
      'The supplier the case is against; required when the alerts name none, else it must match theirs',
  })
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class InquiryRequest {
  @ApiProperty({
    maxLength: 20000,
    description: 'The inquiry letter (函询函) sent to the supplier',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  letter!: string;
}

export class ReplyRequest {
  @ApiProperty({ maxLength: 20000, description: 'The supplier’s written explanation' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  text!: string;
}

export class InterviewRequest {
  @ApiProperty({ maxLength: 20000, description: 'Record of the interview (约谈记录)' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  record!: string;

  @ApiPropertyOptional({ example: '2026-04-10', description: 'Date the interview was held' })
  @IsOptional()
  @Matches(DATE, { message: 'heldOn must be a date YYYY-MM-DD' })
  heldOn?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Who took part' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  participants?: string;
}

export class InvestigationRequest {
  @ApiProperty({ maxLength: 20000, description: 'Findings of the cost investigation (成本调查)' })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  findings!: string;

  @ApiPropertyOptional({ example: '0.850000', description: 'Investigated cost per smallest unit' })
  @IsOptional()
  @Matches(PRICE, { message: 'unitCost must be a decimal with at most 6 decimals' })
  unitCost?: string;
}

export class OutcomeRequest {
  @ApiProperty({
    enum: CASE_OUTCOMES,
    description:
      'price_cut: the supplier commits to newUnitPrice from effectiveDate; listing_suspended: the listings of the alerts’ products are suspended in the case’s region; referred_to_credit: a credit case is recorded (§K1); closed: no consequence',
  })
  @IsIn(CASE_OUTCOMES)
  outcome!: (typeof CASE_OUTCOMES)[number];

  @ApiProperty({ maxLength: 2000, description: 'The decision and its grounds' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ example: '1.250000', description: 'price_cut: committed unit price' })
  @IsOptional()
  @IsString()
  newUnitPrice?: string;

  @ApiPropertyOptional({ example: '2026-05-01', description: 'price_cut: effective date' })
  @IsOptional()
  @IsString()
  effectiveDate?: string;

  @ApiPropertyOptional({
    description:
      'listing_suspended: region subtree (default: the case’s region; everywhere for a platform-wide authority)',
  })
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({
    example: 'price_manipulation',
    description: 'referred_to_credit: §K1 behaviour code (default price_manipulation)',
  })
  @IsOptional()
  @Matches(/^[a-z_]{3,40}$/, { message: 'behaviour must be a behaviour code' })
  behaviour?: string;

  @ApiPropertyOptional({ example: '150000.00', description: 'referred_to_credit: amount involved' })
  @IsOptional()
  @Matches(AMOUNT, { message: 'amount must be a decimal with at most 2 decimals' })
  amount?: string;
}

export class LiftSuspensionRequest {
  @ApiProperty({
    maxLength: 2000,
    description: 'Why the listing suspension this case decided ends (e.g. the price was corrected)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;
}

export class CaseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: CASE_OUTCOMES })
  @IsOptional()
  @IsIn(CASE_OUTCOMES)
  outcome?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({
    description: 'true: only cases whose inquiry waits for a reply past its deadline',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ enum: ['openedAt', 'replyDeadline', 'updatedAt'], default: 'openedAt' })
  @IsOptional()
  @IsIn(['openedAt', 'replyDeadline', 'updatedAt'])
  sort: 'openedAt' | 'replyDeadline' | 'updatedAt' = 'openedAt';
}

export class CaseView {
  @ApiProperty({ example: 'PC2026-0001' }) code!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ type: String, nullable: true }) supplierName!: string | null;
  @ApiProperty() authorityId!: string;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: string;
  @ApiProperty({ enum: CASE_OUTCOMES, nullable: true, type: String }) outcome!: string | null;
  @ApiProperty() openedBy!: string;
  @ApiProperty() openedAt!: string;
  @ApiProperty({ type: String, nullable: true }) inquirySentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'End of the 10th working day' })
  replyDeadline!: string | null;
  @ApiProperty({ type: String, nullable: true }) repliedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) closedAt!: string | null;
  @ApiProperty({ description: 'The inquiry waits for a reply past its deadline' })
  replyOverdue!: boolean;
  @ApiProperty({ type: String, nullable: true }) creditCaseCode!: string | null;
  @ApiProperty() version!: number;
}

export class CasePage extends PageOf(CaseView) {}

export class CaseStepView {
  @ApiProperty({
    enum: [
      'opened',
      'inquiry_sent',
      'replied',
      'interview',
      'investigation',
      'outcome',
      'suspension_lifted',
    ],
  })
  kind!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty() actorName!: string;
  @ApiProperty({ type: String, nullable: true }) actorOrgId!: string | null;
  @ApiProperty() at!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class CaseAlertView {
  @ApiProperty() id!: string;
  @ApiProperty() ruleCode!: string;
  @ApiProperty() period!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, nullable: true }) productId!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) evidence!: Record<string, unknown>;
}

export class CaseDetailView extends CaseView {
  @ApiProperty({ type: [CaseAlertView] }) alerts!: CaseAlertView[];
  @ApiProperty({ type: [CaseStepView], description: 'The enforcement record, oldest first' })
  steps!: CaseStepView[];
  @ApiProperty({ type: [String] }) allowedActions!: string[];
}

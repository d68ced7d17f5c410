import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { BackupActivation } from '../../../procurement/awards/backup-activation.entity';
import { ALERT_STATUSES, SUPPLY_RULES } from '../domain/supply-rules';
import {
  SupplyAlert,
  SupplyFailure,
  SupplyReport,
  SupplyReportRevision,
  SupplyShortage,
} from '../supply.entities';

const ID = /^\d{1,18}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REGION = /^\d{6}$/;

const q = (v: { toFixed(n: number): string } | null) => (v === null ? null : v.toFixed(3));

// ---- supply reports ----------------------------------------------------------------------------

export class SupplyReportItem {
  @ApiProperty()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;

  @ApiProperty({ example: '120000', description: 'Stock in smallest units (片, 支 …)' })
  @IsString()
  stockQuantity!: string;

  @ApiPropertyOptional({
    example: '500000',
    description: 'Manufacturers: production capacity per month, smallest units',
  })
  @IsOptional()
  @IsString()
  capacityQuantity?: string;

  @ApiPropertyOptional({
    example: '20000',
    description: 'Manufacturers: emergency reserve, smallest units',
  })
  @IsOptional()
  @IsString()
  reserveQuantity?: string;
}

export class SupplyReportRequest {
  @ApiProperty({ type: [SupplyReportItem] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => SupplyReportItem)
  items!: SupplyReportItem[];
}

export class SupplyReportRevisionView {
  @ApiProperty() version!: number;
  @ApiProperty() stockQuantity!: string;
  @ApiProperty({ nullable: true, type: String }) capacityQuantity!: string | null;
  @ApiProperty({ nullable: true, type: String }) reserveQuantity!: string | null;
  @ApiProperty({ enum: ['api', 'excel'] }) source!: string;
  @ApiProperty() reportedBy!: string;
  @ApiProperty() reportedAt!: string;

  static of(r: SupplyReportRevision | SupplyReport): SupplyReportRevisionView {
    return {
      version: r.version,
      stockQuantity: r.stockQuantity.toFixed(3),
      capacityQuantity: q(r.capacityQuantity),
      reserveQuantity: q(r.reserveQuantity),
      source: r.source,
      reportedBy: r.reportedBy,
      reportedAt: r.reportedAt.toISOString(),
    };
  }
}

export class SupplyReportView extends SupplyReportRevisionView {
  @ApiProperty() id!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ enum: ['manufacturer', 'distributor'] }) supplierType!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiPropertyOptional({ type: [SupplyReportRevisionView], description: 'Earlier versions' })
  revisions?: SupplyReportRevisionView[];

  static from(r: SupplyReport, revisions?: SupplyReportRevision[]): SupplyReportView {
    return {
      id: r.id,
      supplierId: r.supplierId,
      supplierType: r.supplierType,
      productId: r.productId,
      month: r.month,
      ...SupplyReportRevisionView.of(r),
      ...(revisions ? { revisions: revisions.map((x) => SupplyReportRevisionView.of(x)) } : {}),
    };
  }
}

export class SupplyReportPage extends PageOf(SupplyReportView) {}

export class SupplyReportBatchView {
  @ApiProperty() month!: string;
  @ApiProperty({ description: 'Products reported for the first time this month' }) created!: number;
  @ApiProperty({ description: 'Reports replaced by new figures (the old ones kept)' })
  replaced!: number;
  @ApiProperty({ description: 'Reports sent again with the same figures' }) unchanged!: number;
  @ApiProperty({ type: [SupplyReportView] }) items!: SupplyReportView[];
}

export class SupplyReportQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;
}

// ---- hospital shortages -------------------------------------------------------------------------

export class ShortageRequest {
  @ApiProperty()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;

  @ApiProperty({ example: '2026-03-05', description: 'Business date the shortage was felt' })
  @Matches(DATE, { message: 'shortageDate must be a date YYYY-MM-DD' })
  shortageDate!: string;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @MinLength(1, { message: 'note must not be empty' })
  @MaxLength(1000)
  note!: string;
}

export class ShortageView {
  @ApiProperty() id!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() agreementId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() shortageDate!: string;
  @ApiProperty() note!: string;
  @ApiProperty() reportedBy!: string;
  @ApiProperty() reportedAt!: string;

  static of(s: SupplyShortage): ShortageView {
    return {
      id: s.id,
      hospitalId: s.hospitalId,
      regionCode: s.regionCode,
      productId: s.productId,
      agreementId: s.agreementId,
      lotId: s.lotId,
      supplierId: s.supplierId,
      shortageDate: s.shortageDate,
      note: s.note,
      reportedBy: s.reportedBy,
      reportedAt: s.reportedAt.toISOString(),
    };
  }
}

export class ShortagePage extends PageOf(ShortageView) {}

export class ShortageQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;
}

// ---- alerts -------------------------------------------------------------------------------------

export class EvaluationRequest {
  @ApiPropertyOptional({ example: '2026-03', description: 'Default: the current month (China)' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;
}

export class EvaluationView {
  @ApiProperty() month!: string;
  @ApiProperty() evaluatedAt!: string;
  @ApiProperty({ description: 'Alerts raised by this evaluation' }) raised!: number;
  @ApiProperty({ description: 'Open alerts whose evidence was refreshed' }) refreshed!: number;
  @ApiProperty({ description: 'Breaches per rule found by this evaluation' })
  breaches!: Record<string, number>;
}

export class SupplyAlertView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: SUPPLY_RULES }) rule!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() month!: string;
  @ApiProperty({ nullable: true, type: String }) lotId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) evidence!: Record<string, unknown>;
  @ApiProperty({ enum: ALERT_STATUSES }) status!: string;
  @ApiProperty() raisedAt!: string;
  @ApiProperty() evaluatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolutionNote!: string | null;

  static of(a: SupplyAlert): SupplyAlertView {
    return {
      id: a.id,
      rule: a.rule,
      supplierId: a.supplierId,
      productId: a.productId,
      regionCode: a.regionCode,
      month: a.month,
      lotId: a.lotId,
      evidence: JSON.parse(a.evidence) as Record<string, unknown>,
      status: a.status,
      raisedAt: a.raisedAt.toISOString(),
      evaluatedAt: a.evaluatedAt.toISOString(),
      acknowledgedBy: a.acknowledgedBy,
      acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
      resolvedBy: a.resolvedBy,
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      resolutionNote: a.resolutionNote,
    };
  }
}

export class SupplyAlertPage extends PageOf(SupplyAlertView) {}

export class SupplyAlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SUPPLY_RULES })
  @IsOptional()
  @IsIn(SUPPLY_RULES)
  rule?: string;

  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ example: '2026-03' })
  @IsOptional()
  @Matches(MONTH, { message: 'month must be YYYY-MM' })
  month?: string;

  @ApiPropertyOptional({ enum: ['raisedAt', 'month'], default: 'raisedAt' })
  @IsOptional()
  @IsIn(['raisedAt', 'month'])
  sort?: 'raisedAt' | 'month';
}

export class ResolveAlertRequest {
  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @MinLength(1, { message: 'note must not be empty' })
  @MaxLength(1000)
  note!: string;
}

// ---- backup activation --------------------------------------------------------------------------

export class ActivationRequest {
  @ApiProperty()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId!: string;

  @ApiProperty({ example: '320102', description: "A supply region of the lot (hospitals' region)" })
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode!: string;

  @ApiPropertyOptional({
    description: 'A backup bid of the region; default the next backup in rank order',
  })
  @IsOptional()
  @Matches(ID, { message: 'backupBidId must be a numeric id' })
  backupBidId?: string;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(1000)
  reason!: string;
}

export class ActivationView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() failingBidId!: string;
  @ApiProperty() failingSupplierId!: string;
  @ApiProperty() backupBidId!: string;
  @ApiProperty() backupSupplierId!: string;
  @ApiProperty() backupProductId!: string;
  @ApiProperty({ description: "The backup's own winning pack price" }) backupPackPrice!: string;
  @ApiProperty({ description: "The backup's own winning unit price" }) backupUnitPrice!: string;
  @ApiProperty() effectiveFrom!: string;
  @ApiProperty() agreementsReplaced!: number;
  @ApiPropertyOptional({ type: [String], description: "The backup's new agreements" })
  createdAgreementIds?: string[];
  @ApiProperty() reason!: string;
  @ApiProperty() activatedBy!: string;
  @ApiProperty() activatedAt!: string;

  static of(a: BackupActivation, created?: string[]): ActivationView {
    return {
      id: a.id,
      roundId: a.roundId,
      lotId: a.lotId,
      regionCode: a.regionCode,
      failingBidId: a.failingBidId,
      failingSupplierId: a.failingSupplierId,
      backupBidId: a.backupBidId,
      backupSupplierId: a.backupSupplierId,
      backupProductId: a.backupProductId,
      backupPackPrice: a.backupPackPrice.toFixed(4),
      backupUnitPrice: a.backupUnitPrice.toFixed(6),
      effectiveFrom: a.effectiveFrom,
      agreementsReplaced: a.agreementsReplaced,
      ...(created ? { createdAgreementIds: created } : {}),
      reason: a.reason,
      activatedBy: a.activatedBy,
      activatedAt: a.activatedAt.toISOString(),
    };
  }
}

export class ActivationPage extends PageOf(ActivationView) {}

export class ActivationQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

// ---- supply failures ----------------------------------------------------------------------------

export class FailureRequest {
  @ApiProperty()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId!: string;

  @ApiProperty()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId!: string;

  @ApiProperty()
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;

  @ApiProperty({ example: '320102' })
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode!: string;

  @ApiProperty({ example: '2026-03-01' })
  @Matches(DATE, { message: 'periodFrom must be a date YYYY-MM-DD' })
  periodFrom!: string;

  @ApiProperty({ example: '2026-03-31' })
  @Matches(DATE, { message: 'periodTo must be a date YYYY-MM-DD' })
  periodTo!: string;

  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1, { message: 'description must not be empty' })
  @MaxLength(2000)
  description!: string;

  @ApiProperty({ type: [String], description: 'Supply alerts cited as evidence' })
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(ID, { each: true, message: 'alertIds must hold numeric ids' })
  alertIds!: string[];

  @ApiPropertyOptional({ description: 'The backup activation this failure led to' })
  @IsOptional()
  @Matches(ID, { message: 'activationId must be a numeric id' })
  activationId?: string;
}

export class EscalateRequest {
  @ApiPropertyOptional({ example: '150000.00', description: 'Amount involved, yuan' })
  @IsOptional()
  @Matches(/^\d{1,16}(\.\d{1,2})?$/, {
    message: 'amount must be a decimal string ≥ 0 with at most 2 decimals',
  })
  amount?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: "Default: the failure's description" })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'summary must not be empty' })
  @MaxLength(2000)
  summary?: string;
}

export class FailureView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() periodFrom!: string;
  @ApiProperty() periodTo!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) alertIds!: string[];
  @ApiProperty({ nullable: true, type: String }) activationId!: string | null;
  @ApiProperty({ nullable: true, type: String }) creditCaseId!: string | null;
  @ApiProperty({ nullable: true, type: String }) creditCaseCode!: string | null;
  @ApiProperty() recordedBy!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ nullable: true, type: String }) escalatedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) escalatedAt!: string | null;

  static of(f: SupplyFailure): FailureView {
    return {
      id: f.id,
      code: f.code,
      supplierId: f.supplierId,
      lotId: f.lotId,
      productId: f.productId,
      regionCode: f.regionCode,
      periodFrom: f.periodFrom,
      periodTo: f.periodTo,
      description: f.description,
      alertIds: JSON.parse(f.alertIds) as string[],
      activationId: f.activationId,
      creditCaseId: f.creditCaseId,
      creditCaseCode: f.creditCaseCode,
      recordedBy: f.recordedBy,
      recordedAt: f.recordedAt.toISOString(),
      escalatedBy: f.escalatedBy,
      escalatedAt: f.escalatedAt?.toISOString() ?? null,
    };
  }
}

export class FailurePage extends PageOf(FailureView) {}

export class FailureQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(REGION, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  escalated?: 'true' | 'false';
}

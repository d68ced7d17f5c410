import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { RepresentativeSpecView } from '../../lots/dto/lot.dto';
import { Lot } from '../../lots/lot.entity';
import { DEMAND_STATUSES, DemandReport, DemandStatus } from '../demand-report.entity';

const ID = /^\d{1,18}$/;

export class ReportDemandRequest {
  @ApiProperty({
    example: '12000',
    description:
      'Annual quantity in smallest units of the representative spec (decimal string, at most 3 decimals)',
  })
  // The format is checked by the §P3 rule so the message is the same as in an Excel upload.
  @IsString()
  @MaxLength(40)
  quantity!: string;

  @ApiPropertyOptional({
    description: 'Brand-specified demand: an admitted product of the lot',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @Matches(ID, { message: 'brandProductId must be a numeric id' })
  brandProductId?: string | null;

  @ApiPropertyOptional({
    description:
      'Required when the quantity is below the round threshold (default 80 %) of the 12-month purchase history',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;

  @ApiPropertyOptional({
    description:
      "The hospital reported for; defaults to the caller's own. A county lead hospital may name another participant of its county (统一报量)",
  })
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;
}

export class ConfirmDemandRequest {
  @ApiPropertyOptional({ description: 'Optional remark kept with the review' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class ReturnDemandRequest {
  @ApiProperty({ description: 'What the hospital should correct' })
  @IsString()
  @MaxLength(500)
  note!: string;
}

export class DemandFormQuery {
  @ApiPropertyOptional({ description: 'County lead hospitals: another participant of the county' })
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;
}

export class DemandQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hospitalId must be a numeric id' })
  hospitalId?: string;

  @ApiPropertyOptional({ enum: DEMAND_STATUSES })
  @IsOptional()
  @IsIn(DEMAND_STATUSES)
  status?: DemandStatus;
}

export class CompletenessQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only participants that have (true) or have not (false) reported every lot',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'complete must be true or false' })
  complete?: boolean;
}

export class DemandReportView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() hospitalCode!: string;
  @ApiProperty() hospitalName!: string;
  @ApiProperty({ example: '12000.000' }) quantity!: string;
  @ApiProperty({ nullable: true, type: String }) brandProductId!: string | null;
  @ApiProperty({ nullable: true, type: String }) brandProductCode!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The 12-month purchase history the report was checked against; null = none known',
  })
  historyQuantity!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ enum: DEMAND_STATUSES }) status!: DemandStatus;
  @ApiProperty({ nullable: true, type: String }) reviewNote!: string | null;
  @ApiProperty({ description: 'The hospital itself or its county lead' }) reportedByOrgId!: string;
  @ApiProperty() reportedBy!: string;
  @ApiProperty({ nullable: true, type: String }) reviewedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) reviewedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(
    r: DemandReport,
    lotCode: string,
    hospital: { code: string; name: string } | undefined,
    brandProductCode: string | null,
  ): DemandReportView {
    return {
      id: r.id,
      roundId: r.roundId,
      lotId: r.lotId,
      lotCode,
      hospitalId: r.hospitalId,
      hospitalCode: hospital?.code ?? '',
      hospitalName: hospital?.name ?? '',
      quantity: r.quantity.toFixed(3),
      brandProductId: r.brandProductId,
      brandProductCode,
      historyQuantity: r.historyQuantity ? r.historyQuantity.toFixed(3) : null,
      reason: r.reason,
      status: r.status,
      reviewNote: r.reviewNote,
      reportedByOrgId: r.reportedByOrgId,
      reportedBy: r.reportedBy,
      reviewedBy: r.reviewedBy,
      reviewedAt: r.reviewedAt ? r.reviewedAt.toISOString() : null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class DemandReportPage extends PageOf(DemandReportView) {}

export class DemandFormLine {
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() lotName!: string;
  @ApiProperty({ type: RepresentativeSpecView }) representative!: RepresentativeSpecView;
  @ApiProperty({ type: [String], description: 'Products that may be named as the brand' })
  admittedProductIds!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The hospital's purchases of the lot's generic in the previous 12 months (§E)",
  })
  history!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Below this quantity a reason is required; null without a history',
  })
  minimumWithoutReason!: string | null;
  @ApiProperty({ type: DemandReportView, nullable: true }) report!: DemandReportView | null;

  static representativeOf(lot: Lot): RepresentativeSpecView {
    return {
      strength: lot.repStrength.toFixed(),
      strengthUnit: lot.repStrengthUnit,
      dosageForm: lot.repDosageForm,
      packSize: lot.repPackSize,
    };
  }
}

export class DemandFormView {
  @ApiProperty() roundId!: string;
  @ApiProperty() roundCode!: string;
  @ApiProperty() roundStatus!: string;
  @ApiProperty() demandOpensAt!: string;
  @ApiProperty() demandClosesAt!: string;
  @ApiProperty({ example: '0.8' }) reasonThreshold!: string;
  @ApiProperty() hospitalId!: string;
  @ApiProperty() hospitalCode!: string;
  @ApiProperty() hospitalName!: string;
  @ApiProperty({ description: 'Whether the caller may still change the reports' })
  editable!: boolean;
  @ApiProperty({ type: [DemandFormLine] }) lots!: DemandFormLine[];
}

export class DemandStatusCounts {
  @ApiProperty() reported!: number;
  @ApiProperty() confirmed!: number;
  @ApiProperty() returned!: number;
}

export class ParticipantCompletenessView {
  @ApiProperty() hospitalId!: string;
  @ApiProperty() hospitalCode!: string;
  @ApiProperty() hospitalName!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() countyLead!: boolean;
  @ApiProperty({ enum: ['mandatory', 'opt_in'] }) participation!: string;
  @ApiProperty() lotsReported!: number;
  @ApiProperty() lotsTotal!: number;
  @ApiProperty() complete!: boolean;
  @ApiProperty({ type: [String] }) missingLotCodes!: string[];
  @ApiProperty({ type: DemandStatusCounts }) statuses!: DemandStatusCounts;
}

export class LotDemandTotalView {
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() reports!: number;
  @ApiProperty({ example: '596327.000' }) totalQuantity!: string;
}

export class CompletenessSummaryView {
  @ApiProperty() participants!: number;
  @ApiProperty() complete!: number;
  @ApiProperty() incomplete!: number;
  @ApiProperty() reports!: number;
  @ApiProperty() lots!: number;
  @ApiProperty({ type: DemandStatusCounts }) statuses!: DemandStatusCounts;
  @ApiProperty({ type: [LotDemandTotalView] }) byLot!: LotDemandTotalView[];
}

export class CompletenessView extends PageOf(ParticipantCompletenessView) {
  @ApiProperty({ type: CompletenessSummaryView }) summary!: CompletenessSummaryView;
}

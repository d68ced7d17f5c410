import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { ROUND_ACTIONS, ROUND_STATES, RoundAction, RoundState } from '../domain/round-state';
import {
  Round,
  ROUND_CATEGORIES,
  ROUND_LEVELS,
  RoundCategory,
  RoundLevel,
  RoundParticipant,
  SCOPE_TYPES,
  ScopeType,
} from '../round.entity';

const ID = /^\d{1,18}$/;

export class TimelineRequest {
  @ApiProperty({ example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  demandOpensAt!: string;

  @ApiProperty({ example: '2026-12-10T00:00:00Z' })
  @IsISO8601({ strict: true })
  demandClosesAt!: string;

  @ApiProperty({ example: '2026-12-11T00:00:00Z' })
  @IsISO8601({ strict: true })
  biddingOpensAt!: string;

  @ApiProperty({ example: '2026-12-20T09:00:00Z', description: 'Bidding deadline, to the second' })
  @IsISO8601({ strict: true })
  biddingClosesAt!: string;

  @ApiProperty({ example: '2026-12-20T09:30:00Z' })
  @IsISO8601({ strict: true })
  openingAt!: string;

  @ApiProperty({
    minimum: 1,
    maximum: 30,
    example: 3,
    description: 'Publicity (公示) window in days',
  })
  @IsInt()
  @Min(1)
  @Max(30)
  publicityDays!: number;

  @ApiProperty({ example: '2027-02-01', description: 'Agreements start on this date (YYYY-MM-DD)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'contractStart must be a date YYYY-MM-DD' })
  contractStart!: string;
}

export class ParticipantsRequest {
  @ApiProperty({ enum: SCOPE_TYPES })
  @IsIn(SCOPE_TYPES)
  scope!: ScopeType;

  @ApiPropertyOptional({ description: 'With scope alliance' })
  @IsOptional()
  @Matches(ID, { message: 'allianceId must be a numeric id' })
  allianceId?: string;

  @ApiPropertyOptional({ description: 'With scope region: 6-digit region code' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;

  @ApiPropertyOptional({ type: [String], description: 'With scope hospitals: hospital ids' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @Matches(ID, { each: true, message: 'hospitalIds must hold numeric ids' })
  hospitalIds?: string[];
}

export class CreateRoundRequest {
  @ApiProperty({ example: '江苏省第三批药品带量采购' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ROUND_LEVELS })
  @IsIn(ROUND_LEVELS)
  level!: RoundLevel;

  @ApiProperty({ enum: ROUND_CATEGORIES })
  @IsIn(ROUND_CATEGORIES)
  category!: RoundCategory;

  @ApiProperty({ description: 'Rule set (§P6) the round will freeze when bidding opens' })
  @Matches(ID, { message: 'ruleSetId must be a numeric id' })
  ruleSetId!: string;

  @ApiProperty({ type: ParticipantsRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => ParticipantsRequest)
  participants!: ParticipantsRequest;

  @ApiProperty({ type: TimelineRequest })
  @IsDefined()
  @ValidateNested()
  @Type(() => TimelineRequest)
  timeline!: TimelineRequest;

  @ApiPropertyOptional({
    example: '0.8',
    description: 'A demand report below this share of the 12-month history needs a reason',
  })
  @IsOptional()
  @Matches(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, {
    message: 'demandReasonThreshold must be a decimal between 0 and 1',
  })
  demandReasonThreshold?: string;
}

export class UpdateRoundRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'ruleSetId must be a numeric id' })
  ruleSetId?: string;

  @ApiPropertyOptional({ type: TimelineRequest })
  @IsOptional()
  @ValidateNested()
  @Type(() => TimelineRequest)
  timeline?: TimelineRequest;

  @ApiPropertyOptional({ example: '0.8' })
  @IsOptional()
  @Matches(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, {
    message: 'demandReasonThreshold must be a decimal between 0 and 1',
  })
  demandReasonThreshold?: string;
}

export class TransitionRequest {
  @ApiProperty({ enum: ROUND_ACTIONS })
  @IsIn(ROUND_ACTIONS)
  action!: RoundAction;

  @ApiPropertyOptional({ description: 'Required to cancel' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class CountyLeadRequest {
  @ApiProperty()
  @IsBoolean()
  countyLead!: boolean;
}

export class RoundQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROUND_STATES })
  @IsOptional()
  @IsIn(ROUND_STATES)
  status?: RoundState;

  @ApiPropertyOptional({ enum: ROUND_CATEGORIES })
  @IsOptional()
  @IsIn(ROUND_CATEGORIES)
  category?: RoundCategory;

  @ApiPropertyOptional({ description: 'Code or name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class TimelineView {
  @ApiProperty() demandOpensAt!: string;
  @ApiProperty() demandClosesAt!: string;
  @ApiProperty() biddingOpensAt!: string;
  @ApiProperty() biddingClosesAt!: string;
  @ApiProperty() openingAt!: string;
  @ApiProperty() publicityDays!: number;
  @ApiProperty() contractStart!: string;
  @ApiProperty({ nullable: true, type: String }) publicityEndsAt!: string | null;
}

export class RoundScopeView {
  @ApiProperty({ enum: SCOPE_TYPES }) type!: ScopeType;
  @ApiProperty({ nullable: true, type: String }) allianceId!: string | null;
  @ApiProperty({ nullable: true, type: String }) regionCode!: string | null;
}

export class RoundView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'R2026-0001' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROUND_LEVELS }) level!: RoundLevel;
  @ApiProperty({ enum: ROUND_CATEGORIES }) category!: RoundCategory;
  @ApiProperty() organiserId!: string;
  @ApiProperty({ enum: ROUND_STATES }) status!: RoundState;
  @ApiProperty() ruleSetId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Set once bidding opens' })
  ruleSetSha256!: string | null;
  @ApiProperty({ type: RoundScopeView }) scope!: RoundScopeView;
  @ApiProperty({ type: TimelineView }) timeline!: TimelineView;
  @ApiProperty({ example: '0.8' }) demandReasonThreshold!: string;
  @ApiProperty({ nullable: true, type: String }) openedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) publishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) awardedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(r: Round, publicityEndsAt: Date | null): RoundView {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      level: r.level,
      category: r.category,
      organiserId: r.organiserId,
      status: r.status,
      ruleSetId: r.ruleSetId,
      ruleSetSha256: r.ruleSetSha256,
      scope: { type: r.scopeType, allianceId: r.allianceId, regionCode: r.regionCode },
      timeline: {
        demandOpensAt: r.demandOpensAt.toISOString(),
        demandClosesAt: r.demandClosesAt.toISOString(),
        biddingOpensAt: r.biddingOpensAt.toISOString(),
        biddingClosesAt: r.biddingClosesAt.toISOString(),
        openingAt: r.openingAt.toISOString(),
        publicityDays: r.publicityDays,
        contractStart: r.contractStart,
        publicityEndsAt: iso(publicityEndsAt),
      },
      demandReasonThreshold: r.demandReasonThreshold.toFixed(),
      openedAt: iso(r.openedAt),
      publishedAt: iso(r.publishedAt),
      awardedAt: iso(r.awardedAt),
      cancelReason: r.cancelReason,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}

export class RoundPage extends PageOf(RoundView) {}

export class ParticipantView {
  @ApiProperty() hospitalId!: string;
  @ApiProperty() hospitalCode!: string;
  @ApiProperty() hospitalName!: string;
  @ApiProperty({ enum: ['mandatory', 'opt_in'] }) participation!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() countyLead!: boolean;

  static of(p: RoundParticipant, org: { code: string; name: string } | undefined): ParticipantView {
    return {
      hospitalId: p.hospitalId,
      hospitalCode: org?.code ?? '',
      hospitalName: org?.name ?? '',
      participation: p.participation,
      regionCode: p.regionCode,
      countyLead: p.countyLead,
    };
  }
}

export class ParticipantPage extends PageOf(ParticipantView) {}

export class SignCommitmentRequest {
  @ApiPropertyOptional({
    example: '2020-1',
    description:
      'The commitment text version read (GET /credit/commitment-texts/current); when given, ' +
      'signing is refused if another version has been published since',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,32}$/, { message: 'version must be a commitment text version' })
  version?: string;
}

export class CommitmentView {
  @ApiProperty() roundId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() signedBy!: string;
  @ApiProperty() signedByName!: string;
  @ApiProperty() signedAt!: string;
  @ApiProperty({ example: '2020-1', description: 'The commitment text version signed (§K4)' })
  textVersion!: string;
  @ApiProperty({ description: 'SHA-256 of the text signed, hex' }) textSha256!: string;
  @ApiProperty({
    description:
      'Whether the version signed is still the one in force. A signature of an earlier ' +
      'version stays valid for its round.',
  })
  textCurrent!: boolean;
}

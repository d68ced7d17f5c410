import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches } from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { CreditRating } from '../credit-rating.entity';
import { RATING_STATUSES, RatingStatus, statusOn } from '../domain/rating';
import { BEHAVIOURS, LevelDefinition, SchemeDefinition } from '../domain/scheme';

const ID = /^\d{1,18}$/;

export class SchemeLevelView {
  @ApiProperty({ example: 'serious' }) code!: string;
  @ApiProperty({ example: '严重' }) label!: string;
  @ApiProperty({ example: 24 }) validityMonths!: number;
  @ApiProperty({ type: [String], example: ['listing_suspension', 'bidding_suspension'] })
  sanctions!: string[];
  @ApiProperty({ enum: ['none', 'involved', 'all'] }) productScope!: string;
  @ApiProperty() public!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Level after an approved repair; null = repair ends the rating',
  })
  repairTo!: string | null;
  @ApiProperty({ type: [String] }) repairRequiresAnyOf!: string[];

  static of(l: LevelDefinition): SchemeLevelView {
    return {
      code: l.code,
      label: l.label,
      validityMonths: l.validityMonths,
      sanctions: l.sanctions,
      productScope: l.productScope,
      public: l.public,
      repairTo: l.repair.to,
      repairRequiresAnyOf: l.repair.requiresAnyOf,
    };
  }
}

export class SchemeRuleView {
  @ApiProperty({ enum: BEHAVIOURS }) behaviour!: string;
  @ApiProperty({ enum: ['fixed', 'amount'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) level!: string | null;
  @ApiProperty({
    description: 'For amount rules: yuan thresholds (inclusive), ascending',
    example: [{ min: '10000', level: 'general' }],
  })
  thresholds!: Array<{ min: string; level: string }>;
}

export class SchemeView {
  @ApiProperty({ example: '2020' }) version!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Whether new cases are rated under this scheme' }) active!: boolean;
  @ApiProperty({ type: [SchemeLevelView], description: 'Mildest first' })
  levels!: SchemeLevelView[];
  @ApiProperty({ type: [SchemeRuleView] }) rules!: SchemeRuleView[];
  @ApiProperty({ type: [Number], example: [1, 3, 5] }) distributionBarYears!: number[];

  static of(s: SchemeDefinition, activeVersion: string): SchemeView {
    return {
      version: s.version,
      name: s.name,
      active: s.version === activeVersion,
      levels: s.levels.map((l) => SchemeLevelView.of(l)),
      rules: BEHAVIOURS.map((b) => {
        const r = s.rules[b];
        return r.kind === 'fixed'
          ? { behaviour: b, kind: r.kind, level: r.level, thresholds: [] }
          : { behaviour: b, kind: r.kind, level: null, thresholds: r.thresholds };
      }),
      distributionBarYears: s.distributionBarYears,
    };
  }
}

export class RateCaseRequest {
  @ApiPropertyOptional({
    enum: [1, 3, 5],
    description:
      'Years a distributor rated at a level with a distribution bar is barred (§K3); required there, refused elsewhere',
  })
  @IsOptional()
  @IsInt({ message: 'distributionBarYears must be a whole number of years' })
  distributionBarYears?: number;
}

export class RatingView {
  @ApiProperty() id!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty({ example: 'CC2026-0001' }) caseCode!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ example: '2020' }) schemeVersion!: string;
  @ApiProperty({ example: 'serious' }) level!: string;
  @ApiProperty({ example: '严重' }) levelLabel!: string;
  @ApiProperty({ example: 'particularly_serious' }) initialLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({
    type: [String],
    example: ['interview', 'risk_notice', 'listing_suspension', 'bidding_suspension'],
  })
  sanctions!: string[];
  @ApiProperty({ enum: ['none', 'involved', 'all'] }) productScope!: string;
  @ApiProperty({ type: [String], description: 'Products the case involves' })
  productIds!: string[];
  @ApiProperty() riskNotice!: boolean;
  @ApiProperty({ nullable: true, type: Number }) distributionBarYears!: number | null;
  @ApiProperty({ example: '2026-03-15' }) validFrom!: string;
  @ApiProperty({ example: '2028-03-14', description: 'Last day in force' }) validTo!: string;
  @ApiProperty({
    enum: RATING_STATUSES,
    description: 'As of today: a rating past its last day is lapsed',
  })
  status!: RatingStatus;
  @ApiProperty() ratedAt!: string;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;

  static of(
    r: CreditRating,
    extra: { caseCode: string; supplierName: string; levelLabel: string; productIds: string[] },
    today: string,
  ): RatingView {
    return {
      id: r.id,
      caseId: r.caseId,
      caseCode: extra.caseCode,
      supplierId: r.supplierId,
      supplierName: extra.supplierName,
      schemeVersion: r.schemeVersion,
      level: r.level,
      levelLabel: extra.levelLabel,
      initialLevel: r.initialLevel,
      reasons: JSON.parse(r.reasons) as string[],
      sanctions: JSON.parse(r.sanctions) as string[],
      productScope: r.productScope,
      productIds: extra.productIds,
      riskNotice: r.riskNotice,
      distributionBarYears: r.distributionBarYears,
      validFrom: r.validFrom,
      validTo: r.validTo,
      status: statusOn(r.status, r.validTo, today),
      ratedAt: r.ratedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
    };
  }
}

export class RatingPage extends PageOf(RatingView) {}

export class RatingQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;

  @ApiPropertyOptional({ enum: RATING_STATUSES, description: 'Status as of today' })
  @IsOptional()
  @IsIn(RATING_STATUSES)
  status?: RatingStatus;

  @ApiPropertyOptional({ example: 'serious' })
  @IsOptional()
  @Matches(/^[a-z_]{1,32}$/, { message: 'level must be a level code' })
  level?: string;

  @ApiPropertyOptional({ description: 'Only ratings that carry a risk notice to purchasers' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'riskNotice must be true or false' })
  riskNotice?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['ratedAt', 'validTo'], default: 'ratedAt' })
  @IsOptional()
  @IsIn(['ratedAt', 'validTo'])
  sort: 'ratedAt' | 'validTo' = 'ratedAt';
}

/** §K3 a serious rating in force, as the public sees it (no login). */
export class PublicRatingView {
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ nullable: true, type: String, description: '统一社会信用代码' })
  supplierCreditCode!: string | null;
  @ApiProperty({ example: 'serious' }) level!: string;
  @ApiProperty({ example: '严重' }) levelLabel!: string;
  @ApiProperty({ example: 'bribery' }) behaviour!: string;
  @ApiProperty({ example: '2026-03-15' }) validFrom!: string;
  @ApiProperty({ example: '2028-03-14' }) validTo!: string;
  @ApiProperty({ example: 'CC2026-0001' }) caseCode!: string;
  @ApiProperty({ example: '2020' }) schemeVersion!: string;
}

export class PublicRatingPage extends PageOf(PublicRatingView) {}

export class PublicRatingQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Filter by supplier id' })
  @IsOptional()
  @Matches(ID, { message: 'supplierId must be a numeric id' })
  supplierId?: string;
}

export class LapseRunView {
  @ApiProperty({ description: 'Ratings marked lapsed by this run' }) lapsed!: number;
}

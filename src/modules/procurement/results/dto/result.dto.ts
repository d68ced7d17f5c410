import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../../../common/pagination';
import { OUTCOMES, Outcome } from '../../selection/domain/select';

export class ResultBidView {
  @ApiProperty({ description: 'Bid code' }) bid!: string;
  @ApiProperty() bidId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() packPrice!: string;
  @ApiProperty({ nullable: true, type: String }) unitPrice!: string | null;
  @ApiProperty({ nullable: true, type: String }) unitComparablePrice!: string | null;
  @ApiProperty() valid!: boolean;
  @ApiProperty({ nullable: true, type: Number }) rank!: number | null;
  @ApiProperty({ enum: OUTCOMES }) outcome!: Outcome;
  @ApiProperty({ nullable: true, type: String }) awardedUnitComparablePrice!: string | null;
  @ApiProperty({ type: [String] }) reasons!: string[];
}

export class ExcludedBidView {
  @ApiProperty() bid!: string;
  @ApiProperty() reason!: string;
}

export class LotResultView {
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() lotName!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['opening', 'rerun', 'revival'] }) cause!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() engineVersion!: string;
  @ApiProperty() ruleSet!: string;
  @ApiProperty({ nullable: true, type: String }) anchorPrice!: string | null;
  @ApiProperty() validBidders!: number;
  @ApiProperty({ nullable: true, type: String }) revivalPrice!: string | null;
  @ApiProperty({ type: [String], description: 'Winning bid codes in rank order' })
  winners!: string[];
  @ApiProperty() agreedVolumeRatio!: string;
  @ApiProperty() termYears!: number;
  @ApiProperty({ type: [ResultBidView] }) bids!: ResultBidView[];
  @ApiProperty({ type: [ExcludedBidView] }) excluded!: ExcludedBidView[];
  @ApiProperty() traceSha256!: string;
  @ApiProperty() createdAt!: string;
}

export class ReplayView {
  @ApiProperty() lotId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() reproduced!: boolean;
  @ApiProperty() storedEngineVersion!: string;
  @ApiProperty() currentEngineVersion!: string;
  @ApiProperty() storedOutputSha256!: string;
  @ApiProperty() replayedOutputSha256!: string;
  @ApiProperty({ type: [String] }) differingBids!: string[];
}

export class ExcludeBidRequest {
  @ApiProperty({ example: '提供虚假材料 / false materials' })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;
}

export class RevivalAnswerRequest {
  @ApiProperty({ description: 'true: accept the revival price and win at it (§P6.4)' })
  @IsBoolean()
  accept!: boolean;
}

export class FileObjectionRequest {
  @ApiProperty()
  @Matches(/^\d{1,18}$/, { message: 'lotId must be a numeric id' })
  lotId!: string;

  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  reason!: string;
}

export class AnswerObjectionRequest {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  @MaxLength(1000)
  answer!: string;
}

export class ObjectionView {
  @ApiProperty() id!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['open', 'answered'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) answer!: string | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class ObjectionPage extends PageOf(ObjectionView) {}

export class ResultQuery {
  @ApiPropertyOptional({ description: 'One lot only' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'lotId must be a numeric id' })
  lotId?: string;
}

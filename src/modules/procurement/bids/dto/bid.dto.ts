import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { BID_ACTIONS, BID_STATUSES, BidAction, BidStatus } from '../bid.entity';

const ID = /^\d{1,18}$/;

/*
 * Prices, capacities and region codes are only typed here: their format is a business rule
 * (bid-rules.ts) answered with its own error code and a message naming the field.
 */

export class BidTermsRequest {
  @ApiProperty({ example: '28.5000', description: 'Price per pack in yuan, at most 4 decimals' })
  @IsString()
  @MaxLength(40)
  packPrice!: string;

  @ApiProperty({
    example: '1000000',
    description: 'Annual quantity the supplier commits to supply, in smallest units',
  })
  @IsString()
  @MaxLength(40)
  capacity!: string;

  @ApiProperty({
    type: [String],
    example: ['320100', '320200'],
    description: '6-digit region codes, most preferred first (§P9 region picks follow it)',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  preferredRegions!: string[];
}

export class SubmitBidRequest extends BidTermsRequest {
  @ApiProperty({ description: 'Lot of the round' })
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId!: string;

  @ApiProperty({
    description: 'Product offered: one of the lot’s admitted specs, of your organisation',
  })
  @Matches(ID, { message: 'productId must be a numeric id' })
  productId!: string;
}

export class AmendBidRequest extends BidTermsRequest {}

export class BidQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'lotId must be a numeric id' })
  lotId?: string;

  @ApiPropertyOptional({ enum: BID_STATUSES })
  @IsOptional()
  @IsIn(BID_STATUSES)
  status?: BidStatus;
}

export class VerifyReceiptRequest {
  @ApiProperty({ example: 'R2026-0001-B3' })
  @IsString()
  @MaxLength(64)
  bidCode!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ description: 'SHA-256 from the receipt, 64 hex characters' })
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'digest must be 64 hexadecimal characters' })
  digest!: string;
}

/** §P4 receipt: what the supplier keeps to check later that the opened bid is the one it sent. */
export class BidReceipt {
  @ApiProperty({ example: 'R2026-0001-B3' }) bidCode!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'SHA-256 (hex) of `canonical`' }) digest!: string;
  @ApiProperty({ description: 'Server time the version was accepted' }) submittedAt!: string;
  @ApiProperty({
    description:
      'Random value sealed with the price and part of `canonical`; keep it with the receipt',
  })
  nonce!: string;
  @ApiProperty({
    description:
      'The canonical JSON that was hashed: sorted keys, pack price at 4 and capacity at 3 decimals',
  })
  canonical!: string;
}

export class BidView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'R2026-0001-B3' }) code!: string;
  @ApiProperty() roundId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() productId!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() productName!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty() supplierName!: string;
  @ApiProperty({ enum: BID_STATUSES }) status!: BidStatus;
  @ApiProperty({ description: 'The version that counts (the last one)' }) version!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Pack price of the version that counts: the bidder’s own before opening, everyone’s after; null for a withdrawn bid',
  })
  packPrice!: string | null;
  @ApiProperty() capacity!: string;
  @ApiProperty({ type: [String] }) preferredRegions!: string[];
  @ApiProperty({ description: 'Time of the version that counts' }) submittedAt!: string;
  @ApiProperty({ nullable: true, type: String }) excludedReason!: string | null;
}

export class BidPage extends PageOf(BidView) {}

export class BidSubmission {
  @ApiProperty({ type: BidView }) bid!: BidView;
  @ApiProperty({ type: BidReceipt }) receipt!: BidReceipt;
}

export class BidVersionView {
  @ApiProperty() version!: number;
  @ApiProperty({ enum: BID_ACTIONS }) action!: BidAction;
  @ApiProperty({ nullable: true, type: String, description: 'Null for a withdrawal' })
  packPrice!: string | null;
  @ApiProperty() capacity!: string;
  @ApiProperty({ type: [String] }) preferredRegions!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Receipt digest; null for a withdrawal',
  })
  digest!: string | null;
  @ApiProperty() submittedAt!: string;
}

/** All an officer learns before opening (§P4): how many active bids each lot has. */
export class LotBidCount {
  @ApiProperty() lotId!: string;
  @ApiProperty() lotCode!: string;
  @ApiProperty() bids!: number;
}

export class ReceiptVerification {
  @ApiProperty() bidCode!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The digest is the one recorded for that version' }) valid!: boolean;
  @ApiProperty({ description: 'The last version of the bid' }) finalVersion!: number;
  @ApiProperty({
    description:
      'valid, and that version is the final version of an active bid: the one opened (or to be opened)',
  })
  counted!: boolean;
  @ApiProperty({ enum: BID_STATUSES }) bidStatus!: BidStatus;
  @ApiProperty({ nullable: true, type: String, description: 'When that version was accepted' })
  versionSubmittedAt!: string | null;
}

/** The latest receipt of one of the caller's bids in a round (after an upload, for instance). */
export class RoundReceipt {
  @ApiProperty() bidId!: string;
  @ApiProperty() lotId!: string;
  @ApiProperty() productId!: string;
  @ApiProperty({ enum: BID_STATUSES }) bidStatus!: BidStatus;
  @ApiProperty({ description: 'This receipt is of the version that counts' }) counted!: boolean;
  @ApiProperty({ type: BidReceipt }) receipt!: BidReceipt;
}

export class RoundReceiptPage extends PageOf(RoundReceipt) {}

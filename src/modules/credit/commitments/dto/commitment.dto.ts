import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { SignedRoundCommitment } from '../../../procurement/rounds/round-commitment-facts.service';
import { CommitmentText, SupplierCommitment } from '../commitment.entity';

/** Longest commitment text accepted, in characters: a few pages of a 承诺书. */
export const COMMITMENT_BODY_MAX = 20_000;

export class CommitmentTextView {
  @ApiProperty({ example: '2020-1' }) version!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'SHA-256 of the body, hex' }) sha256!: string;
  @ApiProperty() publishedAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'User id of the supervisor who published it; null for the seeded text',
  })
  publishedBy!: string | null;
  @ApiProperty({ description: 'Whether this is the version in force (the last published)' })
  current!: boolean;

  static of(t: CommitmentText, current: boolean): CommitmentTextView {
    return {
      version: t.version,
      title: t.title,
      body: t.body,
      sha256: t.sha256,
      publishedAt: t.publishedAt.toISOString(),
      publishedBy: t.publishedBy,
      current,
    };
  }
}

export class PublishCommitmentTextRequest {
  @ApiProperty({ example: '2026-1', description: 'A new version name, unique' })
  @IsString()
  @Matches(/^[\w.-]{1,32}$/, {
    message: 'version must be 1–32 letters, digits, dots, dashes or underscores',
  })
  version!: string;

  @ApiProperty({ example: '医药企业价格和营销行为信用承诺书', maxLength: 200 })
  @IsString()
  @Matches(/\S/, { message: 'title must not be blank' })
  @MaxLength(200)
  title!: string;

  @ApiProperty({ description: 'The text suppliers sign', maxLength: COMMITMENT_BODY_MAX })
  @IsString()
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(COMMITMENT_BODY_MAX)
  body!: string;
}

export class SignCommitmentRequest {
  @ApiProperty({ example: '2020-1', description: 'The text version being signed: the current one' })
  @IsString()
  @Matches(/^[\w.-]{1,32}$/, { message: 'version must be a commitment text version' })
  version!: string;
}

export class GeneralCommitmentView {
  @ApiProperty() id!: string;
  @ApiProperty() supplierId!: string;
  @ApiProperty({ example: '2020-1' }) textVersion!: string;
  @ApiProperty() textSha256!: string;
  @ApiProperty({ description: 'Whether the version signed is the one in force' })
  textCurrent!: boolean;
  @ApiProperty() signedBy!: string;
  @ApiProperty() signedAt!: string;

  static of(c: SupplierCommitment, currentVersion: string): GeneralCommitmentView {
    return {
      id: c.id,
      supplierId: c.supplierId,
      textVersion: c.textVersion,
      textSha256: c.textSha256,
      textCurrent: c.textVersion === currentVersion,
      signedBy: c.signedBy,
      signedAt: c.signedAt.toISOString(),
    };
  }
}

export class RoundCommitmentView {
  @ApiProperty() roundId!: string;
  @ApiProperty({ example: 'R2026-0001' }) roundCode!: string;
  @ApiProperty() roundName!: string;
  @ApiProperty({ example: '2020-1', description: 'The commitment text version signed' })
  textVersion!: string;
  @ApiProperty() textSha256!: string;
  @ApiProperty({
    description:
      'Whether the version signed is the one in force; an earlier one stays valid for its round',
  })
  textCurrent!: boolean;
  @ApiProperty() signedBy!: string;
  @ApiProperty() signedAt!: string;

  static of(c: SignedRoundCommitment, currentVersion: string): RoundCommitmentView {
    return {
      roundId: c.roundId,
      roundCode: c.roundCode,
      roundName: c.roundName,
      textVersion: c.textVersion,
      textSha256: c.textSha256,
      textCurrent: c.textVersion === currentVersion,
      signedBy: c.signedBy,
      signedAt: c.signedAt.toISOString(),
    };
  }
}

export class SupplierCommitmentsView {
  @ApiProperty() supplierId!: string;
  @ApiProperty({
    type: [GeneralCommitmentView],
    description: 'General commitments (§K4), by version',
  })
  general!: GeneralCommitmentView[];
  @ApiProperty({
    type: [RoundCommitmentView],
    description: 'Per-round commitments signed to bid (§P4)',
  })
  rounds!: RoundCommitmentView[];
}

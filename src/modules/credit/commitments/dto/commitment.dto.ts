import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { CommitmentText, SupplierCommitment } from '../commitment.entity';

export class CommitmentTextView {
  @ApiProperty({ example: '2020-1' }) version!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'SHA-256 of the body, hex' }) sha256!: string;
  @ApiProperty() publishedAt!: string;

  static of(t: CommitmentText): CommitmentTextView {
    return {
      version: t.version,
      title: t.title,
      body: t.body,
      sha256: t.sha256,
      publishedAt: t.publishedAt.toISOString(),
    };
  }
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
  @ApiProperty() signedBy!: string;
  @ApiProperty() signedAt!: string;

  static of(c: SupplierCommitment): GeneralCommitmentView {
    return {
      id: c.id,
      supplierId: c.supplierId,
      textVersion: c.textVersion,
      textSha256: c.textSha256,
      signedBy: c.signedBy,
      signedAt: c.signedAt.toISOString(),
    };
  }
}

export class RoundCommitmentView {
  @ApiProperty() roundId!: string;
  @ApiProperty({ example: 'R2026-0001' }) roundCode!: string;
  @ApiProperty() roundName!: string;
  @ApiProperty() signedBy!: string;
  @ApiProperty() signedAt!: string;
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

import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

/**
 * A version of the integrity commitment text (信用承诺书, §K4). The last one published is in
 * force: suppliers sign it, generally and for each round they bid in.
 */
@Entity('credit_commitment_texts')
export class CommitmentText {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  version!: string;

  @Column({ type: 'varchar' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar' })
  sha256!: string;

  @Column({ name: 'published_at', type: 'datetime', precision: 3 })
  publishedAt!: Date;

  /** The supervisor who published it; null for the text the installation seeded. */
  @Column({ name: 'published_by', type: 'varchar', nullable: true })
  publishedBy!: string | null;
}

/** A supplier's signature of one version of the general integrity commitment. */
@Entity('credit_commitments')
export class SupplierCommitment {
  @PrimaryId()
  id!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'text_version', type: 'varchar' })
  textVersion!: string;

  /** SHA-256 of the text signed, so the signature names exactly the words agreed to. */
  @Column({ name: 'text_sha256', type: 'varchar' })
  textSha256!: string;

  @Column({ name: 'signed_by', type: 'varchar' })
  signedBy!: string;

  @Column({ name: 'signed_at', type: 'datetime', precision: 3 })
  signedAt!: Date;
}

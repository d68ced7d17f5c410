import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { Behaviour } from '../ratings/domain/scheme';
import { CaseStatus, SourceType } from './domain/case-rules';

/** §K1 a credit case against a supplier (manufacturer or distributor). */
@Entity('credit_cases')
export class CreditCase {
  @PrimaryId()
  id!: string;

  /** CC<year>-<nnnn>. */
  @Column({ type: 'varchar' })
  code!: string;

  @Column({ name: 'supplier_id', type: 'bigint', transformer: idColumn })
  supplierId!: string;

  @Column({ name: 'supplier_type', type: 'varchar' })
  supplierType!: 'manufacturer' | 'distributor';

  @Column({ type: 'varchar' })
  behaviour!: Behaviour;

  @Column({
    type: 'decimal',
    precision: 18,
    scale: 2,
    nullable: true,
    transformer: decimalColumn(2),
  })
  amount!: Decimal | null;

  @Column({ name: 'source_type', type: 'varchar' })
  sourceType!: SourceType;

  @Column({ name: 'source_ref', type: 'varchar' })
  sourceRef!: string;

  @Column({ name: 'source_date', type: 'date' })
  sourceDate!: string;

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ type: 'varchar' })
  status!: CaseStatus;

  /** The authority that recorded the case; its region bounds which authorities see it. */
  @Column({ name: 'authority_id', type: 'bigint', nullable: true, transformer: idColumn })
  authorityId!: string | null;

  /** Region path of that authority; null = a platform-wide authority. */
  @Column({ name: 'region_path', type: 'varchar', nullable: true })
  regionPath!: string | null;

  @Column({ name: 'recorded_by', type: 'varchar' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'datetime', precision: 3 })
  recordedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

@Entity('credit_case_products')
export class CreditCaseProduct {
  @PrimaryId()
  id!: string;

  @Column({ name: 'case_id', type: 'bigint', transformer: idColumn })
  caseId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;
}

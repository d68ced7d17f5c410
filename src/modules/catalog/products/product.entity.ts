import { Column, Entity } from 'typeorm';
import { decimalColumn, Decimal, idColumn, PrimaryId } from '../../../database/decimal';
import { DosageFormClass, DosageFormCode } from './domain/dosage-forms';
import { ProductStatus } from './domain/product-rules';
import { StrengthUnit } from './domain/strength-units';

export const PRODUCT_CATEGORIES = ['drug', 'consumable'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/**
 * One marketed specification (§C1): a drug or a consumable. Both share one table so lots,
 * listings, orders and observations reference a single `product_id`; the columns of the other
 * category are null.
 */
@Entity('products')
export class Product {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  category!: ProductCategory;

  /** National insurance code (医保药品代码 / 医保耗材代码). */
  @Column({ type: 'varchar' })
  code!: string;

  /** Generic name (通用名) of a drug, product name of a consumable. */
  @Column({ type: 'varchar' })
  name!: string;

  @Column({ name: 'brand_name', type: 'varchar', nullable: true })
  brandName!: string | null;

  /** Marketing-authorisation holder / registrant: an organisation of type manufacturer. */
  @Column({ name: 'manufacturer_id', type: 'bigint', transformer: idColumn })
  manufacturerId!: string;

  @Column({ type: 'varchar' })
  status!: ProductStatus;

  @Column({ name: 'dosage_form', type: 'varchar', nullable: true })
  dosageForm!: DosageFormCode | null;

  @Column({ name: 'dosage_form_class', type: 'varchar', nullable: true })
  dosageFormClass!: DosageFormClass | null;

  @Column({
    type: 'decimal',
    precision: 18,
    scale: 6,
    nullable: true,
    transformer: decimalColumn(6),
  })
  strength!: Decimal | null;

  @Column({ name: 'strength_unit', type: 'varchar', nullable: true })
  strengthUnit!: StrengthUnit | null;

  @Column({ name: 'pack_size', type: 'int', nullable: true })
  packSize!: number | null;

  @Column({ name: 'smallest_unit', type: 'varchar', nullable: true })
  smallestUnit!: string | null;

  @Column({ name: 'approval_number', type: 'varchar', nullable: true })
  approvalNumber!: string | null;

  @Column({ name: 'consistency_evaluated', type: 'boolean' })
  consistencyEvaluated!: boolean;

  @Column({ type: 'boolean' })
  originator!: boolean;

  @Column({ type: 'boolean' })
  essential!: boolean;

  @Column({ type: 'boolean' })
  negotiated!: boolean;

  @Column({ type: 'boolean' })
  reimbursable!: boolean;

  @Column({ name: 'category_path', type: 'varchar', nullable: true })
  categoryPath!: string | null;

  @Column({ name: 'high_value', type: 'boolean' })
  highValue!: boolean;

  @Column({ name: 'registration_number', type: 'varchar', nullable: true })
  registrationNumber!: string | null;

  /** 规格型号: model and specification text of a consumable. */
  @Column({ type: 'varchar', nullable: true })
  specification!: string | null;

  /** Unit of sale of a consumable (个/支/套). */
  @Column({ type: 'varchar', nullable: true })
  unit!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** A UDI device identifier mapped to exactly one consumable (一码联通). */
@Entity('product_udis')
export class ProductUdi {
  @PrimaryId()
  id!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ type: 'varchar' })
  udi!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

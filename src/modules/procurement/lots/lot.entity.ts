import { Column, Entity } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { DosageFormClass } from '../../catalog/products/domain/dosage-forms';

/** §P2: one thing bought in a round, compared on its representative spec. */
@Entity('lots')
export class Lot {
  @PrimaryId()
  id!: string;

  @Column({ name: 'round_id', type: 'bigint', transformer: idColumn })
  roundId!: string;

  @Column({ type: 'varchar' })
  code!: string;

  /** Generic name + dosage-form group (drugs) or bidding unit (consumables). */
  @Column({ type: 'varchar' })
  name!: string;

  @Column({ name: 'dosage_form_class', type: 'varchar' })
  dosageFormClass!: DosageFormClass;

  @Column({
    name: 'rep_strength',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  repStrength!: Decimal;

  @Column({ name: 'rep_strength_unit', type: 'varchar' })
  repStrengthUnit!: string;

  @Column({ name: 'rep_dosage_form', type: 'varchar' })
  repDosageForm!: string;

  @Column({ name: 'rep_pack_size', type: 'int' })
  repPackSize!: number;

  @Column({
    name: 'max_valid_unit_price',
    type: 'decimal',
    precision: 18,
    scale: 6,
    transformer: decimalColumn(6),
  })
  maxValidUnitPrice!: Decimal;

  /** Lot-level rule-set overrides (§P2) as JSON; null = the round's rule set as it is. */
  @Column({ name: 'overrides_json', type: 'text', nullable: true })
  overridesJson!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

/** An admitted specification of a lot: a product that may be bid. */
@Entity('lot_specs')
export class LotSpec {
  @PrimaryId()
  id!: string;

  @Column({ name: 'lot_id', type: 'bigint', transformer: idColumn })
  lotId!: string;

  @Column({ name: 'product_id', type: 'bigint', transformer: idColumn })
  productId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

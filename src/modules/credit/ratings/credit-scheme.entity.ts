import { Column, Entity } from 'typeorm';
import { PrimaryId } from '../../../database/decimal';

/** §K2 a versioned rating scheme: its definition (levels, rules, sanctions) as JSON. */
@Entity('credit_schemes')
export class CreditScheme {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  version!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'text' })
  definition!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** Who made a scheme the active one, and when; the latest row wins over `CREDIT_SCHEME`. */
@Entity('credit_scheme_activations')
export class CreditSchemeActivation {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  version!: string;

  @Column({ name: 'activated_by', type: 'varchar' })
  activatedBy!: string;

  @Column({ name: 'activated_at', type: 'datetime', precision: 3 })
  activatedAt!: Date;
}

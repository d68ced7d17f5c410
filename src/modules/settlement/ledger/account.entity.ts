import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Decimal, decimalColumn, idColumn, PrimaryId } from '../../../database/decimal';
import { AccountType, NormalSide } from './domain/account-rules';

/** §S1 a ledger account: the fund of a pooling region, a hospital's or supplier's account … */
@Entity('ledger_accounts')
export class LedgerAccount {
  @PrimaryId()
  id!: string;

  /** `FUND:320100`, `HOSP:<orgId>:SETTLEMENT`, `SUPP:<orgId>:PAYABLE`, `CLEARING` … */
  @Column({ type: 'varchar' })
  code!: string;

  @Column({ type: 'varchar' })
  type!: AccountType;

  @Column({ name: 'normal_side', type: 'varchar' })
  normalSide!: NormalSide;

  @Column({ name: 'owner_id', type: 'bigint', nullable: true, transformer: idColumn })
  ownerId!: string | null;

  @Column({ name: 'region_code', type: 'varchar', nullable: true })
  regionCode!: string | null;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/**
 * The cached totals of an account, updated in the journal's transaction. Always reconcilable:
 * the ledger check compares them with the sums of the account's journal lines.
 */
@Entity('ledger_balances')
export class LedgerBalance {
  @PrimaryColumn({ name: 'account_id', type: 'bigint', transformer: idColumn })
  accountId!: string;

  @Column({
    name: 'debit_total',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  debitTotal!: Decimal;

  @Column({
    name: 'credit_total',
    type: 'decimal',
    precision: 18,
    scale: 2,
    transformer: decimalColumn(2),
  })
  creditTotal!: Decimal;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

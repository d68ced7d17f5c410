import { Column, Entity } from 'typeorm';
import { idColumn, PrimaryId } from '../../../database/decimal';

/**
 * One version of a named rule set (§P6.7). Rows are only ever inserted: a change is a new
 * version, so a round that froze a version keeps exactly the rules it was opened with.
 */
@Entity('rule_sets')
export class RuleSet {
  @PrimaryId()
  id!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', nullable: true })
  description!: string | null;

  @Column({ name: 'based_on', type: 'varchar' })
  basedOn!: string;

  @Column({ name: 'parameters_json', type: 'text' })
  parametersJson!: string;

  @Column({ name: 'parameters_sha256', type: 'varchar' })
  parametersSha256!: string;

  @Column({ name: 'created_by', type: 'bigint', nullable: true, transformer: idColumn })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

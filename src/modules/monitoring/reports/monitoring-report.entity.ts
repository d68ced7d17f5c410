import { Column, Entity } from 'typeorm';
import { PrimaryId } from '../../../database/decimal';

/** §M7 one generated monthly report workbook; regenerating a period adds a version. */
@Entity('monitoring_reports')
export class MonitoringReport {
  @PrimaryId()
  id!: string;

  /** The month reported on, `YYYY-MM`. */
  @Column({ type: 'varchar' })
  period!: string;

  @Column({ type: 'int' })
  version!: number;

  /** `schedule` (the monthly job) or `manual` (an analyst's request). */
  @Column({ type: 'varchar' })
  trigger!: 'schedule' | 'manual';

  /** Relative to DATA_DIR. */
  @Column({ name: 'file_path', type: 'varchar' })
  filePath!: string;

  @Column({ type: 'varchar' })
  sha256!: string;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  /** Canonical JSON of the Summary sheet's figures. */
  @Column({ type: 'text' })
  summary!: string;

  @Column({ name: 'generated_by', type: 'varchar' })
  generatedBy!: string;

  @Column({ name: 'generated_at', type: 'datetime', precision: 3 })
  generatedAt!: Date;
}

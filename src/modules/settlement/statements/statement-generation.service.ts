import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { dialectOf } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { checkPeriod, periodWindow, reconciliationDeadline } from './domain/statement-rules';
import { GenerationView } from './dto/statement.dto';
import { statementError } from './statement.errors';

registerUniqueConstraint('uq_settlement_statements__hospital_id__supplier_id__period', {
  table: 'settlement_statements',
  columns: ['hospital_id', 'supplier_id', 'period'],
  code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
  message: 'Statements of this period were generated at the same moment; run the generation again',
});
registerUniqueConstraint('uq_settlement_statement_lines__delivery_line_id', {
  table: 'settlement_statement_lines',
  columns: ['delivery_line_id'],
  code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
  message: 'A delivery line was billed at the same moment by another generation; run it again',
});

/**
 * Σ of DECIMAL(18,2) amounts in SQL. SQLite keeps DECIMAL as REAL, whose plain SUM can drift by
 * a binary fraction; summing whole cents is exact there. MySQL sums DECIMAL exactly.
 */
function sumAmounts(m: EntityManager, column: string): string {
  return dialectOf(m) === 'mysql'
    ? `COALESCE(SUM(${column}), 0)`
    : `COALESCE(ROUND(SUM(ROUND(${column} * 100))) / 100.0, 0)`;
}

/**
 * §S3.1 statement generation, set-based: one `INSERT … SELECT … GROUP BY` opens the missing
 * statements of the period, one `INSERT … SELECT` bills the accepted delivery lines no statement
 * holds yet (the unique key on `delivery_line_id` makes that exactly once), one `UPDATE` moves
 * lines whose dispute was resolved for them onto the new statement, one `UPDATE … (SELECT SUM …)`
 * sets the totals. All in one transaction: a failure anywhere leaves nothing, and a rerun
 * continues where the data says, so generation is idempotent and retry-safe.
 *
 * Lines read from delivery_lines under the contract of execution's AcceptedLines. Every accepted
 * line before the period's end not yet billed is taken, so a line whose own period's statement
 * was already past reconciliation is billed on the next period's statement, never lost.
 */
@Injectable()
export class StatementGeneration {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async generate(actor: Actor | typeof SYSTEM, period: string): Promise<GenerationView> {
    checkPeriod(period);
    const { end } = periodWindow(period);
    const now = this.clock.now();
    if (now.getTime() < end.getTime())
      throw statementError(
        'PERIOD_NOT_ENDED',
        `period: ${period} ends at ${end.toISOString()}; statements are generated after the month ends`,
        { field: 'period', endsAt: end.toISOString() },
      );
    return this.tx.run(async (m) => {
      const before = await this.counts(m, period);
      const deadline = reconciliationDeadline(
        now,
        this.config.settlementCycle.reconciliationWorkingDays,
      );
      await this.run(m, this.insertStatements(), { period, end, now, deadline });
      await this.run(m, this.insertLines(), { period, end });
      await this.run(m, this.carryResolvedLines(), { period });
      await this.run(m, this.updateTotals(m), { period });
      const after = await this.counts(m, period);
      const result: GenerationView = {
        period,
        statementsCreated: after.statements - before.statements,
        linesAdded: after.lines - before.lines,
        statements: after.statements,
      };
      await this.audit.record(
        m,
        actor,
        'statements.generated',
        { type: 'settlement_period', id: period },
        { after: result },
      );
      return result;
    });
  }

  private scopeJoin(): string {
    return this.config.settlementCycle.scope === 'vbp'
      ? 'INNER JOIN purchase_order_lines pol ON pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL'
      : '';
  }

  private unbilled(): string {
    return `dl.decision = 'accepted' AND dl.accepted_at < :end
      AND NOT EXISTS (SELECT 1 FROM settlement_statement_lines b WHERE b.delivery_line_id = dl.id)`;
  }

  /** A statement takes new lines only while reconciling and before either side confirmed. */
  private open(alias: string): string {
    return `${alias}.status = 'reconciling' AND ${alias}.hospital_confirmed_at IS NULL
      AND ${alias}.supplier_confirmed_at IS NULL`;
  }

  private insertStatements(): string {
    return `INSERT INTO settlement_statements (hospital_id, supplier_id, period, status, amount,
        disputed_amount, line_count, generated_at, reconciliation_deadline, review_cycle,
        review_level, updated_at)
      SELECT c.hospital_id, c.supplier_id, :period, 'reconciling', 0, 0, 0, :now, :deadline, 0, 0, :now
      FROM (
        SELECT dl.hospital_id AS hospital_id, dl.supplier_id AS supplier_id
        FROM delivery_lines dl ${this.scopeJoin()}
        WHERE ${this.unbilled()}
        UNION ALL
        SELECT cl.hospital_id AS hospital_id, cl.supplier_id AS supplier_id
        FROM settlement_statement_lines cl
        INNER JOIN settlement_statements cs ON cs.id = cl.statement_id
        WHERE cl.status = 'carried' AND cs.period < :period
      ) c
      WHERE NOT EXISTS (SELECT 1 FROM settlement_statements x WHERE x.hospital_id = c.hospital_id
        AND x.supplier_id = c.supplier_id AND x.period = :period)
      GROUP BY c.hospital_id, c.supplier_id`;
  }

  private insertLines(): string {
    return `INSERT INTO settlement_statement_lines (statement_id, delivery_line_id, delivery_id,
        hospital_id, supplier_id, product_id, quantity, unit_price, amount, accepted_at, status)
      SELECT s.id, dl.id, dl.delivery_id, dl.hospital_id, dl.supplier_id, dl.product_id,
        dl.quantity, dl.unit_price, dl.amount, dl.accepted_at, 'billed'
      FROM delivery_lines dl ${this.scopeJoin()}
      INNER JOIN settlement_statements s ON s.hospital_id = dl.hospital_id
        AND s.supplier_id = dl.supplier_id AND s.period = :period AND ${this.open('s')}
      WHERE ${this.unbilled()}`;
  }

  private carryResolvedLines(): string {
    const target = `SELECT s.id FROM settlement_statements s
      WHERE s.hospital_id = settlement_statement_lines.hospital_id
        AND s.supplier_id = settlement_statement_lines.supplier_id
        AND s.period = :period AND ${this.open('s')}`;
    return `UPDATE settlement_statement_lines
      SET statement_id = (${target}), status = 'billed'
      WHERE status = 'carried'
        AND statement_id IN (SELECT cs.id FROM settlement_statements cs WHERE cs.period < :period)
        AND EXISTS (${target})`;
  }

  private updateTotals(m: EntityManager): string {
    const of = (status: string) =>
      `FROM settlement_statement_lines l WHERE l.statement_id = settlement_statements.id AND l.status = '${status}'`;
    return `UPDATE settlement_statements SET
        amount = (SELECT ${sumAmounts(m, 'l.amount')} ${of('billed')}),
        disputed_amount = (SELECT ${sumAmounts(m, 'l.amount')} ${of('disputed')}),
        line_count = (SELECT COUNT(*) ${of('billed')})
      WHERE period = :period AND ${this.open('settlement_statements')}`;
  }

  private async run(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<void> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
    await m.query(query, values);
  }

  private async counts(
    m: EntityManager,
    period: string,
  ): Promise<{ statements: number; lines: number }> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(
      `SELECT COUNT(DISTINCT s.id) AS statement_count, COUNT(l.id) AS line_count
       FROM settlement_statements s
       LEFT JOIN settlement_statement_lines l ON l.statement_id = s.id
       WHERE s.period = :period`,
      { period },
    );
    const rows: Array<{ statement_count: string | number; line_count: string | number }> =
      await m.query(query, values);
    return {
      statements: Number(rows[0]?.statement_count ?? 0),
      lines: Number(rows[0]?.line_count ?? 0),
    };
  }
}

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
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { checkPeriod, periodWindow, reconciliationDeadline } from './domain/statement-rules';
import { GenerationView } from './dto/statement.dto';
import { inWindowOf, sumAmounts, unexcepted } from './statement-membership';
import { statementError } from './statement.errors';

registerUniqueConstraint('uq_settlement_statements__hospital_id__supplier_id__period', {
  table: 'settlement_statements',
  columns: ['hospital_id', 'supplier_id', 'period'],
  code: 'SETTLEMENT.STATEMENT_STATE_CONFLICT',
  message: 'Statements of this period were generated at the same moment; run the generation again',
});

/** Statements widened per step (see widen): the ids bound in one `IN` list. */
const WIDEN_CHUNK = 1000;

/** Which hospitals a run covers: SQL over a hospital-id column, with its parameters. */
interface HospitalScope {
  where: (column: string) => string;
  params: Record<string, unknown>;
}

/**
 * §S3.1 statement generation, set-based. Membership is by acceptance window (see
 * statement-membership.ts), so generating a period is one `INSERT … SELECT … GROUP BY` over the
 * period's accepted delivery lines that opens each missing hospital × supplier statement with
 * its totals, plus small statements over the exception rows only:
 * - a line with an exception row of any status is never counted by the window pass (the
 *   statement of its window does not bill it; it is disputed, struck, or billed where it was
 *   carried), so no line is billed twice;
 * - lines awaiting placement, accepted before this period and on no later statement yet, join
 *   the pair's statement of this period (opened for them if needed) while it is open —
 *   reconciling and confirmed by neither side; otherwise they wait for a later one. They are the
 *   lines whose dispute was resolved for them (`carried`) and the lines their window's statement
 *   did not bill, outside the scope it was generated under (`excluded`, see below);
 * - exceptions recorded before their window's statement existed (only from rows converted when
 *   membership became by window) take it as their own once it is generated;
 * - under SETTLEMENT_SCOPE=all, statements of earlier months generated under `vbp` first take
 *   the wider scope (widen): the lines of their window they did not bill become `excluded`, so
 *   the placement above bills them.
 * All in one transaction: a failure anywhere leaves nothing, and a rerun finds every statement
 * it made, so generation is idempotent and retry-safe.
 *
 * `excluded` lines are the lines of a window that its statement did not take: outside the
 * settlement scope it was generated under, either when statements still copied their lines, or
 * since, when the scope was `vbp` and has become `all`. The rule that copied lines billed every
 * accepted line not yet billed onto the next statement whose scope covered it, so such a line is
 * billed here, once, as a carried line, by the first statement of its pair whose scope covers it
 * (and never while the scope leaves it out). Reporting them apart instead would leave accepted
 * lines in scope that no statement ever bills: the fund's settled amount would stay short of
 * what it owes for good. Billed on a statement, each is paid by that statement's one journal,
 * and §S4 counts it as owed until then, like any carried line.
 *
 * A fund officer generates the statements of hospitals in its region scope; the platform's own
 * runs (SYSTEM) and officers without a region cover every hospital.
 */
@Injectable()
export class StatementGeneration {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly scope: IdentityScope,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async generate(actor: Actor | typeof SYSTEM, period: string): Promise<GenerationView> {
    checkPeriod(period);
    const { start, end } = periodWindow(period);
    const now = this.clock.now();
    if (now.getTime() < end.getTime())
      throw statementError(
        'PERIOD_NOT_ENDED',
        `period: ${period} ends at ${end.toISOString()}; statements are generated after the month ends`,
        { field: 'period', endsAt: end.toISOString() },
      );
    return this.tx.run(async (m) => {
      const hospitals = this.hospitalScope(m, actor);
      const deadline = reconciliationDeadline(
        now,
        this.config.settlementCycle.reconciliationWorkingDays,
      );
      const params = {
        ...hospitals.params,
        period,
        start,
        end,
        now,
        deadline,
        scope: this.config.settlementCycle.scope,
      };
      const before = await this.counts(m, hospitals, params);
      // The exception steps only when there are such rows: a correlated probe per line or per
      // statement costs time even when nothing matches. A first generation of a month meets
      // none in its window: disputes are raised on statements that exist.
      const excepted = await this.exists(m, this.inPeriod('x'), params);
      await this.run(m, this.insertFromWindow(m, hospitals, excepted), params);
      const widened = await this.widen(m, hospitals, params);
      // Whatever scope a statement has: the cheap test whether the placement steps can match.
      if (await this.exists(m, this.awaiting('x', "'all'"), params)) {
        await this.run(m, this.insertForCarried(hospitals), params);
        await this.run(m, this.addCarried(m, hospitals), params);
        await this.run(m, this.placeCarried(hospitals), params);
      }
      if (await this.exists(m, 'x.statement_id IS NULL', params))
        await this.run(m, this.adoptHomeless(hospitals), params);
      const after = await this.counts(m, hospitals, params);
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
        {
          after: {
            ...result,
            statementsWidened: widened,
            regionCode: actor === SYSTEM ? null : actor.regionCode,
          },
        },
      );
      return result;
    });
  }

  /** The hospitals the actor's region scope covers, through IdentityScope's rule. */
  private hospitalScope(m: EntityManager, actor: Actor | typeof SYSTEM): HospitalScope {
    if (actor === SYSTEM || (actor.orgType === 'authority' && actor.regionPath === null))
      return { where: () => '1 = 1', params: {} };
    const { sql, params } = this.scope.organisationIdsQuery(actor, m, 'hospital');
    return { where: (column) => `${column} IN (${sql})`, params };
  }

  private scopeJoin(): string {
    return this.config.settlementCycle.scope === 'vbp'
      ? 'INNER JOIN purchase_order_lines pol ON pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL'
      : '';
  }

  private columns(): string {
    return `INSERT INTO settlement_statements (hospital_id, supplier_id, period, period_start,
        period_end, scope, status, amount, disputed_amount, line_count, generated_at,
        reconciliation_deadline, review_cycle, review_level, updated_at)`;
  }

  /** A statement takes carried lines only while reconciling and before either side confirmed. */
  private open(alias: string): string {
    return `${alias}.status = 'reconciling' AND ${alias}.hospital_confirmed_at IS NULL
      AND ${alias}.supplier_confirmed_at IS NULL`;
  }

  private missing(alias: string): string {
    return `NOT EXISTS (SELECT 1 FROM settlement_statements x WHERE x.hospital_id = ${alias}.hospital_id
      AND x.supplier_id = ${alias}.supplier_id AND x.period = :period)`;
  }

  /**
   * The one pass over the period's lines: each missing pair's statement with its totals. Lines
   * with an exception row are left out (`excepted`: the window holds some).
   */
  private insertFromWindow(m: EntityManager, hospitals: HospitalScope, excepted: boolean): string {
    return `${this.columns()}
      SELECT g.hospital_id, g.supplier_id, :period, :start, :end, :scope, 'reconciling', g.amount,
        0, g.line_count, :now, :deadline, 0, 0, :now
      FROM (
        SELECT dl.hospital_id AS hospital_id, dl.supplier_id AS supplier_id,
          ${sumAmounts(m, 'dl.amount')} AS amount, COUNT(*) AS line_count
        FROM delivery_lines dl ${this.scopeJoin()}
        WHERE dl.decision = 'accepted' AND dl.accepted_at >= :start AND dl.accepted_at < :end
          AND ${hospitals.where('dl.hospital_id')}${excepted ? ` AND ${unexcepted('dl')}` : ''}
        GROUP BY dl.hospital_id, dl.supplier_id
      ) g
      WHERE ${this.missing('g')}`;
  }

  /**
   * Under SETTLEMENT_SCOPE=all, the run's statements of earlier months generated under `vbp`
   * take the wider scope: the accepted lines of their window that they did not bill (outside
   * `vbp`, without an exception) are recorded as `excluded` on them, so the placement steps
   * bill each once, as a carried line, on the pair's next open statement, and the statement's
   * scope becomes `all`, which leaves what it bills unchanged. Once per statement: the work is
   * those statements and their windows' lines, and a run that finds none costs one read of the
   * statements. Each is locked and read again before it is widened, so of two runs at the same
   * moment the second finds it widened already. Answers how many statements were widened.
   */
  private async widen(
    m: EntityManager,
    hospitals: HospitalScope,
    params: Record<string, unknown>,
  ): Promise<number> {
    if (this.config.settlementCycle.scope !== 'all') return 0;
    const narrow = await this.select(
      m,
      `SELECT w.id AS id FROM settlement_statements w WHERE w.scope = 'vbp'
        AND w.period_end <= :start AND ${hospitals.where('w.hospital_id')}`,
      params,
    );
    const lock = dialectOf(m) === 'mysql' ? ' FOR UPDATE' : '';
    let widened = 0;
    for (let i = 0; i < narrow.length; i += WIDEN_CHUNK) {
      const still = await this.select(
        m,
        `SELECT id FROM settlement_statements WHERE id IN (:...ids) AND scope = 'vbp'${lock}`,
        { ids: narrow.slice(i, i + WIDEN_CHUNK) },
      );
      if (still.length === 0) continue;
      const chunk = { ...params, ids: still };
      await this.run(
        m,
        `INSERT INTO settlement_line_exceptions (delivery_line_id, statement_id,
            carried_to_statement_id, hospital_id, supplier_id, amount, status, updated_at)
          SELECT dl.id, w.id, NULL, dl.hospital_id, dl.supplier_id, dl.amount, 'excluded', :now
          FROM settlement_statements w
          INNER JOIN delivery_lines dl ON dl.hospital_id = w.hospital_id
            AND dl.supplier_id = w.supplier_id AND dl.decision = 'accepted'
            AND dl.accepted_at >= w.period_start AND dl.accepted_at < w.period_end
          WHERE w.id IN (:...ids) AND NOT EXISTS (SELECT 1 FROM purchase_order_lines pol
              WHERE pol.id = dl.order_line_id AND pol.agreement_id IS NOT NULL)
            AND ${unexcepted('dl')}`,
        chunk,
      );
      await this.run(
        m,
        `UPDATE settlement_statements SET scope = 'all', updated_at = :now WHERE id IN (:...ids)`,
        chunk,
      );
      widened += still.length;
    }
    return widened;
  }

  /** Exception `e`'s line was accepted in the period's window. */
  private inPeriod(e: string): string {
    return `EXISTS (SELECT 1 FROM delivery_lines ${e}_dl WHERE ${e}_dl.id = ${e}.delivery_line_id
      AND ${e}_dl.accepted_at >= :start AND ${e}_dl.accepted_at < :end)`;
  }

  /**
   * Exceptions without a statement of their own (only from rows converted when membership
   * became by window) take the statement of their window once it exists; the window pass did
   * not count them, so the totals stay as they are.
   */
  private adoptHomeless(hospitals: HospitalScope): string {
    const t = 'settlement_line_exceptions';
    const target = `FROM delivery_lines sdl
      INNER JOIN settlement_statements s ON s.period = :period AND ${inWindowOf('s', 'sdl')}
      WHERE sdl.id = ${t}.delivery_line_id`;
    return `UPDATE ${t} SET statement_id = (SELECT s.id ${target}), updated_at = :now
      WHERE statement_id IS NULL AND ${hospitals.where('hospital_id')}
        AND EXISTS (SELECT 1 ${target})`;
  }

  /**
   * Exception `e` awaits placement on a statement of scope `scope` (SQL): a carried line, or an
   * excluded one that the scope covers, accepted before this period, on no later statement yet.
   */
  private awaiting(e: string, scope: string): string {
    return `${e}.carried_to_statement_id IS NULL AND ${e}.status IN ('carried', 'excluded')
      AND EXISTS (SELECT 1 FROM delivery_lines ${e}_dl WHERE ${e}_dl.id = ${e}.delivery_line_id
        AND ${e}_dl.accepted_at < :start
        AND (${e}.status = 'carried' OR ${scope} = 'all' OR EXISTS (SELECT 1
          FROM purchase_order_lines ${e}_pol WHERE ${e}_pol.id = ${e}_dl.order_line_id
            AND ${e}_pol.agreement_id IS NOT NULL)))`;
  }

  private insertForCarried(hospitals: HospitalScope): string {
    return `${this.columns()}
      SELECT c.hospital_id, c.supplier_id, :period, :start, :end, :scope, 'reconciling', 0, 0, 0,
        :now, :deadline, 0, 0, :now
      FROM (
        SELECT e.hospital_id AS hospital_id, e.supplier_id AS supplier_id
        FROM settlement_line_exceptions e
        WHERE ${this.awaiting('e', ':scope')} AND ${hospitals.where('e.hospital_id')}
        GROUP BY e.hospital_id, e.supplier_id
      ) c
      WHERE ${this.missing('c')}`;
  }

  private addCarried(m: EntityManager, hospitals: HospitalScope): string {
    const t = 'settlement_statements';
    const of = `FROM settlement_line_exceptions e WHERE ${this.awaiting('e', `${t}.scope`)}
      AND e.hospital_id = ${t}.hospital_id AND e.supplier_id = ${t}.supplier_id`;
    return `UPDATE ${t} SET
        amount = ROUND(amount + (SELECT ${sumAmounts(m, 'e.amount')} ${of}), 2),
        line_count = line_count + (SELECT COUNT(*) ${of}),
        updated_at = :now
      WHERE period = :period AND ${this.open(t)} AND ${hospitals.where('hospital_id')}
        AND EXISTS (SELECT 1 ${of})`;
  }

  /** The lines addCarried counted go onto that statement; an excluded one becomes carried. */
  private placeCarried(hospitals: HospitalScope): string {
    const t = 'settlement_line_exceptions';
    const target = `FROM settlement_statements s WHERE s.hospital_id = ${t}.hospital_id
      AND s.supplier_id = ${t}.supplier_id AND s.period = :period AND ${this.open('s')}
      AND ${this.awaiting(t, 's.scope')}`;
    return `UPDATE ${t} SET carried_to_statement_id = (SELECT s.id ${target}), status = 'carried',
        updated_at = :now
      WHERE carried_to_statement_id IS NULL AND status IN ('carried', 'excluded')
        AND ${hospitals.where('hospital_id')} AND EXISTS (SELECT 1 ${target})`;
  }

  /** Whether any exception row `x` matches a condition. */
  private async exists(
    m: EntityManager,
    condition: string,
    params: Record<string, unknown>,
  ): Promise<boolean> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(
      `SELECT 1 AS found FROM settlement_line_exceptions x WHERE ${condition} LIMIT 1`,
      params,
    );
    return (await m.query<unknown[]>(query, values)).length > 0;
  }

  /** The ids a query answers, as strings. */
  private async select(
    m: EntityManager,
    sql: string,
    params: Record<string, unknown>,
  ): Promise<string[]> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
    return (await m.query<Array<{ id: string | number }>>(query, values)).map((r) => String(r.id));
  }

  private async run(m: EntityManager, sql: string, params: Record<string, unknown>): Promise<void> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(sql, params);
    await m.query(query, values);
  }

  /** Statements of the period in the run's scope and the lines they bill. */
  private async counts(
    m: EntityManager,
    hospitals: HospitalScope,
    params: Record<string, unknown>,
  ): Promise<{ statements: number; lines: number }> {
    const [query, values] = m.connection.driver.escapeQueryWithParameters(
      `SELECT COUNT(*) AS statement_count, COALESCE(SUM(s.line_count), 0) AS line_count
       FROM settlement_statements s
       WHERE s.period = :period AND ${hospitals.where('s.hospital_id')}`,
      params,
    );
    const rows: Array<{ statement_count: string | number; line_count: string | number }> =
      await m.query(query, values);
    return {
      statements: Number(rows[0]?.statement_count ?? 0),
      lines: Number(rows[0]?.line_count ?? 0),
    };
  }
}

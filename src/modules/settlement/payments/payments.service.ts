import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditChange, AuditService } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { checkIdempotencyKey } from '../ledger/domain/journal-rules';
import { LedgerService } from '../ledger/ledger.service';
import { poolingRegionCode } from '../prepayment/domain/agreement-year';
import { PrepaymentOffsets } from '../prepayment/prepayment-offsets';
import { assertAllows, statementCode } from '../statements/domain/statement-rules';
import { Statement } from '../statements/statement.entity';
import { statementError } from '../statements/statement.errors';
import { StatementQueries } from '../statements/statement-queries.service';
import { paymentFigures, paymentLines } from './domain/payment-posting';
import { PaymentQuery, PaymentView, PayStatementRequest } from './dto/payment.dto';
import { Payment } from './payment.entity';

registerUniqueConstraint('uq_settlement_payments__statement_id', {
  table: 'settlement_payments',
  columns: ['statement_id'],
  code: 'SETTLEMENT.STATEMENT_ALREADY_PAID',
  message: 'The statement was paid at the same moment by another request',
});

/** An audit entry of a bank result, for the caller to record after its ledger postings. */
export interface BankResultAudit {
  action: string;
  entity: { type: string; id: string };
  change: AuditChange;
}

export interface PaymentResult {
  payment: PaymentView;
  /** True when a retry with the first key answered with the first payment. */
  replayed: boolean;
}

function paymentView(p: Payment, s: Statement): PaymentView {
  return {
    id: p.id,
    statementId: p.statementId,
    statementCode: statementCode(s.period, s.id),
    hospitalId: s.hospitalId,
    supplierId: s.supplierId,
    amount: p.amount.toFixed(2),
    prepaymentOffset: p.prepaymentOffset.toFixed(2),
    hospitalDeducted: p.hospitalDeducted.toFixed(2),
    receivable: p.receivable.toFixed(2),
    journalId: p.journalId,
    bankReference: p.bankReference,
    status: p.status,
    paidAt: p.paidAt ? p.paidAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * §S3.4 paying an approved statement exactly once. One transaction does everything: lock the
 * statement, take the prepayment offset, read the hospital's settlement balance under the
 * ledger lock, post the one journal (see domain/payment-posting.ts for its lines), store the
 * payment, mark the statement paid. A failure anywhere rolls all of it back; a retry with the
 * same Idempotency-Key answers with the first payment, another key is a 409.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly offsets: PrepaymentOffsets,
    private readonly statements: StatementQueries,
    private readonly directory: OrganisationDirectory,
    private readonly regions: RegionTree,
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
  ) {}

  async pay(
    actor: Actor,
    statementId: string,
    idempotencyKey: string | undefined,
    body: PayStatementRequest,
  ): Promise<PaymentResult> {
    const key = checkIdempotencyKey(idempotencyKey);
    return this.tx.run(async (m) => {
      const s = await this.statements.visibleStatement(actor, statementId, m, true);
      const first = await m.getRepository(Payment).findOneBy({ statementId: s.id });
      if (first) {
        if (first.idempotencyKey !== key)
          throw statementError(
            'STATEMENT_ALREADY_PAID',
            `Statement ${s.id} was already paid (payment ${first.id}) under another Idempotency-Key`,
            { id: s.id, paymentId: first.id },
          );
        return { payment: paymentView(first, s), replayed: true };
      }
      assertAllows(s.status, 'pay', s.id);
      if (!s.amount.gt(0))
        throw statementError('NOTHING_TO_PAY', `Statement ${s.id} has no billed amount to pay`, {
          id: s.id,
          amount: s.amount.toFixed(2),
        });
      const amount = s.amount.toFixed(2);
      // The prepayment rows are the caller's rows in the ledger's lock order: before the head.
      const offset = await this.offsets.offsetFor(m, {
        hospitalId: s.hospitalId,
        statementId: s.id,
        period: s.period,
        amount,
      });
      const paid = body.bankReference !== undefined;
      const settlement = await this.ledger.account(m, {
        type: 'hospital_settlement',
        ownerId: s.hospitalId,
      });
      const receivable = await this.ledger.account(m, {
        type: 'receivable',
        ownerId: s.hospitalId,
      });
      const supplierSide = paid
        ? await this.ledger.account(m, {
            type: 'fund',
            regionCode: await this.poolingRegion(m, s.hospitalId),
          })
        : await this.ledger.account(m, { type: 'supplier_payable', ownerId: s.supplierId });
      const balance = (await this.ledger.balances(m, [settlement.id], { lock: true })).get(
        settlement.id,
      )!.balance;
      const figures = paymentFigures(amount, offset.offset, balance.toFixed(2));
      const journal = await this.ledger.post(m, actor, {
        kind: 'payment',
        memo: `Statement ${statementCode(s.period, s.id)} ${paid ? 'paid' : 'instructed'}`,
        idempotencyKey: `payment:${s.id}`,
        lines: paymentLines(figures, {
          supplierSide: supplierSide.id,
          hospitalSettlement: settlement.id,
          receivable: receivable.id,
          prepayment: offset.prepaymentAccountId,
        }),
      });
      const now = this.clock.now();
      const inserted = await m.getRepository(Payment).insert({
        statementId: s.id,
        idempotencyKey: key,
        amount: s.amount,
        prepaymentOffset: new Decimal(figures.prepaymentOffset),
        hospitalDeducted: new Decimal(figures.hospitalDeducted),
        receivable: new Decimal(figures.receivable),
        journalId: journal.id,
        bankReference: body.bankReference ?? null,
        status: paid ? 'paid' : 'instructed',
        paidAt: paid ? now : null,
        createdBy: actor.id,
        createdAt: now,
      });
      const id = String((inserted.identifiers[0] as { id: string | number }).id);
      s.status = 'paid';
      s.paidAt = now;
      s.updatedAt = now;
      await m.getRepository(Statement).save(s);
      await this.audit.record(
        m,
        actor,
        'statement.paid',
        { type: 'statement', id: s.id },
        {
          after: { paymentId: id, journalId: journal.id, ...figures },
        },
      );
      const payment = await m.getRepository(Payment).findOneByOrFail({ id });
      return { payment: paymentView(payment, s), replayed: false };
    });
  }

  /**
   * §S3.5 the bank's answer for an instructed (or earlier failed) payment, inside the caller's
   * transaction with the payment already locked. Paid: the money leaves the fund, Dr supplier
   * payable / Cr fund, once per payment (key `bank-paid:<id>`). Failed: no journal, so the
   * supplier payable stays open and the payment goes out again in the next instruction file.
   * Returns the audit entry instead of writing it: a file posts many journals, and the ledger's
   * lock order puts the audit head after the last of them, so the caller records them at the end.
   */
  async recordBankResult(
    m: EntityManager,
    actor: Actor,
    payment: Payment,
    outcome: { result: 'paid'; bankReference: string; paidAt: Date } | { result: 'failed' },
    context: { batchId: string; failureReason: string | null },
  ): Promise<BankResultAudit> {
    if (payment.status === 'paid')
      throw statementError(
        'STATEMENT_ALREADY_PAID',
        `Payment ${payment.id} is already paid with bank reference ${payment.bankReference ?? ''}`,
        { paymentId: payment.id },
      );
    const s = await m.getRepository(Statement).findOneByOrFail({ id: payment.statementId });
    let journalId: string | null = null;
    if (outcome.result === 'paid') {
      const payable = await this.ledger.account(m, {
        type: 'supplier_payable',
        ownerId: s.supplierId,
      });
      const fund = await this.ledger.account(m, {
        type: 'fund',
        regionCode: await this.poolingRegion(m, s.hospitalId),
      });
      const amount = payment.amount.toFixed(2);
      const journal = await this.ledger.post(m, actor, {
        kind: 'payment',
        memo: `Statement ${statementCode(s.period, s.id)} paid by the bank (${outcome.bankReference})`,
        idempotencyKey: `bank-paid:${payment.id}`,
        lines: [
          { accountId: payable.id, debit: amount, credit: null },
          { accountId: fund.id, debit: null, credit: amount },
        ],
      });
      journalId = journal.id;
      payment.bankReference = outcome.bankReference;
      payment.paidAt = outcome.paidAt;
    }
    const before = payment.status;
    payment.status = outcome.result;
    await m.getRepository(Payment).save(payment);
    return {
      action: `payment.${outcome.result}`,
      entity: { type: 'payment', id: payment.id },
      change: {
        before: { status: before },
        after: {
          status: payment.status,
          bankReference: payment.bankReference,
          journalId,
          ...context,
        },
      },
    };
  }

  async list(actor: Actor, query: PaymentQuery): Promise<Page<PaymentView>> {
    const qb = this.payments
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.statement', Statement, 's', 's.id = p.statementId');
    this.statements.restrict(qb, actor, 's');
    if (query.statementId) qb.andWhere('p.statementId = :sid', { sid: query.statementId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb
      .orderBy('p.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(
      rows.map((p) => paymentView(p, (p as Payment & { statement: Statement }).statement)),
      total,
      query,
    );
  }

  /**
   * The fund that pays a hospital's bills: its city's (地市级统筹, the national norm for pooling),
   * or its own region when the hospital sits at province or city level.
   */
  private async poolingRegion(m: EntityManager, hospitalId: string): Promise<string> {
    const hospital = (await this.directory.findByIds([hospitalId], m)).get(hospitalId);
    const own = hospital?.regionCode ? await this.regions.find(hospital.regionCode, m) : null;
    if (!own)
      throw statementError(
        'POOLING_REGION_MISSING',
        `Hospital ${hospitalId} has no region, so no fund pays its statements`,
        { hospitalId },
      );
    return poolingRegionCode(own.path);
  }
}

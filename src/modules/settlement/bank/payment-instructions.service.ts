import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Decimal, roundTo, SCALE } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { ExportColumn, streamXlsx, XLSX_CONTENT_TYPE } from '../../imports/excel/xlsx-export';
import { Payment } from '../payments/payment.entity';
import { statementCode } from '../statements/domain/statement-rules';
import { Statement } from '../statements/statement.entity';
import { StatementQueries } from '../statements/statement-queries.service';
import { isBusinessDate } from '../../catalog/listing-prices/domain/listing-rules';
import { page, Page, skipTake } from '../../../common/pagination';
import { BankBatch, BankBatchFile, BankBatchItem } from './bank-batch.entity';
import { bankError } from './bank.errors';
import { BatchFormat, paymentCode, toCsv } from './domain/bank-results';
import {
  BankBatchQuery,
  BankBatchSummaryView,
  BankBatchView,
  PaymentInstructionQuery,
} from './dto/bank.dto';

registerUniqueConstraint('uq_settlement_bank_batch_items__pending_payment_id', {
  table: 'settlement_bank_batch_items',
  columns: ['pending_payment_id'],
  code: 'SETTLEMENT.BANK_BATCH_CONFLICT',
  message: 'Another instruction file took one of these payments at the same moment; download again',
});

/** One line of an instruction file. */
export interface Instruction {
  paymentCode: string;
  payeeName: string;
  payeeCreditCode: string;
  payeeCode: string;
  amount: string;
  statementCode: string;
  purpose: string;
}

/**
 * The bank's columns. No payee bank account: organisations carry none yet, so the bank matches
 * the payee by its unified social credit code (统一社会信用代码) and name against the account
 * it holds on file for the supplier.
 */
const COLUMNS: readonly ExportColumn<Instruction>[] = [
  { header: '支付编号 Payment code', width: 14, value: (i) => i.paymentCode },
  { header: '收款单位 Payee', width: 34, value: (i) => i.payeeName },
  { header: '统一社会信用代码 Payee credit code', width: 22, value: (i) => i.payeeCreditCode },
  { header: '机构编码 Payee code', width: 16, value: (i) => i.payeeCode },
  { header: '金额 Amount (CNY)', width: 16, value: (i) => i.amount },
  { header: '结算单号 Statement', width: 18, value: (i) => i.statementCode },
  { header: '用途 Purpose', width: 40, value: (i) => i.purpose },
];

export interface InstructionFile {
  batch: BankBatchView;
  fileName: string;
  contentType: string;
  body: Buffer;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The start of a China business date (UTC+8) as an instant. */
const chinaMidnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

/** The business date after `date` (YYYY-MM-DD). */
const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10);

const contentTypeOf = (format: BatchFormat) =>
  format === 'xlsx' ? XLSX_CONTENT_TYPE : 'text/csv; charset=utf-8';

const sha256Of = (body: Buffer) => createHash('sha256').update(body).digest('hex');

function summary(b: BankBatch): BankBatchSummaryView {
  return {
    id: b.id,
    format: b.format,
    status: b.status,
    paymentCount: b.paymentCount,
    totalAmount: b.totalAmount.toFixed(2),
    fileSha256: b.fileSha256,
    createdBy: b.createdBy,
    createdAt: b.createdAt.toISOString(),
    closedAt: iso(b.closedAt),
    cancelledAt: iso(b.cancelledAt),
    cancelledBy: b.cancelledBy,
    cancelReason: b.cancelReason,
  };
}

/**
 * §S3.5 payment instruction files. Each download is a batch: the instructed payments of the
 * caller's scope that no open batch holds yet, fixed with the SHA-256 of the exact bytes handed
 * out, so the bank's result file can be matched to it (its template's context id is the batch
 * id). A payment sits in at most one batch awaiting the bank, so two files never pay it twice.
 */
@Injectable()
export class PaymentInstructions {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly statements: StatementQueries,
    private readonly directory: OrganisationDirectory,
    @InjectRepository(BankBatch) private readonly batches: Repository<BankBatch>,
    @InjectRepository(BankBatchItem) private readonly items: Repository<BankBatchItem>,
  ) {}

  async instruct(actor: Actor, query: PaymentInstructionQuery): Promise<InstructionFile> {
    const format = query.format ?? 'xlsx';
    const statuses = query.status ? [query.status] : ['instructed', 'failed'];
    return this.tx.run(async (m) => {
      const qb = m
        .getRepository(Payment)
        .createQueryBuilder('p')
        .innerJoinAndMapOne('p.statement', Statement, 's', 's.id = p.statementId')
        .where('p.status IN (:...statuses)', { statuses })
        .andWhere(
          `NOT EXISTS (SELECT 1 FROM settlement_bank_batch_items i WHERE i.pending_payment_id = p.id)`,
        );
      this.statements.restrict(qb, actor, 's');
      const rows = await forUpdate(qb.orderBy('p.id', 'ASC')).getMany();
      if (rows.length === 0)
        throw bankError(
          'BANK_BATCH_EMPTY',
          `No ${query.status ?? 'instructed or failed'} payment awaits an instruction file`,
          { status: query.status ?? null },
        );
      const suppliers = await this.directory.findByIds([
        ...new Set(rows.map((p) => statementOf(p).supplierId)),
      ]);
      const instructions = rows.map((p): Instruction => {
        const s = statementOf(p);
        const supplier = suppliers.get(s.supplierId);
        const code = statementCode(s.period, s.id);
        return {
          paymentCode: paymentCode(p.id),
          payeeName: supplier?.name ?? '',
          payeeCreditCode: supplier?.creditCode ?? '',
          payeeCode: supplier?.code ?? '',
          amount: p.amount.toFixed(2),
          statementCode: code,
          // 集采货款: the volume-based purchasing goods payment of that statement.
          purpose: `集采货款 ${s.period} ${code}`,
        };
      });
      const total = roundTo(
        rows.reduce((sum, p) => sum.plus(p.amount), new Decimal(0)),
        SCALE.amount,
      );
      const body = await render(format, instructions);
      const sha256 = sha256Of(body);
      const now = this.clock.now();
      const inserted = await m.getRepository(BankBatch).insert({
        organisationId: actor.orgId,
        format,
        status: 'open',
        paymentCount: rows.length,
        totalAmount: new Decimal(total),
        fileSha256: sha256,
        createdBy: actor.id,
        createdAt: now,
        closedAt: null,
        cancelledAt: null,
        cancelledBy: null,
        cancelReason: null,
      });
      const batchId = String((inserted.identifiers[0] as { id: string | number }).id);
      // The bytes are kept with the batch: an xlsx is not reproducible byte for byte (the writer
      // stamps times into it), and a re-download must be the very file the bank was given.
      await m.getRepository(BankBatchFile).insert({ batchId, body });
      await m.getRepository(BankBatchItem).insert(
        rows.map((p) => ({
          batchId,
          paymentId: p.id,
          pendingPaymentId: p.id,
          amount: p.amount,
          result: 'pending' as const,
          bankReference: null,
          paidDate: null,
          failureReason: null,
          importId: null,
          resolvedAt: null,
        })),
      );
      await this.audit.record(
        m,
        actor,
        'bank_batch.created',
        { type: 'bank_batch', id: batchId },
        { after: { format, paymentCount: rows.length, totalAmount: total, fileSha256: sha256 } },
      );
      return {
        batch: await this.view(
          m,
          await m.getRepository(BankBatch).findOneByOrFail({ id: batchId }),
        ),
        fileName: `payment-instructions-${batchId}.${format}`,
        contentType: contentTypeOf(format),
        body,
      };
    });
  }

  async detail(actor: Actor, id: string): Promise<BankBatchView> {
    return this.view(undefined, await this.visible(actor, id));
  }

  /** The batches of the caller's organisation, by status and China business date of creation. */
  async list(actor: Actor, query: BankBatchQuery): Promise<Page<BankBatchSummaryView>> {
    for (const field of ['from', 'to'] as const) {
      const value = query[field];
      if (value !== undefined && !isBusinessDate(value))
        throw bankError(
          'BANK_BATCH_QUERY_INVALID',
          `${field}: must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`,
          { field },
        );
    }
    if (query.from && query.to && query.from > query.to)
      throw bankError('BANK_BATCH_QUERY_INVALID', `to: ${query.to} is before from ${query.from}`, {
        field: 'to',
      });
    const qb = this.batches
      .createQueryBuilder('b')
      .where('b.organisationId = :org', { org: actor.orgId });
    if (query.status) qb.andWhere('b.status = :status', { status: query.status });
    if (query.from) qb.andWhere('b.createdAt >= :from', { from: chinaMidnight(query.from) });
    if (query.to) qb.andWhere('b.createdAt < :to', { to: chinaMidnight(nextDay(query.to)) });
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('b.createdAt', direction).addOrderBy('b.id', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(rows.map(summary), total, query);
  }

  /**
   * The batch's instruction file again, byte for byte as first handed out, checked against the
   * recorded SHA-256. A cancelled batch's file is not handed out: the bank must not pay it.
   */
  async file(actor: Actor, id: string): Promise<InstructionFile> {
    return this.tx.run(async (m) => {
      const batch = await this.visible(actor, id, m);
      if (batch.status === 'cancelled')
        throw bankError(
          'BANK_BATCH_CANCELLED',
          `Bank batch ${id} was cancelled on ${iso(batch.cancelledAt) ?? '?'}; its file is not handed out again`,
          { id },
        );
      const kept = await m.getRepository(BankBatchFile).findOneBy({ batchId: batch.id });
      const body = kept ? Buffer.from(kept.body) : null;
      if (!body || sha256Of(body) !== batch.fileSha256)
        throw bankError(
          'BANK_BATCH_FILE_UNAVAILABLE',
          body
            ? `Bank batch ${id}: the kept file no longer matches its SHA-256 ${batch.fileSha256}; it is not handed out`
            : `Bank batch ${id} was made before instruction files were kept; its file cannot be handed out again`,
          { id, fileSha256: batch.fileSha256 },
        );
      await this.audit.record(
        m,
        actor,
        'bank_batch.downloaded_again',
        { type: 'bank_batch', id: batch.id },
        { after: { fileSha256: batch.fileSha256, bytes: body.length } },
      );
      return {
        batch: await this.view(m, batch),
        fileName: `payment-instructions-${batch.id}.${batch.format}`,
        contentType: contentTypeOf(batch.format),
        body,
      };
    });
  }

  /**
   * Withdraws a batch the bank has not answered at all: its payments leave it and go in the next
   * instruction file; no result file can answer it afterwards. Cancelling again answers the same.
   */
  async cancel(actor: Actor, id: string, reason: string): Promise<BankBatchView> {
    const why = reason.trim();
    if (!why)
      throw bankError(
        'BANK_BATCH_CANCEL_REASON_REQUIRED',
        'reason: say why the batch is cancelled',
        {
          field: 'reason',
        },
      );
    return this.tx.run(async (m) => {
      // The batch row first, as result files lock it: a cancel and an import take turns.
      const batch = await this.visible(actor, id, m, true);
      if (batch.status === 'cancelled') return this.view(m, batch);
      const answered = await m
        .getRepository(BankBatchItem)
        .createQueryBuilder('i')
        .where('i.batchId = :id', { id: batch.id })
        .andWhere("i.result <> 'pending'")
        .getCount();
      if (answered > 0)
        throw bankError(
          'BANK_BATCH_HAS_RESULTS',
          `Bank batch ${id}: the bank has answered ${answered} of its ${batch.paymentCount} payment(s); it can no longer be cancelled`,
          { id, answered },
        );
      const now = this.clock.now();
      await m
        .getRepository(BankBatchItem)
        .update(
          { batchId: batch.id, result: 'pending' },
          { pendingPaymentId: null, result: 'cancelled', resolvedAt: now },
        );
      batch.status = 'cancelled';
      batch.cancelledAt = now;
      batch.cancelledBy = actor.id;
      batch.cancelReason = why.slice(0, 500);
      await m.getRepository(BankBatch).update(
        { id: batch.id },
        {
          status: 'cancelled',
          cancelledAt: now,
          cancelledBy: actor.id,
          cancelReason: batch.cancelReason,
        },
      );
      await this.audit.record(
        m,
        actor,
        'bank_batch.cancelled',
        { type: 'bank_batch', id: batch.id },
        {
          before: { status: 'open' },
          after: { status: 'cancelled', reason: batch.cancelReason, payments: batch.paymentCount },
        },
      );
      return this.view(m, batch);
    });
  }

  /** A batch of the caller's organisation, else 404. */
  async visible(actor: Actor, id: string, m?: EntityManager, lock = false): Promise<BankBatch> {
    const repo = m ? m.getRepository(BankBatch) : this.batches;
    const qb = repo
      .createQueryBuilder('b')
      .where('b.id = :id', { id })
      .andWhere('b.organisationId = :org', { org: actor.orgId });
    const found = /^\d{1,18}$/.test(id) ? await (lock ? forUpdate(qb) : qb).getOne() : null;
    if (!found) throw bankError('BANK_BATCH_NOT_FOUND', `Bank batch ${id} not found`, { id });
    return found;
  }

  private async view(m: EntityManager | undefined, b: BankBatch): Promise<BankBatchView> {
    const repo = m ? m.getRepository(BankBatchItem) : this.items;
    const items = await repo.find({ where: { batchId: b.id }, order: { paymentId: 'ASC' } });
    return {
      ...summary(b),
      items: items.map((i) => ({
        paymentId: i.paymentId,
        paymentCode: paymentCode(i.paymentId),
        amount: i.amount.toFixed(2),
        result: i.result,
        bankReference: i.bankReference,
        paidDate: i.paidDate,
        failureReason: i.failureReason,
        importId: i.importId,
      })),
    };
  }
}

function statementOf(p: Payment): Statement {
  return (p as Payment & { statement: Statement }).statement;
}

/**
 * The file's bytes. The batch records their hash, so the file is built whole before it is
 * answered; the xlsx goes through the shared export writer (formula-safe cells) into memory.
 */
async function render(format: BatchFormat, rows: Instruction[]): Promise<Buffer> {
  if (format === 'csv')
    return Buffer.from(
      toCsv(
        COLUMNS.map((c) => c.header),
        rows.map((r) => COLUMNS.map((c) => String(c.value(r)))),
      ),
      'utf8',
    );
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(sink, 'end');
  // The writer speaks to an HTTP response; headers are set on the real one by the controller.
  const target = Object.assign(sink, { status: () => target, setHeader: () => target });
  await streamXlsx(target as unknown as Response, 'batch.xlsx', '支付指令 Instructions', COLUMNS, [
    rows,
  ]);
  if (!sink.writableEnded) sink.end();
  await ended;
  return Buffer.concat(chunks);
}

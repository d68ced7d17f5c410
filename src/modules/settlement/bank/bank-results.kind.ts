import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor, hasRole } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { forUpdate } from '../../../database/dialect';
import { AuditService } from '../../audit/audit.service';
import { chinaDate } from '../../catalog/listing-prices/domain/listing-rules';
import {
  CellValue,
  ImportContext,
  ImportKind,
  NumberedRow,
  ParsedRow,
  RowProblem,
} from '../../imports/import-kind';
import { importsError } from '../../imports/imports.errors';
import { Payment } from '../payments/payment.entity';
import { BankResultAudit, PaymentsService } from '../payments/payments.service';
import { BankBatch, BankBatchItem } from './bank-batch.entity';
import { bankError } from './bank.errors';
import {
  BANK_RESULT_COLUMNS,
  bankResultAction,
  BankResultRow,
  parseBankResultRow,
} from './domain/bank-results';
import { PaymentInstructions } from './payment-instructions.service';

interface PendingRun {
  audits: BankResultAudit[];
  paid: number;
  failed: number;
  unchanged: number;
}

/**
 * §S3.5 the bank's result file for one instruction batch (context id = batch id): one row per
 * payment, paid with the bank reference and value date, or failed with the bank's reason. All
 * rows or none: paid payments post Dr supplier payable / Cr fund; failed ones keep the payable
 * open and go out again in the next instruction file. A row the batch already has the same
 * answer for is a no-op, so a corrected file may repeat earlier rows.
 */
@Injectable()
export class BankResultsImportKind implements ImportKind<BankResultRow> {
  readonly kind = 'settlement.bank-results';
  readonly version = 1;
  readonly title = '银行回盘 Bank payment results';
  readonly sheetName = '回盘 Results';
  readonly columns = BANK_RESULT_COLUMNS;
  readonly exampleRows: readonly Record<string, CellValue>[] = [
    {
      paymentCode: 'ZF00000042',
      result: 'paid',
      bankReference: 'BOC20270703000017',
      paidDate: '2027-07-03',
      failureReason: null,
    },
    {
      paymentCode: 'ZF00000043',
      result: 'failed',
      bankReference: null,
      paidDate: null,
      failureReason: '收款账户名称不符 Payee name does not match the account',
    },
  ];

  /** Per run: the audit entries written by `finish`, after the run's last ledger posting. */
  private readonly pending = new WeakMap<ImportContext, PendingRun>();

  constructor(
    private readonly instructions: PaymentInstructions,
    private readonly payments: PaymentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectRepository(BankBatchItem) private readonly items: Repository<BankBatchItem>,
  ) {}

  allowed(actor: Actor): boolean {
    return actor.kind === 'user' && hasRole(actor, 'fund_officer');
  }

  async checkContext(actor: Actor, contextId: string): Promise<void> {
    if (!contextId)
      throw importsError(
        'CONTEXT_INVALID',
        'contextId: a result file answers one instruction batch; pass the batch id as ?contextId=',
        { field: 'contextId' },
      );
    notCancelled(await this.instructions.visible(actor, contextId));
  }

  parseRow(cells: Record<string, CellValue>): ParsedRow<BankResultRow> {
    return parseBankResultRow(cells);
  }

  async checkBatch(
    rows: NumberedRow<BankResultRow>[],
    ctx: ImportContext,
    seen: Map<string, unknown>,
  ): Promise<Map<number, RowProblem[]>> {
    const batch = notCancelled(await this.instructions.visible(ctx.actor, ctx.contextId));
    const items = await this.itemsOf(undefined, batch.id, rows);
    const dates = this.dates(batch);
    const problems = new Map<number, RowProblem[]>();
    const add = (row: number, problem: RowProblem) =>
      problems.set(row, [...(problems.get(row) ?? []), problem]);
    for (const { rowNumber, value } of rows) {
      const first = seen.get(value.paymentId) as number | undefined;
      if (first !== undefined) {
        add(rowNumber, {
          column: 'paymentCode',
          message: `payment ${value.paymentCode} is already answered in row ${String(first)}`,
        });
        continue;
      }
      seen.set(value.paymentId, rowNumber);
      const item = items.get(value.paymentId);
      if (!item) {
        add(rowNumber, {
          column: 'paymentCode',
          message: `payment ${value.paymentCode} is not in instruction batch ${batch.id}`,
        });
        continue;
      }
      const action = bankResultAction(item, value, dates);
      if ('problem' in action) add(rowNumber, action.problem);
    }
    return problems;
  }

  async writeBatch(
    manager: EntityManager,
    rows: NumberedRow<BankResultRow>[],
    ctx: ImportContext,
  ): Promise<void> {
    // The batch row first: result files of one batch apply one after the other.
    // Cancelled since the file was checked: nothing of it is written.
    const batch = notCancelled(
      await this.instructions.visible(ctx.actor, ctx.contextId, manager, true),
    );
    const items = await this.itemsOf(manager, batch.id, rows);
    const ids = [...items.values()].map((i) => i.paymentId);
    const locked = ids.length
      ? await forUpdate(
          manager
            .getRepository(Payment)
            .createQueryBuilder('p')
            .where('p.id IN (:...ids)', { ids }),
        ).getMany()
      : [];
    const payments = new Map(locked.map((p) => [p.id, p]));
    const run = this.pending.get(ctx) ?? { audits: [], paid: 0, failed: 0, unchanged: 0 };
    this.pending.set(ctx, run);
    const dates = this.dates(batch);
    const now = this.clock.now();
    for (const { rowNumber, value } of rows) {
      const item = items.get(value.paymentId);
      const payment = payments.get(value.paymentId);
      const action = item ? bankResultAction(item, value, dates) : null;
      // Validation passed, so only a change since then (another file of the batch) ends here.
      if (!item || !payment || !action || 'problem' in action)
        throw bankError(
          'BANK_RESULT_STALE',
          `Row ${rowNumber}: ${action && 'problem' in action ? action.problem.message : `payment ${value.paymentCode} is not in batch ${batch.id}`}`,
          { row: rowNumber, paymentId: value.paymentId },
        );
      if (action.action === 'noop') {
        run.unchanged++;
        continue;
      }
      const audit =
        value.result === 'paid'
          ? await this.payments.recordBankResult(
              manager,
              ctx.actor,
              payment,
              {
                result: 'paid',
                bankReference: value.bankReference,
                // The value date at the start of the business day (UTC+8).
                paidAt: new Date(`${value.paidDate}T00:00:00+08:00`),
              },
              { batchId: batch.id, failureReason: null },
            )
          : await this.payments.recordBankResult(
              manager,
              ctx.actor,
              payment,
              { result: 'failed' },
              { batchId: batch.id, failureReason: value.failureReason },
            );
      run.audits.push(audit);
      if (value.result === 'paid') run.paid++;
      else run.failed++;
      await manager.getRepository(BankBatchItem).update(
        { id: item.id },
        {
          pendingPaymentId: null,
          result: value.result,
          bankReference: value.result === 'paid' ? value.bankReference : null,
          paidDate: value.result === 'paid' ? value.paidDate : null,
          failureReason: value.result === 'failed' ? value.failureReason : null,
          importId: ctx.importId,
          resolvedAt: now,
        },
      );
    }
  }

  async finish(manager: EntityManager, ctx: ImportContext): Promise<void> {
    const run = this.pending.get(ctx) ?? { audits: [], paid: 0, failed: 0, unchanged: 0 };
    this.pending.delete(ctx);
    const batch = await this.instructions.visible(ctx.actor, ctx.contextId, manager, true);
    const open = await manager
      .getRepository(BankBatchItem)
      .countBy({ batchId: batch.id, result: 'pending' });
    if (open === 0 && batch.status === 'open')
      await manager
        .getRepository(BankBatch)
        .update({ id: batch.id }, { status: 'closed', closedAt: this.clock.now() });
    for (const a of run.audits)
      await this.audit.record(manager, ctx.actor, a.action, a.entity, a.change);
    await this.audit.record(
      manager,
      ctx.actor,
      'bank_batch.results_imported',
      { type: 'bank_batch', id: batch.id },
      {
        after: {
          importId: ctx.importId,
          paid: run.paid,
          failed: run.failed,
          unchanged: run.unchanged,
          awaiting: open,
        },
      },
    );
  }

  private dates(batch: BankBatch): { today: string; batchDate: string } {
    return { today: chinaDate(this.clock.now()), batchDate: chinaDate(batch.createdAt) };
  }

  private async itemsOf(
    m: EntityManager | undefined,
    batchId: string,
    rows: NumberedRow<BankResultRow>[],
  ): Promise<Map<string, BankBatchItem>> {
    const repo = m ? m.getRepository(BankBatchItem) : this.items;
    const found = await repo.findBy({
      batchId,
      paymentId: In([...new Set(rows.map((r) => r.value.paymentId))]),
    });
    return new Map(found.map((i) => [i.paymentId, i]));
  }
}

/** A cancelled batch was withdrawn before the bank answered: no result file may answer it. */
function notCancelled(batch: BankBatch): BankBatch {
  if (batch.status === 'cancelled')
    throw bankError(
      'BANK_BATCH_CANCELLED',
      `contextId: bank batch ${batch.id} was cancelled; its payments go out in a new instruction file, whose results answer them`,
      { field: 'contextId', id: batch.id },
    );
  return batch;
}

import { Injectable } from '@nestjs/common';
import { EntityManager, In, InsertResult } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { settlementError } from '../settlement.errors';
import { LedgerAccount, LedgerBalance } from './account.entity';
import {
  AccountSpec,
  CheckedAccountSpec,
  checkAccountSpec,
  defaultAccountName,
  NormalSide,
} from './domain/account-rules';
import {
  balanceOf,
  checkIdempotencyKey,
  checkJournal,
  checkMemo,
  JOURNAL_KINDS,
  JournalKind,
  journalCode,
  JournalLineAmounts,
  LineInput,
  MAX_IDEMPOTENCY_KEY,
  reversalOf,
  sameJournalContent,
} from './domain/journal-rules';
import { JournalView, PostJournalRequest, ReverseJournalRequest } from './dto/ledger.dto';
import { Journal, JournalLine, LedgerHead } from './journal.entity';
import { isId, LedgerQueries } from './ledger-queries.service';

registerUniqueConstraint('uq_ledger_journals__idempotency_key', {
  table: 'ledger_journals',
  columns: ['idempotency_key'],
  code: 'SETTLEMENT.IDEMPOTENCY_KEY_REUSED',
  message: 'Another journal was posted with this idempotency key at the same moment',
});
registerUniqueConstraint('uq_ledger_journals__reverses_journal_id', {
  table: 'ledger_journals',
  columns: ['reverses_journal_id'],
  code: 'SETTLEMENT.JOURNAL_ALREADY_REVERSED',
  message: 'The journal was reversed at the same moment by another request',
});

/** Who posts: a person (manual adjustments, approvals) or the system (jobs). */
export type LedgerActor = Actor | typeof SYSTEM;

/** A journal as another service asks for it: `post(m, actor, { kind, memo, lines })`. */
export interface JournalDraft {
  kind: Exclude<JournalKind, 'reversal'>;
  memo: string;
  /**
   * Makes the posting exactly-once: a retry with the same key and content returns the first
   * journal; other content under the key is a 409. Keys share one namespace across the
   * platform, so callers prefix them with their use case (`payment:<statement>:<key>`).
   */
  idempotencyKey?: string | null;
  lines: LineInput[];
}

export interface PostedLine {
  lineNo: number;
  accountId: string;
  debit: Decimal;
  credit: Decimal;
}

export interface PostedJournal {
  id: string;
  code: string;
  kind: JournalKind;
  memo: string;
  reversesJournalId: string | null;
  postedAt: Date;
  postedBy: string | null;
  lines: PostedLine[];
  /** Σ debits = Σ credits. */
  total: Decimal;
  /** True when an idempotent retry answered with the journal first posted under its key. */
  replayed: boolean;
}

export interface AccountBalance {
  accountId: string;
  normalSide: NormalSide;
  debitTotal: Decimal;
  creditTotal: Decimal;
  /** On the account's normal side. */
  balance: Decimal;
}

interface Entry {
  kind: JournalKind;
  memo: string;
  idempotencyKey: string | null;
  reversesJournalId: string | null;
  lines: JournalLineAmounts[];
}

function insertedId(result: InsertResult): string {
  const id = (result.identifiers[0] as { id?: string | number } | undefined)?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return String(id);
}

/**
 * §S1 the double-entry ledger: accounts, balanced append-only journals, reversals and cached
 * balances. `account`, `post`, `reverse` and `balances` run inside the caller's transaction, so
 * a statement payment and its journal commit together or not at all.
 *
 * Lock order, the same in every path so MySQL never deadlocks on the ledger: the caller's own
 * rows → the ledger head (one row; it numbers journals and serialises postings) → the balance
 * rows in account-id order → the audit head. Call these methods before `AuditService.record`
 * in the same transaction: the audit head taken first would invert the order.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly directory: OrganisationDirectory,
    private readonly regions: RegionTree,
    private readonly queries: LedgerQueries,
  ) {}

  /**
   * The account for a purpose, opened on first use: `account(m, { type: 'supplier_payable',
   * ownerId })`. Idempotent; two transactions opening the same account at once meet on the
   * ledger head and the second finds the first's account (the unique code is the backstop).
   */
  async account(m: EntityManager, spec: AccountSpec): Promise<LedgerAccount> {
    const checked = checkAccountSpec(spec);
    const repo = m.getRepository(LedgerAccount);
    const existing = await repo.findOneBy({ code: checked.code });
    if (existing) return existing;
    const name = checked.name ?? defaultAccountName(checked.type, await this.ownerName(m, checked));
    await this.lockHead(m);
    // A locking read sees what committed while we waited; a plain read may use an older snapshot.
    const opened = await forUpdate(
      repo.createQueryBuilder('a').where('a.code = :code', { code: checked.code }),
    ).getOne();
    if (opened) return opened;
    const now = this.clock.now();
    const id = insertedId(
      await repo.insert({
        code: checked.code,
        type: checked.type,
        normalSide: checked.normalSide,
        ownerId: checked.ownerId,
        regionCode: checked.regionCode,
        name,
        createdAt: now,
      }),
    );
    await m.getRepository(LedgerBalance).insert({
      accountId: id,
      debitTotal: new Decimal(0),
      creditTotal: new Decimal(0),
      updatedAt: now,
    });
    const account = await repo.findOneByOrFail({ id });
    await this.audit.record(
      m,
      SYSTEM,
      'ledger_account.opened',
      { type: 'ledger_account', id },
      {
        after: {
          code: account.code,
          type: account.type,
          normalSide: account.normalSide,
          ownerId: account.ownerId,
          regionCode: account.regionCode,
          name: account.name,
        },
      },
    );
    return account;
  }

  /**
   * Posts a balanced journal and moves the cached balances with it. With an idempotency key
   * already used, answers with the first journal if the content is the same (`replayed`), else
   * 409 IDEMPOTENCY_KEY_REUSED.
   */
  async post(m: EntityManager, actor: LedgerActor, draft: JournalDraft): Promise<PostedJournal> {
    // Callers in plain JavaScript paths (job payloads) can hand over any string.
    const kind: string = draft.kind;
    if (!(JOURNAL_KINDS as readonly string[]).includes(kind) || kind === 'reversal')
      throw settlementError(
        'JOURNAL_KIND_INVALID',
        `kind: must be one of ${JOURNAL_KINDS.filter((k) => k !== 'reversal').join(', ')}, ` +
          `got "${kind}" (a reversal is posted by reversing a journal)`,
        { field: 'kind' },
      );
    const memo = checkMemo(draft.memo);
    const key = draft.idempotencyKey ?? null;
    if (key !== null && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY))
      throw settlementError(
        'IDEMPOTENCY_KEY_INVALID',
        `idempotencyKey: must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`,
        { field: 'idempotencyKey' },
      );
    const { lines } = checkJournal(draft.lines);
    await this.lockHead(m);
    await this.assertAccountsExist(m, lines);
    if (key !== null) {
      const first = await forUpdate(
        m.getRepository(Journal).createQueryBuilder('j').where('j.idempotencyKey = :key', { key }),
      ).getOne();
      if (first) return this.replay(m, first, { kind: draft.kind, memo, lines });
    }
    return this.append(m, actor, {
      kind: draft.kind,
      memo,
      idempotencyKey: key,
      reversesJournalId: null,
      lines,
    });
  }

  /**
   * Posts the journal that undoes `journalId`: the same lines with debits and credits swapped.
   * A journal is reversed at most once, and a reversal is not itself reversed (post a new
   * journal instead).
   */
  async reverse(
    m: EntityManager,
    actor: LedgerActor,
    journalId: string,
    memo: string,
  ): Promise<PostedJournal> {
    const text = checkMemo(memo);
    await this.lockHead(m);
    const journals = m.getRepository(Journal);
    const original = isId(journalId)
      ? await forUpdate(
          journals.createQueryBuilder('j').where('j.id = :id', { id: journalId }),
        ).getOne()
      : null;
    if (!original)
      throw settlementError('JOURNAL_NOT_FOUND', `Journal ${journalId} not found`, {
        id: journalId,
      });
    if (original.reversesJournalId !== null)
      throw settlementError(
        'JOURNAL_IS_REVERSAL',
        `Journal ${original.code} reverses another journal; correct it with a new journal`,
        { id: original.id, reversesJournalId: original.reversesJournalId },
      );
    const reversal = await forUpdate(
      journals.createQueryBuilder('j').where('j.reversesJournalId = :id', { id: original.id }),
    ).getOne();
    if (reversal)
      throw settlementError(
        'JOURNAL_ALREADY_REVERSED',
        `Journal ${original.code} was already reversed by ${reversal.code}`,
        { id: original.id, reversalId: reversal.id, reversalCode: reversal.code },
      );
    const lines = await this.linesOf(m, original.id);
    return this.append(m, actor, {
      kind: 'reversal',
      memo: text,
      idempotencyKey: null,
      reversesJournalId: original.id,
      lines: reversalOf(lines),
    });
  }

  /**
   * Cached balances of accounts. With `lock`, for a decision on a balance inside a transaction
   * (does the hospital's settlement account cover a payment?): takes the ledger head first, as
   * a posting does, then the balance rows.
   */
  async balances(
    m: EntityManager,
    accountIds: string[],
    opts: { lock?: boolean } = {},
  ): Promise<Map<string, AccountBalance>> {
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return new Map();
    if (opts.lock) await this.lockHead(m);
    const qb = m
      .getRepository(LedgerBalance)
      .createQueryBuilder('b')
      .where('b.accountId IN (:...ids)', { ids })
      .orderBy('b.accountId', 'ASC');
    const rows = await (opts.lock ? forUpdate(qb) : qb).getMany();
    const accounts = await m.getRepository(LedgerAccount).findBy({ id: In(ids) });
    const sides = new Map(accounts.map((a) => [a.id, a.normalSide]));
    return new Map(
      rows.map((b) => {
        const normalSide = sides.get(b.accountId)!;
        return [
          b.accountId,
          {
            accountId: b.accountId,
            normalSide,
            debitTotal: b.debitTotal,
            creditTotal: b.creditTotal,
            balance: balanceOf(normalSide, b.debitTotal, b.creditTotal),
          },
        ];
      }),
    );
  }

  /** POST /settlement/journals: a fund officer's adjustment, lines by account code. */
  async postAdjustment(
    actor: Actor,
    idempotencyKey: string | undefined,
    body: PostJournalRequest,
  ): Promise<JournalView> {
    const key = checkIdempotencyKey(idempotencyKey);
    const accounts = await this.queries.visibleAccountsByCode(
      actor,
      body.lines.map((l) => l.accountCode),
    );
    const lines = body.lines.map((l, i): LineInput => {
      const account = accounts.get(l.accountCode);
      if (!account)
        throw settlementError(
          'JOURNAL_ACCOUNT_UNKNOWN',
          `lines[${i}].accountCode: no account ${l.accountCode}`,
          { field: `lines[${i}].accountCode`, accountCode: l.accountCode },
        );
      return { accountId: account.id, debit: l.debit ?? null, credit: l.credit ?? null };
    });
    const posted = await this.tx.run((m) =>
      this.post(m, actor, {
        kind: 'adjustment',
        memo: body.memo,
        // Namespaced: a client's key can never collide with a key the system posts under.
        idempotencyKey: `adjustment:${key}`,
        lines,
      }),
    );
    return this.queries.journalView(posted.id);
  }

  /** POST /settlement/journals/:id/reverse, for a journal the officer may see. */
  async reverseJournal(
    actor: Actor,
    journalId: string,
    body: ReverseJournalRequest,
  ): Promise<JournalView> {
    const journal = await this.queries.visibleJournal(actor, journalId);
    // Payments, prepayments and receivables have records of their own beside the ledger; undoing
    // only their journal would leave those records claiming what the ledger no longer says.
    // (A reversal itself is refused by reverse() with its own code.)
    if (journal.kind !== 'adjustment' && journal.kind !== 'reversal')
      throw settlementError(
        'JOURNAL_NOT_REVERSIBLE',
        `Journal ${journal.code} is a ${journal.kind} journal: only adjustment journals are reversed by hand; correct a ${journal.kind} through its own use case`,
        { kind: journal.kind },
      );
    const reversal = await this.tx.run((m) => this.reverse(m, actor, journal.id, body.memo));
    return this.queries.journalView(reversal.id);
  }

  private async append(m: EntityManager, actor: LedgerActor, entry: Entry): Promise<PostedJournal> {
    const head = await this.lockHead(m);
    const no = BigInt(head.lastJournalNo) + 1n;
    await m.getRepository(LedgerHead).update({ id: 1 }, { lastJournalNo: no.toString() });
    const postedAt = this.clock.now();
    const postedBy = actor !== SYSTEM && actor.kind === 'user' ? actor.id : null;
    const code = journalCode(postedAt, no);
    const id = insertedId(
      await m.getRepository(Journal).insert({
        code,
        kind: entry.kind,
        memo: entry.memo,
        idempotencyKey: entry.idempotencyKey,
        reversesJournalId: entry.reversesJournalId,
        postedAt,
        postedBy,
      }),
    );
    const lines: PostedLine[] = entry.lines.map((l, i) => ({
      lineNo: i + 1,
      accountId: l.accountId,
      debit: l.debit,
      credit: l.credit,
    }));
    await m
      .createQueryBuilder()
      .insert()
      .into(JournalLine)
      .values(lines.map((l) => ({ ...l, journalId: id })))
      .execute();
    await this.moveBalances(m, lines, postedAt);
    const total = lines.reduce((sum, l) => sum.plus(l.debit), new Decimal(0));
    await this.audit.record(
      m,
      actor,
      entry.kind === 'reversal' ? 'journal.reversal_posted' : 'journal.posted',
      { type: 'journal', id },
      {
        after: {
          code,
          kind: entry.kind,
          memo: entry.memo,
          reversesJournalId: entry.reversesJournalId,
          total: total.toFixed(2),
          lines: lines.map((l) => ({
            accountId: l.accountId,
            debit: l.debit.toFixed(2),
            credit: l.credit.toFixed(2),
          })),
        },
      },
    );
    return {
      id,
      code,
      kind: entry.kind,
      memo: entry.memo,
      reversesJournalId: entry.reversesJournalId,
      postedAt,
      postedBy,
      lines,
      total,
      replayed: false,
    };
  }

  /** Adds a journal's lines to the cached totals, locking the rows in account-id order. */
  private async moveBalances(m: EntityManager, lines: PostedLine[], now: Date): Promise<void> {
    const moves = new Map<string, { debit: Decimal; credit: Decimal }>();
    for (const l of lines) {
      const move = moves.get(l.accountId) ?? { debit: new Decimal(0), credit: new Decimal(0) };
      moves.set(l.accountId, {
        debit: move.debit.plus(l.debit),
        credit: move.credit.plus(l.credit),
      });
    }
    const repo = m.getRepository(LedgerBalance);
    const rows = await forUpdate(
      repo
        .createQueryBuilder('b')
        .where('b.accountId IN (:...ids)', { ids: [...moves.keys()] })
        .orderBy('b.accountId', 'ASC'),
    ).getMany();
    if (rows.length !== moves.size)
      throw new Error(`ledger_balances rows missing for accounts ${[...moves.keys()].join(', ')}`);
    for (const row of rows) {
      const move = moves.get(row.accountId)!;
      await repo.update(
        { accountId: row.accountId },
        {
          debitTotal: row.debitTotal.plus(move.debit),
          creditTotal: row.creditTotal.plus(move.credit),
          updatedAt: now,
        },
      );
    }
  }

  private async replay(
    m: EntityManager,
    first: Journal,
    content: { kind: JournalKind; memo: string; lines: JournalLineAmounts[] },
  ): Promise<PostedJournal> {
    const lines = await this.linesOf(m, first.id);
    if (
      !sameJournalContent(
        { ...content, reversesJournalId: null },
        { kind: first.kind, memo: first.memo, reversesJournalId: first.reversesJournalId, lines },
      )
    )
      throw settlementError(
        'IDEMPOTENCY_KEY_REUSED',
        `idempotencyKey: already used for journal ${first.code} with different content`,
        { field: 'idempotencyKey', journalId: first.id, journalCode: first.code },
      );
    return {
      id: first.id,
      code: first.code,
      kind: first.kind,
      memo: first.memo,
      reversesJournalId: first.reversesJournalId,
      postedAt: first.postedAt,
      postedBy: first.postedBy,
      lines: lines.map((l) => ({
        lineNo: l.lineNo,
        accountId: l.accountId,
        debit: l.debit,
        credit: l.credit,
      })),
      total: lines.reduce((sum, l) => sum.plus(l.debit), new Decimal(0)),
      replayed: true,
    };
  }

  /**
   * Reads under the ledger head use locking reads: on MySQL a plain read inside the caller's
   * transaction may see a snapshot older than the journal or account another posting has just
   * committed; a locking read sees the latest committed rows.
   */
  private linesOf(m: EntityManager, journalId: string): Promise<JournalLine[]> {
    return forUpdate(
      m
        .getRepository(JournalLine)
        .createQueryBuilder('l')
        .where('l.journalId = :journalId', { journalId })
        .orderBy('l.lineNo', 'ASC'),
    ).getMany();
  }

  private async assertAccountsExist(m: EntityManager, lines: JournalLineAmounts[]): Promise<void> {
    const ids = [...new Set(lines.map((l) => l.accountId).filter(isId))];
    const found = new Set(
      ids.length === 0
        ? []
        : (
            await forUpdate(
              m
                .getRepository(LedgerAccount)
                .createQueryBuilder('a')
                .where('a.id IN (:...ids)', { ids })
                .orderBy('a.id', 'ASC'),
            ).getMany()
          ).map((a) => a.id),
    );
    lines.forEach((l, i) => {
      if (!found.has(l.accountId))
        throw settlementError(
          'JOURNAL_ACCOUNT_UNKNOWN',
          `lines[${i}].accountId: no account ${l.accountId}`,
          { field: `lines[${i}].accountId`, accountId: l.accountId },
        );
    });
  }

  private async ownerName(m: EntityManager, spec: CheckedAccountSpec): Promise<string> {
    if (spec.owner === 'none') return '';
    if (spec.owner === 'region') {
      const region = await this.regions.find(spec.regionCode!, m);
      if (!region)
        throw settlementError('ACCOUNT_OWNER_INVALID', `regionCode: no region ${spec.regionCode}`, {
          field: 'regionCode',
        });
      return region.name;
    }
    const org = await this.directory.findById(spec.ownerId!);
    const fits =
      org !== null &&
      (spec.owner === 'hospital'
        ? org.type === 'hospital'
        : org.type === 'manufacturer' || org.type === 'distributor');
    if (!org || !fits)
      throw settlementError(
        'ACCOUNT_OWNER_INVALID',
        `ownerId: organisation ${spec.ownerId} is not a ${spec.owner} (a ${spec.type} account)`,
        { field: 'ownerId', ownerId: spec.ownerId },
      );
    return org.name;
  }

  private lockHead(m: EntityManager): Promise<LedgerHead> {
    return forUpdate(
      m.getRepository(LedgerHead).createQueryBuilder('h').where('h.id = 1'),
    ).getOneOrFail();
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { page, Page, PageQuery, skipTake } from '../../../common/pagination';
import { Decimal } from '../../../database/decimal';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { settlementError } from '../settlement.errors';
import { LedgerAccount, LedgerBalance } from './account.entity';
import { balanceOf } from './domain/journal-rules';
import {
  AccountDetailView,
  AccountQuery,
  AccountView,
  EntryView,
  JournalQuery,
  JournalView,
} from './dto/ledger.dto';
import { Journal, JournalLine } from './journal.entity';

const ZERO = new Decimal(0);

export function isId(value: string): boolean {
  return /^\d{1,18}$/.test(value);
}

export function accountView(a: LedgerAccount, b: LedgerBalance | undefined): AccountView {
  const debit = b?.debitTotal ?? ZERO;
  const credit = b?.creditTotal ?? ZERO;
  return {
    id: a.id,
    code: a.code,
    type: a.type,
    normalSide: a.normalSide,
    ownerId: a.ownerId,
    regionCode: a.regionCode,
    name: a.name,
    createdAt: a.createdAt.toISOString(),
    debitTotal: debit.toFixed(2),
    creditTotal: credit.toFixed(2),
    balance: balanceOf(a.normalSide, debit, credit).toFixed(2),
  };
}

/**
 * Reading the ledger (§S1) within the caller's data scope (§1): a hospital or supplier sees its
 * own organisation's accounts; an authority sees the accounts of organisations in its region
 * subtree (and of every supplier, as identity rules) and the fund accounts of regions in it; the
 * clearing account and journals crossing the scope are for platform-wide authorities. A journal
 * is visible only when every one of its lines is, so no reader learns of an account outside
 * its scope through a journal. Out of scope is 404.
 */
@Injectable()
export class LedgerQueries {
  constructor(
    private readonly scope: IdentityScope,
    private readonly regions: RegionTree,
    @InjectRepository(LedgerAccount) private readonly accounts: Repository<LedgerAccount>,
    @InjectRepository(LedgerBalance) private readonly balances: Repository<LedgerBalance>,
    @InjectRepository(Journal) private readonly journals: Repository<Journal>,
    @InjectRepository(JournalLine) private readonly lines: Repository<JournalLine>,
  ) {}

  async listAccounts(actor: Actor, query: AccountQuery): Promise<Page<AccountView>> {
    const qb = this.accounts.createQueryBuilder('a');
    this.restrictAccounts(qb, actor, 'a.id');
    if (query.type) qb.andWhere('a.type = :type', { type: query.type });
    if (query.ownerId) qb.andWhere('a.ownerId = :ownerId', { ownerId: query.ownerId });
    if (query.regionCode) qb.andWhere('a.regionCode = :region', { region: query.regionCode });
    qb.orderBy('a.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    const balances = await this.balancesOf(rows.map((a) => a.id));
    return page(
      rows.map((a) => accountView(a, balances.get(a.id))),
      total,
      query,
    );
  }

  /**
   * One account with its balance and a page of its entries in posting order. A supplier's payable
   * is one account across the platform; a regional authority sees only the entries of journals
   * wholly in its scope, and the balance of those entries, never other regions' payments.
   */
  async account(actor: Actor, id: string, query: PageQuery): Promise<AccountDetailView> {
    const account = await this.visibleAccount(actor, id);
    const partial =
      actor.orgType === 'authority' &&
      actor.regionPath !== null &&
      account.type === 'supplier_payable';
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const { skip, take } = skipTake(query);
    const entriesOf = () => {
      const qb = this.lines.createQueryBuilder('l').where('l.accountId = :id', { id: account.id });
      if (partial) this.restrictLinesToJournalsInScope(qb, actor);
      return qb;
    };
    // Journal ids grow in posting order: postings take the ledger head lock one at a time.
    const [rows, total] = await entriesOf()
      .orderBy('l.journalId', direction)
      .addOrderBy('l.lineNo', direction)
      .skip(skip)
      .take(take)
      .getManyAndCount();
    let balance = (await this.balances.findOneBy({ accountId: account.id })) ?? undefined;
    if (partial) {
      const sums = await entriesOf()
        .select('SUM(l.debit)', 'debit')
        .addSelect('SUM(l.credit)', 'credit')
        .getRawOne<{ debit: string | number | null; credit: string | number | null }>();
      balance = {
        accountId: account.id,
        debitTotal: new Decimal(String(sums?.debit ?? 0)).toDecimalPlaces(2),
        creditTotal: new Decimal(String(sums?.credit ?? 0)).toDecimalPlaces(2),
      } as LedgerBalance;
    }
    const journals = await this.journalsById(rows.map((l) => l.journalId));
    const entries: EntryView[] = rows.map((l) => {
      const j = journals.get(l.journalId)!;
      return {
        journalId: j.id,
        journalCode: j.code,
        kind: j.kind,
        memo: j.memo,
        postedAt: j.postedAt.toISOString(),
        lineNo: l.lineNo,
        debit: l.debit.toFixed(2),
        credit: l.credit.toFixed(2),
      };
    });
    return { ...accountView(account, balance), entries: page(entries, total, query) };
  }

  async listJournals(actor: Actor, query: JournalQuery): Promise<Page<JournalView>> {
    const from = query.from ? new Date(query.from) : null;
    const to = query.to ? new Date(query.to) : null;
    if (from && to && from.getTime() > to.getTime())
      throw settlementError(
        'LEDGER_QUERY_INVALID',
        `to: must not be before from (${query.from} > ${query.to})`,
        { field: 'to' },
      );
    const qb = this.journals.createQueryBuilder('j');
    this.restrictJournals(qb, actor);
    if (query.kind) qb.andWhere('j.kind = :kind', { kind: query.kind });
    if (query.accountId) {
      const onAccount = qb
        .subQuery()
        .select('fl.journalId')
        .from(JournalLine, 'fl')
        .where('fl.accountId = :accountId', { accountId: query.accountId });
      qb.andWhere(`j.id IN ${onAccount.getQuery()}`);
    }
    if (from) qb.andWhere('j.postedAt >= :from', { from });
    if (to) qb.andWhere('j.postedAt < :to', { to });
    qb.orderBy('j.id', query.order === 'desc' ? 'DESC' : 'ASC');
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(await this.journalViews(rows), total, query);
  }

  async journal(actor: Actor, id: string): Promise<JournalView> {
    const [view] = await this.journalViews([await this.visibleJournal(actor, id)]);
    return view;
  }

  /** A journal the actor may see, else 404 JOURNAL_NOT_FOUND. */
  async visibleJournal(actor: Actor, id: string): Promise<Journal> {
    let journal: Journal | null = null;
    if (isId(id)) {
      const qb = this.journals.createQueryBuilder('j').where('j.id = :id', { id });
      journal = await this.restrictJournals(qb, actor).getOne();
    }
    if (!journal)
      throw settlementError('JOURNAL_NOT_FOUND', `Journal ${id} not found`, { id: String(id) });
    return journal;
  }

  /** An account the actor may see, else 404 ACCOUNT_NOT_FOUND. */
  async visibleAccount(actor: Actor, id: string): Promise<LedgerAccount> {
    let account: LedgerAccount | null = null;
    if (isId(id)) {
      const qb = this.accounts.createQueryBuilder('a').where('a.id = :id', { id });
      account = await this.restrictAccounts(qb, actor, 'a.id').getOne();
    }
    if (!account)
      throw settlementError('ACCOUNT_NOT_FOUND', `Account ${id} not found`, { id: String(id) });
    return account;
  }

  /** The accounts among `codes` that the actor may see, by code. */
  async visibleAccountsByCode(actor: Actor, codes: string[]): Promise<Map<string, LedgerAccount>> {
    const wanted = [...new Set(codes)];
    if (wanted.length === 0) return new Map();
    const qb = this.accounts.createQueryBuilder('a').where('a.code IN (:...codes)', {
      codes: wanted,
    });
    const rows = await this.restrictAccounts(qb, actor, 'a.id').getMany();
    return new Map(rows.map((a) => [a.code, a]));
  }

  /** A journal as the API shows it, without a scope check: for the journal just posted. */
  async journalView(id: string): Promise<JournalView> {
    const [view] = await this.journalViews([await this.journals.findOneByOrFail({ id })]);
    return view;
  }

  private async journalViews(journals: Journal[]): Promise<JournalView[]> {
    if (journals.length === 0) return [];
    const ids = journals.map((j) => j.id);
    const lines = await this.lines.find({
      where: { journalId: In(ids) },
      order: { journalId: 'ASC', lineNo: 'ASC' },
    });
    const accounts = new Map(
      (await this.accounts.findBy({ id: In([...new Set(lines.map((l) => l.accountId))]) })).map(
        (a) => [a.id, a],
      ),
    );
    const reversals = await this.journals.findBy({ reversesJournalId: In(ids) });
    const reversedBy = new Map(reversals.map((r) => [r.reversesJournalId!, r.id]));
    const linesOf = new Map<string, JournalLine[]>();
    for (const l of lines) linesOf.set(l.journalId, [...(linesOf.get(l.journalId) ?? []), l]);
    return journals.map((j) => {
      const own = linesOf.get(j.id) ?? [];
      return {
        id: j.id,
        code: j.code,
        kind: j.kind,
        memo: j.memo,
        reversesJournalId: j.reversesJournalId,
        reversedByJournalId: reversedBy.get(j.id) ?? null,
        postedAt: j.postedAt.toISOString(),
        postedBy: j.postedBy,
        total: own.reduce((sum, l) => sum.plus(l.debit), ZERO).toFixed(2),
        lines: own.map((l) => {
          const account = accounts.get(l.accountId)!;
          return {
            lineNo: l.lineNo,
            accountId: l.accountId,
            accountCode: account.code,
            accountName: account.name,
            debit: l.debit.toFixed(2),
            credit: l.credit.toFixed(2),
          };
        }),
      };
    });
  }

  private async balancesOf(accountIds: string[]): Promise<Map<string, LedgerBalance>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.balances.findBy({ accountId: In(accountIds) });
    return new Map(rows.map((b) => [b.accountId, b]));
  }

  private async journalsById(ids: string[]): Promise<Map<string, Journal>> {
    if (ids.length === 0) return new Map();
    const rows = await this.journals.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((j) => [j.id, j]));
  }

  /**
   * Restricts `qb` to rows whose account id (`column`) is an account the actor may see:
   * accounts of organisations it sees (the identity rule), and for a regional authority also
   * the fund accounts of regions in its subtree.
   */
  private restrictAccounts<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    column: string,
  ): SelectQueryBuilder<T> {
    if (actor.orgType === 'authority' && actor.regionPath === null) return qb;
    const owned = qb
      .subQuery()
      .select('sa.id')
      .from(LedgerAccount, 'sa')
      .where('sa.ownerId IS NOT NULL');
    this.scope.restrictByOrganisationColumn(owned, actor, 'sa.ownerId');
    if (actor.orgType !== 'authority')
      return qb.andWhere(`${column} IN ${owned.getQuery()}`, owned.getParameters());
    const funds = qb.subQuery().select('fa.id').from(LedgerAccount, 'fa').where("fa.type = 'fund'");
    this.regions.restrictRegionColumn(funds, 'fa.regionCode', actor.regionPath!);
    return qb.andWhere(`(${column} IN ${owned.getQuery()} OR ${column} IN ${funds.getQuery()})`, {
      ...owned.getParameters(),
      ...funds.getParameters(),
    });
  }

  /** Restricts a query on journal lines (alias `l`) to lines of journals wholly in scope. */
  private restrictLinesToJournalsInScope(qb: SelectQueryBuilder<JournalLine>, actor: Actor) {
    const outside = this.journalsOutside(qb, actor);
    return qb.andWhere(`l.journalId NOT IN ${outside.getQuery()}`, outside.getParameters());
  }

  /** Restricts a query on journals (alias `j`) to those with every line on a visible account. */
  private restrictJournals(qb: SelectQueryBuilder<Journal>, actor: Actor) {
    if (actor.orgType === 'authority' && actor.regionPath === null) return qb;
    const outside = this.journalsOutside(qb, actor);
    return qb.andWhere(`j.id NOT IN ${outside.getQuery()}`, outside.getParameters());
  }

  /** Ids of journals with a line on an account the actor may not see. */
  private journalsOutside<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, actor: Actor) {
    const visible = qb.subQuery().select('va.id').from(LedgerAccount, 'va');
    this.restrictAccounts(visible, actor, 'va.id');
    return qb
      .subQuery()
      .select('sl.journalId')
      .from(JournalLine, 'sl')
      .where(`sl.accountId NOT IN ${visible.getQuery()}`, visible.getParameters());
  }
}

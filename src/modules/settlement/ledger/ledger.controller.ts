import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { PageQuery } from '../../../common/pagination';
import {
  AccountDetailView,
  AccountPage,
  AccountQuery,
  JournalPage,
  JournalQuery,
  JournalView,
  LedgerCheckView,
  PostJournalRequest,
  ReverseJournalRequest,
} from './dto/ledger.dto';
import { LedgerCheck } from './ledger-check.service';
import { LedgerQueries } from './ledger-queries.service';
import { LedgerService } from './ledger.service';

/**
 * Money moves are the fund officer's (§1); admins and auditors read. Hospitals and suppliers
 * read their own accounts and entries, but not journals: a journal also carries the other
 * parties' lines.
 */
const LEDGER_READERS = ['fund_officer', 'admin', 'auditor'] as const;
const ACCOUNT_READERS = [...LEDGER_READERS, 'hospital_user', 'supplier_user'] as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller('settlement')
export class LedgerController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly queries: LedgerQueries,
    private readonly check: LedgerCheck,
  ) {}

  @Get('accounts')
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'Ledger accounts in the caller’s scope, with balances (§S1)' })
  @ApiOkResponse({ type: AccountPage })
  accounts(@CurrentActor() actor: Actor, @Query() query: AccountQuery): Promise<AccountPage> {
    return this.queries.listAccounts(actor, query);
  }

  @Get('accounts/:id')
  @Roles(...ACCOUNT_READERS)
  @ApiOperation({ summary: 'An account with its balance and a page of its entries' })
  @ApiOkResponse({ type: AccountDetailView })
  account(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: PageQuery,
  ): Promise<AccountDetailView> {
    return this.queries.account(actor, id, query);
  }

  @Get('journals')
  @Roles(...LEDGER_READERS)
  @ApiOperation({ summary: 'Journals whose every line is in the caller’s scope' })
  @ApiOkResponse({ type: JournalPage })
  journals(@CurrentActor() actor: Actor, @Query() query: JournalQuery): Promise<JournalPage> {
    return this.queries.listJournals(actor, query);
  }

  @Get('journals/:id')
  @Roles(...LEDGER_READERS)
  @ApiOkResponse({ type: JournalView })
  journal(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<JournalView> {
    return this.queries.journal(actor, id);
  }

  @Post('journals')
  @Roles('fund_officer')
  @ApiOperation({
    summary:
      'Post a manual adjustment journal; a retry with the same Idempotency-Key returns the first journal',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1–100 visible ASCII' })
  @ApiCreatedResponse({ type: JournalView })
  post(
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: PostJournalRequest,
  ): Promise<JournalView> {
    return this.ledger.postAdjustment(actor, key, body);
  }

  @Post('journals/:id/reverse')
  @Roles('fund_officer')
  @ApiOperation({ summary: 'Post the reversing journal of a journal (at most once)' })
  @ApiCreatedResponse({ type: JournalView })
  reverse(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReverseJournalRequest,
  ): Promise<JournalView> {
    return this.ledger.reverseJournal(actor, id, body);
  }

  @Get('ledger/check')
  @Roles(...LEDGER_READERS)
  @ApiOperation({
    summary: 'Invariant check: every journal balances, every cached balance equals its entries',
  })
  @ApiOkResponse({ type: LedgerCheckView })
  ledgerCheck(): Promise<LedgerCheckView> {
    return this.check.run();
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageOf, PageQuery } from '../../../../common/pagination';
import { ACCOUNT_TYPES, AccountType, NORMAL_SIDES } from '../domain/account-rules';
import { JOURNAL_KINDS, JournalKind, MAX_JOURNAL_LINES, MAX_MEMO } from '../domain/journal-rules';

const ID = /^\d{1,18}$/;

export class AccountQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ACCOUNT_TYPES })
  @IsOptional()
  @IsIn(ACCOUNT_TYPES)
  type?: AccountType;

  @ApiPropertyOptional({ description: 'Owner organisation id' })
  @IsOptional()
  @Matches(ID, { message: 'ownerId must be a numeric id' })
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Pooling region of fund accounts (6 digits)' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'regionCode must be a 6-digit region code' })
  regionCode?: string;
}

export class AccountView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'HOSP:17:SETTLEMENT' }) code!: string;
  @ApiProperty({ enum: ACCOUNT_TYPES }) type!: string;
  @ApiProperty({ enum: NORMAL_SIDES }) normalSide!: string;
  @ApiProperty({ type: String, nullable: true }) ownerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ example: '1200.00', description: 'Σ debits of the account (cached)' })
  debitTotal!: string;
  @ApiProperty({ example: '200.00', description: 'Σ credits of the account (cached)' })
  creditTotal!: string;
  @ApiProperty({
    example: '1000.00',
    description: 'Balance on the normal side: debits − credits, or credits − debits',
  })
  balance!: string;
}

export class AccountPage extends PageOf(AccountView) {}

export class EntryView {
  @ApiProperty() journalId!: string;
  @ApiProperty({ example: 'J2026-00000042' }) journalCode!: string;
  @ApiProperty({ enum: JOURNAL_KINDS }) kind!: string;
  @ApiProperty() memo!: string;
  @ApiProperty() postedAt!: string;
  @ApiProperty() lineNo!: number;
  @ApiProperty({ example: '100.00' }) debit!: string;
  @ApiProperty({ example: '0.00' }) credit!: string;
}

export class EntryPage extends PageOf(EntryView) {}

export class AccountDetailView extends AccountView {
  @ApiProperty({ type: EntryPage, description: 'The account’s journal lines, in posting order' })
  entries!: EntryPage;
}

export class JournalQuery extends PageQuery {
  @ApiPropertyOptional({ enum: JOURNAL_KINDS })
  @IsOptional()
  @IsIn(JOURNAL_KINDS)
  kind?: JournalKind;

  @ApiPropertyOptional({ description: 'Journals with a line on this account' })
  @IsOptional()
  @Matches(ID, { message: 'accountId must be a numeric id' })
  accountId?: string;

  @ApiPropertyOptional({ description: 'Posted at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Posted before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class JournalLineView {
  @ApiProperty() lineNo!: number;
  @ApiProperty() accountId!: string;
  @ApiProperty() accountCode!: string;
  @ApiProperty() accountName!: string;
  @ApiProperty({ example: '100.00' }) debit!: string;
  @ApiProperty({ example: '0.00' }) credit!: string;
}

export class JournalView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'J2026-00000042' }) code!: string;
  @ApiProperty({ enum: JOURNAL_KINDS }) kind!: string;
  @ApiProperty() memo!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The journal this one reverses' })
  reversesJournalId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The journal that reversed this one' })
  reversedByJournalId!: string | null;
  @ApiProperty() postedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'User id; null for the system' })
  postedBy!: string | null;
  @ApiProperty({ example: '100.00', description: 'Σ debits = Σ credits' }) total!: string;
  @ApiProperty({ type: [JournalLineView] }) lines!: JournalLineView[];
}

export class JournalPage extends PageOf(JournalView) {}

export class JournalLineRequest {
  @ApiProperty({ example: 'HOSP:17:SETTLEMENT' })
  @IsString()
  @MaxLength(64)
  accountCode!: string;

  @ApiPropertyOptional({ example: '100.00', description: 'Amount with at most 2 decimals' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  debit?: string;

  @ApiPropertyOptional({ example: '100.00', description: 'Amount with at most 2 decimals' })
  @IsOptional()
  @IsString()
  @MaxLength(24)
  credit?: string;
}

export class PostJournalRequest {
  @ApiProperty({ maxLength: MAX_MEMO, description: 'Why the money moves' })
  @IsString()
  @MaxLength(MAX_MEMO)
  memo!: string;

  @ApiProperty({
    type: [JournalLineRequest],
    description: 'At least 2 lines; each a debit or a credit; Σ debit = Σ credit',
  })
  @IsArray()
  @ArrayMaxSize(MAX_JOURNAL_LINES)
  @ValidateNested({ each: true })
  @Type(() => JournalLineRequest)
  lines!: JournalLineRequest[];
}

export class ReverseJournalRequest {
  @ApiProperty({ maxLength: MAX_MEMO, description: 'Why the journal is reversed' })
  @IsString()
  @MaxLength(MAX_MEMO)
  memo!: string;
}

export class UnbalancedJournalView {
  @ApiProperty() id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() lines!: number;
  @ApiProperty({ description: 'Lines without exactly one positive side' }) badLines!: number;
  @ApiProperty() debit!: string;
  @ApiProperty() credit!: string;
}

export class MismatchedBalanceView {
  @ApiProperty() accountId!: string;
  @ApiProperty() code!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Cached; null when the row is missing',
  })
  cachedDebit!: string | null;
  @ApiProperty({ type: String, nullable: true }) cachedCredit!: string | null;
  @ApiProperty({ description: 'Σ debits of the account’s journal lines' }) entriesDebit!: string;
  @ApiProperty({ description: 'Σ credits of the account’s journal lines' }) entriesCredit!: string;
}

export class LedgerCheckView {
  @ApiProperty({
    description: 'Every journal balances and every cached balance equals its entries',
  })
  ok!: boolean;
  @ApiProperty({ description: 'Journals checked' }) journals!: number;
  @ApiProperty({ type: [UnbalancedJournalView], description: 'The first 100, by id' })
  unbalancedJournals!: UnbalancedJournalView[];
  @ApiProperty({ description: 'Accounts checked' }) accounts!: number;
  @ApiProperty({ type: [MismatchedBalanceView], description: 'The first 100, by account id' })
  mismatchedBalances!: MismatchedBalanceView[];
}

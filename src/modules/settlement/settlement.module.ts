import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerAccount, LedgerBalance } from './ledger/account.entity';
import { Journal, JournalLine, LedgerHead } from './ledger/journal.entity';
import { LedgerCheck } from './ledger/ledger-check.service';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerQueries } from './ledger/ledger-queries.service';
import { LedgerService } from './ledger/ledger.service';

/**
 * §S settlement: the double-entry ledger (§S1) through which every movement of money is
 * posted. Other contexts post through LedgerService inside their own transactions.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([LedgerAccount, LedgerBalance, Journal, JournalLine, LedgerHead]),
  ],
  controllers: [LedgerController],
  providers: [LedgerService, LedgerQueries, LedgerCheck],
  exports: [LedgerService, LedgerQueries, LedgerCheck],
})
export class SettlementModule {}

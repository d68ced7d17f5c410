import { Module } from '@nestjs/common';

/**
 * §K credit evaluation and supply assurance: credit cases, rating schemes, sanctions enforced
 * in bidding, listing and ordering, repair, and the supply reports and alerts of winners.
 */
@Module({
  imports: [],
  controllers: [],
  providers: [],
  exports: [],
})
export class CreditModule {}

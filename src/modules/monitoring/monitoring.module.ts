import { Module } from '@nestjs/common';

/**
 * §M price monitoring: observations from every price source, references, rules, alerts,
 * evaluation runs, price cases, the price index, the monthly report and disclosure.
 */
@Module({
  imports: [],
  controllers: [],
  providers: [],
  exports: [],
})
export class MonitoringModule {}

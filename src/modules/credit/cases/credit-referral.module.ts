import { Global, Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CreditReferral, CreditReferralInput } from '../../monitoring/cases/credit-referral';
import { CatalogModule } from '../../catalog/catalog.module';
import { ExecutionModule } from '../../execution/execution.module';
import { CaseRecorder } from './case-recorder.service';
import { CreditIntake } from './credit-intake.service';

/** Monitoring's port, answered by credit's intake: a price case becomes a recorded credit case. */
@Injectable()
export class PriceCaseReferral extends CreditReferral {
  constructor(private readonly intake: CreditIntake) {
    super();
  }

  refer(
    manager: EntityManager,
    input: CreditReferralInput,
  ): Promise<{ creditCaseId: string; creditCaseCode: string }> {
    return this.intake.escalate(manager, { ...input, sourceType: 'price_case' });
  }
}

/**
 * Binds monitoring's §M6 CreditReferral port to credit's intake. Global, because the dependency
 * runs against the module graph: credit reads catalog and execution, which monitoring sits
 * beside, so monitoring cannot import credit. CreditModule imports this module and re-exports
 * CreditIntake (supply assurance escalates supply failures through it). Tests may still replace
 * the port with `overrideProvider(CreditReferral)`.
 */
@Global()
@Module({
  imports: [CatalogModule, ExecutionModule],
  providers: [CaseRecorder, CreditIntake, { provide: CreditReferral, useClass: PriceCaseReferral }],
  exports: [CreditReferral, CreditIntake, CaseRecorder],
})
export class CreditReferralModule {}

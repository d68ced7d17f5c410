import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { ExecutionModule } from '../execution/execution.module';
import { ProcurementModule } from '../procurement/procurement.module';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { CreditCase, CreditCaseProduct } from './cases/credit-case.entity';
import { CreditReferralModule } from './cases/credit-referral.module';
import { CommitmentTextsModule } from './commitments/commitment-texts.module';
import { SupplierCommitment } from './commitments/commitment.entity';
import { CommitmentsController } from './commitments/commitments.controller';
import { CommitmentsService } from './commitments/commitments.service';
import { CreditSanctionsModule } from './enforcement/credit-sanctions.module';
import { ListingEnforcement } from './enforcement/listing-enforcement.service';
import { ListingHold } from './enforcement/listing-hold.entity';
import { CreditRating } from './ratings/credit-rating.entity';
import { RATING_LAPSE, RatingLapseJob } from './ratings/jobs/rating-lapse.job';
import { PublicCreditController, RatingsController } from './ratings/ratings.controller';
import { RatingsService } from './ratings/ratings.service';
import { CreditScheme, CreditSchemeActivation } from './ratings/credit-scheme.entity';
import { CreditRepair } from './repairs/credit-repair.entity';
import { RepairsController } from './repairs/repairs.controller';
import { RepairsService } from './repairs/repairs.service';
import { SupplyModule } from './supply/supply.module';

/**
 * §K credit evaluation and supply assurance: credit cases, rating schemes, sanctions enforced
 * in bidding, listing and ordering, repair, and the supply reports and alerts of winners.
 */
@Module({
  imports: [
    CatalogModule,
    ExecutionModule,
    ProcurementModule,
    CreditReferralModule,
    CreditSanctionsModule,
    SupplyModule,
    CommitmentTextsModule,
    TypeOrmModule.forFeature([
      CreditScheme,
      CreditSchemeActivation,
      CreditCase,
      CreditCaseProduct,
      CreditRating,
      ListingHold,
      CreditRepair,
      SupplierCommitment,
    ]),
  ],
  controllers: [
    CasesController,
    RatingsController,
    PublicCreditController,
    RepairsController,
    CommitmentsController,
  ],
  providers: [
    CasesService,
    RatingsService,
    RatingLapseJob,
    ListingEnforcement,
    RepairsService,
    CommitmentsService,
  ],
  // CreditIntake comes with CreditReferralModule (global); re-exported for readers of this module.
  exports: [CreditReferralModule],
})
export class CreditModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly lapse: RatingLapseJob,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.lapse);
    this.jobs.schedule({ ...RATING_LAPSE, everyMs: this.config.creditLapseCheckSeconds * 1000 });
  }
}

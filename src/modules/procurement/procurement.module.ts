import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { JobHandlerRegistry } from '../../jobs/handler-registry';
import { CatalogModule } from '../catalog/catalog.module';
import { ImportKindRegistry } from '../imports/import-kind.registry';
import { AgreementDirectory } from './awards/agreement-directory.service';
import { AwardReferences } from './awards/award-references.service';
import { AwardedRoundFacts } from './awards/awarded-round-facts.service';
import { Agreement, LotSupplyRegion } from './awards/agreement.entity';
import { AgreementsController } from './awards/agreements.controller';
import { AgreementsService } from './awards/agreements.service';
import { AwardsService } from './awards/awards.service';
import { BackupActivation } from './awards/backup-activation.entity';
import { BackupActivationService } from './awards/backup-activation.service';
import { Bid, BidVersion } from './bids/bid.entity';
import { BidImportKind } from './bids/bid-import.kind';
import { BidSealer } from './bids/bid-sealer';
import { BidsController } from './bids/bids.controller';
import { BidsService } from './bids/bids.service';
import { DemandImportKind } from './demand/demand-import.kind';
import { DemandReport } from './demand/demand-report.entity';
import { DemandController } from './demand/demand.controller';
import { DemandService } from './demand/demand.service';
import { PublicResultsController } from './exports/public-results.controller';
import { PublicResultsService } from './exports/public-results.service';
import { PublicWinningPrices } from './exports/public-winning-prices.service';
import { VbpLots } from './awards/vbp-lots.service';
import { RoundExportsController } from './exports/round-exports.controller';
import { RoundExportsService } from './exports/round-exports.service';
import { Lot, LotSpec } from './lots/lot.entity';
import { LotsController } from './lots/lots.controller';
import { LotsService } from './lots/lots.service';
import { LotResult, Objection } from './results/lot-result.entity';
import { OpeningService } from './results/opening.service';
import { OpenedPrices } from './results/opened-prices.service';
import { ResultsController } from './results/results.controller';
import { ResultsService } from './results/results.service';
import { Round, RoundCommitment, RoundParticipant } from './rounds/round.entity';
import { RoundCommitmentFacts } from './rounds/round-commitment-facts.service';
import { ROUND_TIMER, RoundTimerJob } from './rounds/round-timer.job';
import { RoundWorkflow } from './rounds/round-workflow.service';
import { RoundsController } from './rounds/rounds.controller';
import { RoundsService } from './rounds/rounds.service';
import { RuleSet } from './rule-sets/rule-set.entity';
import { RuleSetsController } from './rule-sets/rule-sets.controller';
import { RuleSetsService } from './rule-sets/rule-sets.service';
import { SimulationService } from './selection/simulation.service';
import { SimulationsController } from './selection/simulations.controller';

/**
 * §P procurement: rounds and lots, demand reporting, sealed bids, the selection engine with its
 * opening, publicity and replay, awards with agreements, the simulation API and rule sets.
 */
@Module({
  imports: [
    CatalogModule,
    TypeOrmModule.forFeature([
      RuleSet,
      Round,
      RoundParticipant,
      RoundCommitment,
      Lot,
      LotSpec,
      DemandReport,
      Bid,
      BidVersion,
      LotResult,
      Objection,
      LotSupplyRegion,
      Agreement,
      BackupActivation,
    ]),
  ],
  controllers: [
    SimulationsController,
    RuleSetsController,
    RoundsController,
    LotsController,
    ResultsController,
    AgreementsController,
    RoundExportsController,
    PublicResultsController,
    DemandController,
    BidsController,
  ],
  providers: [
    SimulationService,
    OpenedPrices,
    RuleSetsService,
    RoundsService,
    RoundWorkflow,
    RoundTimerJob,
    RoundCommitmentFacts,
    LotsService,
    OpeningService,
    ResultsService,
    AwardsService,
    AgreementsService,
    AgreementDirectory,
    AwardReferences,
    AwardedRoundFacts,
    BackupActivationService,
    RoundExportsService,
    PublicResultsService,
    PublicWinningPrices,
    VbpLots,
    DemandService,
    DemandImportKind,
    BidsService,
    BidSealer,
    BidImportKind,
  ],
  exports: [
    RuleSetsService,
    AgreementDirectory,
    AwardReferences,
    AwardedRoundFacts,
    RoundCommitmentFacts,
    BackupActivationService,
    OpenedPrices,
    PublicWinningPrices,
    VbpLots,
  ],
})
export class ProcurementModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobHandlerRegistry,
    private readonly importKinds: ImportKindRegistry,
    private readonly timer: RoundTimerJob,
    private readonly demandKind: DemandImportKind,
    private readonly bidKind: BidImportKind,
  ) {}

  onModuleInit(): void {
    this.jobs.register(this.timer);
    this.jobs.schedule({ ...ROUND_TIMER, everyMs: this.config.roundTimerSeconds * 1000 });
    this.importKinds.register(this.demandKind);
    this.importKinds.register(this.bidKind);
  }
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuleSet } from './rule-sets/rule-set.entity';
import { RuleSetsController } from './rule-sets/rule-sets.controller';
import { RuleSetsService } from './rule-sets/rule-sets.service';
import { SimulationService } from './selection/simulation.service';
import { SimulationsController } from './selection/simulations.controller';

/** §P procurement: the selection engine, its simulation API and the stored rule sets. */
@Module({
  imports: [TypeOrmModule.forFeature([RuleSet])],
  controllers: [SimulationsController, RuleSetsController],
  providers: [SimulationService, RuleSetsService],
  exports: [RuleSetsService],
})
export class ProcurementModule {}

import { Module } from '@nestjs/common';
import { SimulationService } from './selection/simulation.service';
import { SimulationsController } from './selection/simulations.controller';

/** §P procurement: the selection engine and its simulation API. */
@Module({
  controllers: [SimulationsController],
  providers: [SimulationService],
})
export class ProcurementModule {}

import { Injectable } from '@nestjs/common';
import { agreedVolume } from './domain/agreed-volume';
import { resolveRuleSet } from './domain/rule-set';
import { selectWinners } from './domain/select';
import { SimulationRequest, SimulationResultView } from './dto/simulation.dto';

/**
 * §P11 simulation: the engine the opening uses, run on caller-supplied bids. Nothing is read or
 * written, so there is no transaction and no audit record.
 */
@Injectable()
export class SimulationService {
  simulate(request: SimulationRequest): SimulationResultView {
    const params = resolveRuleSet(request.ruleSet.preset, request.ruleSet.overrides);
    const { representative } = request.lot;
    const result = selectWinners(
      {
        maxValidUnitPrice: request.lot.maxValidUnitPrice,
        representative: {
          strength: representative.strength,
          strengthUnit: representative.strengthUnit,
          dosageForm: representative.dosageForm,
        },
        dosageFormClass: request.lot.dosageFormClass,
      },
      params,
      request.bids.map((b) => ({
        id: b.id,
        supplierId: b.supplierId,
        packPrice: b.packPrice,
        packSize: b.packSize,
        strength: b.strength,
        strengthUnit: b.strengthUnit,
        dosageForm: b.dosageForm,
        submittedAt: new Date(b.submittedAt),
        capacity: b.capacity ?? '0',
        acceptsRevival: b.acceptsRevival ?? false,
      })),
    );
    return SimulationResultView.of(
      result,
      agreedVolume(request.demand.total, result.agreedVolumeRatio),
    );
  }
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../common/auth/decorators';
import { SIMULATION_EXAMPLE, SimulationRequest, SimulationResultView } from './dto/simulation.dto';
import { SimulationService } from './simulation.service';

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/simulations')
export class SimulationsController {
  constructor(private readonly simulations: SimulationService) {}

  // 200, not 201: a simulation computes an answer and creates nothing.
  @Post()
  @HttpCode(200)
  @Roles('procurement_officer', 'admin')
  @ApiOperation({
    summary: 'Run the selection engine on a lot and bids (§P11); stateless, nothing is stored',
  })
  @ApiBody({
    type: SimulationRequest,
    examples: { 'P11 example': { value: SIMULATION_EXAMPLE.request } },
  })
  @ApiOkResponse({ type: SimulationResultView, example: SIMULATION_EXAMPLE.response })
  simulate(@Body() body: SimulationRequest): SimulationResultView {
    return this.simulations.simulate(body);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/decorators';
import { AgreementsService } from './agreements.service';
import {
  AgreementPage,
  AgreementQuery,
  AgreementTotalView,
  SupplyRegionView,
} from './dto/agreement.dto';

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/rounds/:roundId')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Get('agreements')
  @ApiOperation({ summary: 'Agreements (采购协议) of an awarded round, scoped to the caller' })
  @ApiOkResponse({ type: AgreementPage })
  list(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Query() query: AgreementQuery,
  ): Promise<AgreementPage> {
    return this.agreements.list(actor, roundId, query);
  }

  @Get('agreed-volumes')
  @ApiOperation({ summary: 'Agreed volume per lot and winner: sums of the per-hospital figures' })
  @ApiOkResponse({ type: [AgreementTotalView] })
  totals(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
  ): Promise<AgreementTotalView[]> {
    return this.agreements.totals(actor, roundId);
  }

  @Get('lots/:lotId/supply-regions')
  @ApiOperation({ summary: 'Primary and backup suppliers of every region of a lot' })
  @ApiOkResponse({ type: [SupplyRegionView] })
  supplyRegions(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
  ): Promise<SupplyRegionView[]> {
    return this.agreements.supplyRegions(actor, roundId, lotId);
  }
}

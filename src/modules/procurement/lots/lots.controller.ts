import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { CreateLotRequest, LotView, UpdateLotRequest } from './dto/lot.dto';
import { LotsService } from './lots.service';

@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/rounds/:roundId/lots')
export class LotsController {
  constructor(private readonly lots: LotsService) {}

  @Post()
  @Roles('procurement_officer', 'admin')
  @ApiCreatedResponse({ type: LotView })
  create(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Body() body: CreateLotRequest,
  ): Promise<LotView> {
    return this.lots.create(actor, roundId, body);
  }

  @Get()
  @ApiOkResponse({ type: [LotView] })
  list(@CurrentActor() actor: Actor, @Param('roundId') roundId: string): Promise<LotView[]> {
    return this.lots.list(actor, roundId);
  }

  @Get(':lotId')
  @ApiOkResponse({ type: LotView })
  get(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
  ): Promise<LotView> {
    return this.lots.get(actor, roundId, lotId);
  }

  @Patch(':lotId')
  @Roles('procurement_officer', 'admin')
  @ApiOkResponse({ type: LotView })
  update(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
    @Body() body: UpdateLotRequest,
  ): Promise<LotView> {
    return this.lots.update(actor, roundId, lotId, body);
  }

  @Delete(':lotId')
  @HttpCode(204)
  @Roles('procurement_officer', 'admin')
  @ApiNoContentResponse()
  async remove(
    @CurrentActor() actor: Actor,
    @Param('roundId') roundId: string,
    @Param('lotId') lotId: string,
  ): Promise<void> {
    await this.lots.remove(actor, roundId, lotId);
  }
}

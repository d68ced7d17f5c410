import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { ReferenceQuery, ReferencesView } from './dto/reference.dto';
import { ReferencesService } from './references.service';

/**
 * §M2 references. Peer statistics are built from every hospital's prices, so only authority
 * users read them, within their region subtree (outside it: 404).
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/references')
export class ReferencesController {
  constructor(private readonly references: ReferencesService) {}

  @Get()
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({
    summary:
      'Winning, listing, payment-standard, national monitoring and lowest other-region prices, and peer statistics of a product or generic/spec in a region and month',
  })
  @ApiOkResponse({ type: ReferencesView })
  get(@CurrentActor() actor: Actor, @Query() query: ReferenceQuery): Promise<ReferencesView> {
    return this.references.references(actor, query);
  }
}

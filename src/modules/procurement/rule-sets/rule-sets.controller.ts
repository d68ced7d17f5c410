import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { CreateRuleSetRequest, RuleSetPage, RuleSetQuery, RuleSetView } from './dto/rule-set.dto';
import { RuleSetsService } from './rule-sets.service';

// Hospitals and suppliers have no business with award rules before results are public.
@ApiTags('procurement')
@ApiBearerAuth()
@Controller('procurement/rule-sets')
@Roles(...AUTHORITY_ROLES)
export class RuleSetsController {
  constructor(private readonly ruleSets: RuleSetsService) {}

  @Get()
  @ApiOperation({ summary: 'Rule sets by name then version (§P6.7)' })
  @ApiOkResponse({ type: RuleSetPage })
  list(@Query() query: RuleSetQuery): Promise<RuleSetPage> {
    return this.ruleSets.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: RuleSetView })
  get(@Param('id') id: string): Promise<RuleSetView> {
    return this.ruleSets.get(id);
  }

  @Post()
  @Roles('procurement_officer', 'admin')
  @ApiOperation({
    summary:
      'Store the next version of a rule set, from a preset or a stored rule set plus overrides',
  })
  @ApiCreatedResponse({ type: RuleSetView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRuleSetRequest): Promise<RuleSetView> {
    return this.ruleSets.create(actor, body);
  }
}

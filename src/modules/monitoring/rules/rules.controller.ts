import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../../../common/auth/actor';
import { CurrentActor, Roles } from '../../../common/auth/decorators';
import { AUTHORITY_ROLES } from '../../../common/auth/roles';
import { RulesService } from './rules.service';
import { RuleVersionView, RuleView, UpdateRuleRequest } from './dto/rule.dto';

/**
 * §M3 rules as data. Every authority role reads them (supervisors and auditors need to know
 * what raised an alert); only pricing analysts change them (§1). Hospitals and suppliers get
 * 403: thresholds are the bureau's internal working parameters.
 */
@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('monitoring/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get()
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'The nine §M3 rules with their parameters, scope and version' })
  @ApiOkResponse({ type: [RuleView] })
  list(): Promise<RuleView[]> {
    return this.rules.list();
  }

  @Get(':code')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'One rule' })
  @ApiOkResponse({ type: RuleView })
  get(@Param('code') code: string): Promise<RuleView> {
    return this.rules.get(code);
  }

  @Get(':code/versions')
  @Roles(...AUTHORITY_ROLES)
  @ApiOperation({ summary: 'Every version the rule has had, newest first' })
  @ApiOkResponse({ type: [RuleVersionView] })
  versions(@Param('code') code: string): Promise<RuleVersionView[]> {
    return this.rules.history(code);
  }

  @Patch(':code')
  @Roles('pricing_analyst')
  @ApiOperation({
    summary:
      'Enable/disable a rule, change parameters (merged, validated: 400 names the field), scope or severity overrides; audited and versioned',
  })
  @ApiOkResponse({ type: RuleView })
  update(
    @CurrentActor() actor: Actor,
    @Param('code') code: string,
    @Body() body: UpdateRuleRequest,
  ): Promise<RuleView> {
    return this.rules.update(actor, code, body);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { monitoringError } from '../monitoring.errors';
import {
  isRuleCode,
  mergeParameters,
  RULE_CODES,
  RULE_TITLES,
  RuleCode,
  RuleConfig,
  RuleParameters,
  RuleScope,
  SeverityOverrides,
  validateParameters,
  validateScope,
  validateSeverityOverrides,
} from './domain/rule-catalog';
import { UpdateRuleRequest, RuleVersionView, RuleView } from './dto/rule.dto';
import { MonitoringRule, MonitoringRuleVersion } from './monitoring-rule.entity';

function parse(rule: MonitoringRule | MonitoringRuleVersion, code: RuleCode): RuleConfig {
  return {
    code,
    enabled: Boolean(rule.enabled),
    parameters: validateParameters(code, JSON.parse(rule.parameters)),
    scope: validateScope(JSON.parse(rule.scope)),
    severityOverrides: validateSeverityOverrides(JSON.parse(rule.severityOverrides)),
    version: rule.version,
  };
}

/** §M3 rules as data: read by everyone in the authority, changed by pricing analysts. */
@Injectable()
export class RulesService {
  constructor(
    @InjectRepository(MonitoringRule) private readonly rules: Repository<MonitoringRule>,
    @InjectRepository(MonitoringRuleVersion)
    private readonly versions: Repository<MonitoringRuleVersion>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The current configuration of every rule, in §M3 order: what an evaluation run uses. */
  async configs(manager?: EntityManager): Promise<RuleConfig[]> {
    const rows = await (manager ? manager.getRepository(MonitoringRule) : this.rules).find();
    const byCode = new Map(rows.map((r) => [r.code, r]));
    return RULE_CODES.filter((c) => byCode.has(c)).map((c) =>
      parse(byCode.get(c) as MonitoringRule, c),
    );
  }

  async list(): Promise<RuleView[]> {
    const rows = await this.rules.find();
    const byCode = new Map(rows.map((r) => [r.code, r]));
    return RULE_CODES.filter((c) => byCode.has(c)).map((c) =>
      view(byCode.get(c) as MonitoringRule, c),
    );
  }

  async get(code: string): Promise<RuleView> {
    const known = this.known(code);
    return view(await this.load(this.rules.manager, known, false), known);
  }

  async history(code: string): Promise<RuleVersionView[]> {
    const known = this.known(code);
    await this.load(this.rules.manager, known, false);
    const rows = await this.versions.find({
      where: { ruleCode: known },
      order: { version: 'DESC' },
    });
    return rows.map((r) => {
      const c = parse(r, known);
      return {
        code: known,
        version: r.version,
        enabled: c.enabled,
        parameters: c.parameters,
        scope: c.scope,
        severityOverrides: c.severityOverrides,
        changedBy: r.changedBy,
        changedAt: r.changedAt.toISOString(),
      };
    });
  }

  /**
   * Changes a rule: parameters are merged into the current ones and validated whole (a 400
   * names the field); scope and severity overrides replace the current ones. Writes a new
   * version row and an audit event in the same transaction.
   */
  async update(actor: Actor, code: string, body: UpdateRuleRequest): Promise<RuleView> {
    const known = this.known(code);
    return this.tx.run(async (manager) => {
      const row = await this.load(manager, known, true);
      if (body.expectedVersion !== undefined && body.expectedVersion !== row.version) {
        throw monitoringError(
          'RULE_VERSION_CONFLICT',
          `Rule ${known} is at version ${row.version}, not ${body.expectedVersion}`,
          { version: row.version },
        );
      }
      const before = parse(row, known);
      const parameters: RuleParameters[RuleCode] =
        body.parameters === undefined
          ? before.parameters
          : mergeParameters(known, before.parameters, body.parameters);
      const scope: RuleScope = body.scope === undefined ? before.scope : validateScope(body.scope);
      const severityOverrides: SeverityOverrides =
        body.severityOverrides === undefined
          ? before.severityOverrides
          : validateSeverityOverrides(body.severityOverrides);
      const enabled = body.enabled ?? before.enabled;
      const now = this.clock.now();
      row.enabled = enabled;
      row.parameters = JSON.stringify(parameters);
      row.scope = JSON.stringify(scope);
      row.severityOverrides = JSON.stringify(severityOverrides);
      row.version += 1;
      row.updatedBy = actor.id;
      row.updatedAt = now;
      await manager.getRepository(MonitoringRule).save(row);
      await manager.getRepository(MonitoringRuleVersion).insert({
        ruleCode: known,
        version: row.version,
        enabled,
        parameters: row.parameters,
        scope: row.scope,
        severityOverrides: row.severityOverrides,
        changedBy: actor.id,
        changedAt: now,
      });
      const after = parse(row, known);
      await this.audit.record(
        manager,
        actor,
        'monitoring.rule.update',
        { type: 'monitoring_rule', id: known },
        { before: auditable(before), after: auditable(after) },
      );
      return view(row, known);
    });
  }

  private known(code: string): RuleCode {
    if (!isRuleCode(code)) {
      throw monitoringError('RULE_NOT_FOUND', `Rule ${code} not found`, { code });
    }
    return code;
  }

  private async load(
    manager: EntityManager,
    code: RuleCode,
    lock: boolean,
  ): Promise<MonitoringRule> {
    const qb = manager
      .getRepository(MonitoringRule)
      .createQueryBuilder('r')
      .where('r.code = :code', { code });
    const row = await (lock ? forUpdate(qb) : qb).getOne();
    if (!row) throw monitoringError('RULE_NOT_FOUND', `Rule ${code} not found`, { code });
    return row;
  }
}

function auditable(c: RuleConfig) {
  return {
    enabled: c.enabled,
    parameters: c.parameters,
    scope: c.scope,
    severityOverrides: c.severityOverrides,
    version: c.version,
  };
}

function view(row: MonitoringRule, code: RuleCode): RuleView {
  const c = parse(row, code);
  return {
    code,
    title: RULE_TITLES[code],
    enabled: c.enabled,
    parameters: c.parameters,
    scope: c.scope,
    severityOverrides: c.severityOverrides,
    version: row.version,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import {
  duplicateKeyError,
  isDeadlock,
  registerUniqueConstraint,
} from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { PROCESS_ROLE, ProcessRole } from '../../../jobs/job-queue';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { procurementError } from '../procurement.errors';
import {
  applyOverrides,
  PRESET_NAMES,
  PresetName,
  presetParameters,
  resolveRuleSet,
  RuleSetParameters,
} from '../selection/domain/rule-set';
import {
  basisOf,
  checkRuleSetName,
  openSealed,
  ruleSetLabel,
  sealParameters,
} from './domain/rule-set-versions';
import { CreateRuleSetRequest, RuleSetQuery, RuleSetView } from './dto/rule-set.dto';
import { RuleSet } from './rule-set.entity';

const VERSION_CONFLICT = 'PROCUREMENT.RULE_SET_VERSION_CONFLICT';

registerUniqueConstraint('uq_rule_sets__name__version', {
  table: 'rule_sets',
  columns: ['name', 'version'],
  code: VERSION_CONFLICT,
  message: 'Another version of this rule set was created at the same moment; try again',
});

/** What a round freezes: one exact version of a rule set, its parameters checked against their digest. */
export interface FrozenRuleSet {
  id: string;
  name: string;
  version: number;
  parameters: RuleSetParameters;
  sha256: string;
}

interface NewVersion {
  name: string;
  version: number;
  description: string | null;
  basedOn: string;
  parameters: RuleSetParameters;
}

/** §P6.7 rule sets as immutable, versioned data: the presets, derived versions, frozen reads. */
@Injectable()
export class RuleSetsService implements OnApplicationBootstrap {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @InjectRepository(RuleSet) private readonly ruleSets: Repository<RuleSet>,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  /** The engine's presets become version 1 of their names. API process only, once per name. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'api') return;
    for (const preset of PRESET_NAMES) await this.seedPreset(preset);
  }

  /** The next version of `name`, from a preset or a stored rule set, with overrides applied. */
  async create(actor: Actor, body: CreateRuleSetRequest): Promise<RuleSetView> {
    checkRuleSetName(body.name);
    const basis = basisOf(body.basedOn);
    let basedOn: string;
    let parameters: RuleSetParameters;
    if ('preset' in basis) {
      basedOn = basis.preset;
      parameters = resolveRuleSet(basis.preset, body.overrides);
    } else {
      const source = await this.frozen(basis.ruleSetId, 'basedOn.ruleSetId');
      basedOn = ruleSetLabel(source.name, source.version);
      parameters = applyOverrides(source.parameters, body.overrides);
    }
    const attempt = () =>
      this.tx.run(async (manager) => {
        const latest = await forUpdate(
          manager
            .getRepository(RuleSet)
            .createQueryBuilder('r')
            .where('r.name = :name', { name: body.name })
            .orderBy('r.version', 'DESC')
            .limit(1),
        ).getOne();
        return this.insertVersion(manager, actor, {
          name: body.name,
          version: (latest?.version ?? 0) + 1,
          description: body.description ?? null,
          basedOn,
          parameters,
        });
      });
    let row: RuleSet;
    try {
      row = await attempt();
    } catch (err) {
      if (!isVersionRace(err)) throw err;
      // A concurrent writer took the version: the second attempt reads past it.
      row = await attempt().catch((again: unknown) => {
        throw isVersionRace(again)
          ? procurementError(
              'RULE_SET_VERSION_CONFLICT',
              `Another version of rule set ${body.name} was created at the same moment; try again`,
              { name: body.name },
            )
          : again;
      });
    }
    return RuleSetView.of(row, parameters);
  }

  async list(query: RuleSetQuery): Promise<Page<RuleSetView>> {
    const qb = this.ruleSets.createQueryBuilder('r');
    if (query.name !== undefined) qb.andWhere('r.name = :name', { name: query.name });
    if (query.latest)
      qb.andWhere('r.version = (SELECT MAX(r2.version) FROM rule_sets r2 WHERE r2.name = r.name)');
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy('r.name', direction).addOrderBy('r.version', direction);
    const { skip, take } = skipTake(query);
    const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
    return page(
      rows.map((r) => RuleSetView.of(r, parametersOf(r))),
      total,
      query,
    );
  }

  async get(id: string): Promise<RuleSetView> {
    const row = await this.load(id, 'id');
    return RuleSetView.of(row, parametersOf(row));
  }

  /**
   * The exact parameters of one version, for a round to freeze and for its opening to run.
   * Throws when the stored text no longer matches its digest.
   */
  async getFrozen(id: string): Promise<FrozenRuleSet> {
    return this.frozen(id, 'id');
  }

  private async frozen(id: string, field: string): Promise<FrozenRuleSet> {
    const row = await this.load(id, field);
    return {
      id: row.id,
      name: row.name,
      version: row.version,
      parameters: parametersOf(row),
      sha256: row.parametersSha256,
    };
  }

  private async load(id: string, field: string): Promise<RuleSet> {
    const row = /^\d{1,18}$/.test(id) ? await this.ruleSets.findOneBy({ id }) : null;
    if (!row)
      throw procurementError(
        'RULE_SET_NOT_FOUND',
        field === 'id' ? `Rule set ${id} not found` : `${field} ${id}: no such rule set`,
        { field, id },
      );
    return row;
  }

  private async seedPreset(preset: PresetName): Promise<void> {
    if (await this.ruleSets.existsBy({ name: preset })) return;
    try {
      await this.tx.run(async (manager) => {
        if (await manager.getRepository(RuleSet).existsBy({ name: preset })) return;
        await this.insertVersion(manager, SYSTEM, {
          name: preset,
          version: 1,
          description: `Engine preset ${preset} (§P6.7)`,
          basedOn: preset,
          parameters: presetParameters(preset),
        });
      });
    } catch (err) {
      // Another API process seeded the same preset first: its row is the one.
      if (!isVersionRace(err)) throw err;
    }
  }

  private async insertVersion(
    manager: EntityManager,
    actor: Actor | typeof SYSTEM,
    spec: NewVersion,
  ): Promise<RuleSet> {
    const sealed = sealParameters(spec.parameters);
    const row = await manager.getRepository(RuleSet).save(
      manager.create(RuleSet, {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        basedOn: spec.basedOn,
        parametersJson: sealed.json,
        parametersSha256: sealed.sha256,
        createdBy: actor === SYSTEM ? null : actor.id,
        createdAt: this.clock.now(),
      }),
    );
    await this.audit.record(
      manager,
      actor,
      'rule_set.created',
      { type: 'rule_set', id: row.id },
      {
        after: {
          name: row.name,
          version: row.version,
          description: row.description,
          basedOn: row.basedOn,
          parameters: spec.parameters,
          parametersSha256: row.parametersSha256,
        },
      },
    );
    return row;
  }
}

function parametersOf(row: RuleSet): RuleSetParameters {
  return openSealed(ruleSetLabel(row.name, row.version), {
    json: row.parametersJson,
    sha256: row.parametersSha256,
  });
}

/**
 * Two writers took the same version: the unique key refused one, or (MySQL) their gap locks on a
 * name with no version yet deadlocked and InnoDB rolled one back.
 */
function isVersionRace(err: unknown): boolean {
  return duplicateKeyError(err)?.code === VERSION_CONFLICT || isDeadlock(err);
}

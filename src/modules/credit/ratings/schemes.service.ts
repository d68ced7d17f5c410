import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { creditError } from '../credit.errors';
import { CreditScheme, CreditSchemeActivation } from './credit-scheme.entity';
import { SchemeDefinition, schemeProblems } from './domain/scheme';
import { SchemeView } from './dto/rating.dto';

/**
 * §K2 rating schemes: the versions stored, and which one rates new cases — the latest
 * activation by an administrator, else `CREDIT_SCHEME`. A rating keeps the version it was made
 * under, so repairs and sanctions of older ratings follow their own scheme.
 */
@Injectable()
export class SchemesService {
  private readonly cache = new Map<string, SchemeDefinition>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(CreditScheme) private readonly schemes: Repository<CreditScheme>,
    @InjectRepository(CreditSchemeActivation)
    private readonly activations: Repository<CreditSchemeActivation>,
  ) {}

  /** A stored scheme's definition; scheme rows never change, so they are cached by version. */
  async definition(version: string, m?: EntityManager): Promise<SchemeDefinition> {
    const cached = this.cache.get(version);
    if (cached) return cached;
    const row = await (m ?? this.schemes.manager)
      .getRepository(CreditScheme)
      .findOneBy({ version });
    if (!row)
      throw creditError('SCHEME_NOT_FOUND', `Credit rating scheme ${version} not found`, {
        version,
      });
    const def = JSON.parse(row.definition) as SchemeDefinition;
    const problems = schemeProblems(def);
    if (problems.length > 0)
      throw creditError(
        'SCHEME_INVALID',
        `Credit rating scheme ${version} is malformed: ${problems.join('; ')}`,
        { version },
      );
    this.cache.set(version, def);
    return def;
  }

  async activeVersion(m?: EntityManager): Promise<string> {
    const latest = await (m ?? this.activations.manager)
      .getRepository(CreditSchemeActivation)
      .find({ order: { activatedAt: 'DESC', id: 'DESC' }, take: 1 });
    return latest[0]?.version ?? this.config.creditScheme;
  }

  async active(m?: EntityManager): Promise<SchemeDefinition> {
    return this.definition(await this.activeVersion(m), m);
  }

  async list(): Promise<SchemeView[]> {
    const active = await this.activeVersion();
    const rows = await this.schemes.find({ order: { version: 'ASC' } });
    return rows.map((r) => SchemeView.of(JSON.parse(r.definition) as SchemeDefinition, active));
  }

  async get(version: string): Promise<SchemeView> {
    return SchemeView.of(await this.definition(version), await this.activeVersion());
  }

  /** Makes a stored scheme the one new cases are rated under. */
  async activate(actor: Actor, version: string): Promise<SchemeView> {
    const def = await this.definition(version);
    await this.tx.run(async (m) => {
      const before = await this.activeVersion(m);
      await m.getRepository(CreditSchemeActivation).insert({
        version: def.version,
        activatedBy: actor.id,
        activatedAt: this.clock.now(),
      });
      await this.audit.record(
        m,
        actor,
        'credit_scheme.activated',
        { type: 'credit_scheme', id: def.version },
        { before: { active: before }, after: { active: def.version } },
      );
    });
    return SchemeView.of(def, def.version);
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityActorResolver } from '../auth/actor-resolver.service';
import { apiKeyState, ApiKeyState, checkApiKeyExpiry } from '../domain/api-key-rules';
import { generateApiKey } from '../domain/credentials';
import { identityError } from '../identity.errors';
import { IdentityScope, isId } from '../scope/identity-scope.service';
import { ApiKey } from './api-key.entity';
import { ApiKeyQuery, CreateApiKeyRequest } from './dto/api-key.dto';

export interface KeyWithState {
  key: ApiKey;
  state: ApiKeyState;
}

/** What the audit log keeps of a key: never the key or its hash. */
function auditState(k: ApiKey) {
  return {
    organisationId: k.organisationId,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expiresAt: k.expiresAt ? k.expiresAt.toISOString() : null,
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly resolver: IdentityActorResolver,
  ) {}

  async list(actor: Actor, query: ApiKeyQuery): Promise<Page<KeyWithState>> {
    const qb = this.keys.createQueryBuilder('k');
    this.scope.restrictByOrganisationColumn(qb, actor, 'k.organisationId');
    if (query.organisationId) qb.andWhere('k.organisationId = :org', { org: query.organisationId });
    const { skip, take } = skipTake(query);
    const [items, total] = await qb
      .orderBy('k.createdAt', query.order === 'desc' ? 'DESC' : 'ASC')
      .addOrderBy('k.id', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const now = this.clock.now();
    return page(
      items.map((key) => ({ key, state: apiKeyState(key, now) })),
      total,
      query,
    );
  }

  async create(
    actor: Actor,
    body: CreateApiKeyRequest,
  ): Promise<KeyWithState & { secret: string }> {
    const now = this.clock.now();
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    checkApiKeyExpiry(expiresAt, now);
    return this.tx.run(async (m) => {
      const org = await this.scope.visibleOrganisation(actor, body.organisationId, { manager: m });
      const repo = m.getRepository(ApiKey);
      // The prefix locates the row; 48 random bits make a clash unlikely, so draw again if so.
      let generated = generateApiKey();
      while (await repo.existsBy({ prefix: generated.prefix })) generated = generateApiKey();
      const key = await repo.save(
        repo.create({
          organisationId: org.id,
          name: body.name,
          prefix: generated.prefix,
          keyHash: generated.hash,
          scopes: [...new Set(body.scopes)],
          createdBy: actor.id,
          expiresAt,
          lastUsedAt: null,
          revokedAt: null,
          createdAt: now,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'api_key.created',
        { type: 'api_key', id: key.id },
        { after: auditState(key) },
      );
      return { key, state: apiKeyState(key, now), secret: generated.key };
    });
  }

  async revoke(actor: Actor, id: string): Promise<KeyWithState> {
    const revoked = await this.tx.run(async (m) => {
      const qb = m.getRepository(ApiKey).createQueryBuilder('k');
      const key = isId(id)
        ? await forUpdate(
            this.scope.restrictByOrganisationColumn(
              qb.where('k.id = :id', { id }),
              actor,
              'k.organisationId',
            ),
          ).getOne()
        : null;
      if (!key) throw identityError('API_KEY_NOT_FOUND', `API key ${id} not found`, { id });
      if (key.revokedAt) {
        throw identityError(
          'API_KEY_ALREADY_REVOKED',
          `API key ${key.prefix} was revoked at ${key.revokedAt.toISOString()}`,
          { id: key.id, prefix: key.prefix },
        );
      }
      const before = auditState(key);
      key.revokedAt = this.clock.now();
      await m.getRepository(ApiKey).update({ id: key.id }, { revokedAt: key.revokedAt });
      await this.audit.record(
        m,
        actor,
        'api_key.revoked',
        { type: 'api_key', id: key.id },
        { before, after: auditState(key) },
      );
      return { key, state: apiKeyState(key, key.revokedAt) };
    });
    // A cached actor would keep the key usable for a few seconds more.
    this.resolver.forget();
    return revoked;
  }
}

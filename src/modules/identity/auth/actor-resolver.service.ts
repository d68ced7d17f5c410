import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { ActorResolver } from '../../../common/auth/actor-resolver';
import { Clock } from '../../../common/clock';
import { ApiKey } from '../api-keys/api-key.entity';
import { parseApiKey, sameHash } from '../domain/credentials';
import { Organisation } from '../organisations/organisation.entity';
import { Region } from '../regions/region.entity';
import { User } from '../users/user.entity';

export interface AccessTokenClaims {
  sub: string;
  org: string;
  /** Password version: the user's passwordChangedAt in ms when the token was issued. */
  pv: number;
}

/** How long a resolved actor is reused: a disabled user or revoked key stops within this. */
const CACHE_MS = 5000;

@Injectable()
export class IdentityActorResolver extends ActorResolver {
  private readonly cache = new Map<string, { actor: Actor; until: number }>();

  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
  ) {
    super();
  }

  /** Drops cached actors, e.g. after a user or key changes. */
  forget(): void {
    this.cache.clear();
  }

  async fromAccessToken(token: string): Promise<Actor | null> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch {
      return null;
    }
    const cacheKey = `u:${claims.sub}:${claims.pv}`;
    const cached = this.cached(cacheKey);
    if (cached) return cached;
    const user = await this.users.findOneBy({ id: claims.sub });
    if (!user || user.status !== 'active' || user.organisationId !== claims.org) return null;
    // A password change invalidates tokens issued before it.
    if (claims.pv !== user.passwordChangedAt.getTime()) return null;
    const actor = await this.actorFor(user.organisationId, {
      kind: 'user',
      id: user.id,
      name: user.username,
      roles: user.roles,
      scopes: [],
    });
    return this.remember(cacheKey, actor);
  }

  async fromApiKey(key: string): Promise<Actor | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const cacheKey = `k:${parsed.hash}`;
    const cached = this.cached(cacheKey);
    if (cached) return cached;
    const row = await this.keys.findOneBy({ prefix: parsed.prefix, revokedAt: IsNull() });
    if (!row || !sameHash(row.keyHash, parsed.hash)) return null;
    const now = this.clock.now();
    if (row.expiresAt && row.expiresAt <= now) return null;
    await this.keys.update({ id: row.id }, { lastUsedAt: now });
    const actor = await this.actorFor(row.organisationId, {
      kind: 'api_key',
      id: row.id,
      name: `api-key:${row.prefix}`,
      roles: [],
      scopes: row.scopes,
    });
    return this.remember(cacheKey, actor);
  }

  private async actorFor(
    orgId: string,
    who: Pick<Actor, 'kind' | 'id' | 'name' | 'roles' | 'scopes'>,
  ): Promise<Actor | null> {
    const org = await this.orgs.findOneBy({ id: orgId });
    if (!org || org.status !== 'active') return null;
    const region = org.regionCode ? await this.regions.findOneBy({ code: org.regionCode }) : null;
    return {
      ...who,
      orgId: org.id,
      orgType: org.type,
      regionCode: org.regionCode,
      regionPath: region?.path ?? null,
    };
  }

  private cached(key: string): Actor | null {
    const hit = this.cache.get(key);
    if (!hit) return null;
    if (hit.until < Date.now()) {
      this.cache.delete(key);
      return null;
    }
    return hit.actor;
  }

  private remember(key: string, actor: Actor | null): Actor | null {
    if (actor) this.cache.set(key, { actor, until: Date.now() + CACHE_MS });
    return actor;
  }
}

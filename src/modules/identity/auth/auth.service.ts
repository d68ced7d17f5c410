import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { RateLimiter } from '../../../common/http/rate-limiter';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { TransactionRunner } from '../../../database/transaction-runner';
import { PROCESS_ROLE, ProcessRole } from '../../../jobs/job-queue';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import {
  generatePassword,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from '../domain/credentials';
import { identityError } from '../identity.errors';
import { Organisation } from '../organisations/organisation.entity';
import { User } from '../users/user.entity';
import { IdentityActorResolver } from './actor-resolver.service';
import { LoginResponse, MeView } from './dto/auth.dto';

/** Organisation code of the platform operator that owns the bootstrap admin. */
export const PLATFORM_ORG_CODE = 'PLATFORM';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger('auth');
  private readonly loginLimiter: RateLimiter;
  // A fixed hash to compare against when the username is unknown, so timing does not tell.
  private dummyHash: Promise<string> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly resolver: IdentityActorResolver,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
  ) {
    this.loginLimiter = new RateLimiter(
      config.loginRateLimit.limit,
      config.loginRateLimit.windowSeconds * 1000,
      'login attempts',
    );
  }

  async login(username: string, password: string, clientAddress: string): Promise<LoginResponse> {
    this.loginLimiter.hit(`${clientAddress}|${username.toLowerCase()}`);
    const user = await this.users.findOneBy({ username });
    if (!user) {
      await verifyPassword(
        password,
        await (this.dummyHash ??= hashPassword('not-a-real-password-1')),
      );
      throw identityError('INVALID_CREDENTIALS', 'Username or password is wrong');
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      throw identityError('INVALID_CREDENTIALS', 'Username or password is wrong');
    }
    const org = await this.orgs.findOneByOrFail({ id: user.organisationId });
    if (user.status !== 'active' || org.status !== 'active') {
      throw identityError('ACCOUNT_DISABLED', 'This account or its organisation is disabled');
    }
    const now = this.clock.now();
    await this.users.update({ id: user.id }, { lastLoginAt: now });
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      org: user.organisationId,
      pv: user.passwordChangedAt.getTime(),
    });
    const actor = await this.resolver.fromAccessToken(accessToken);
    if (!actor) throw identityError('ACCOUNT_DISABLED', 'This account cannot be used');
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.config.jwtTtlSeconds,
      user: this.me(actor, org),
    };
  }

  me(actor: Actor, org: Organisation): MeView {
    return {
      id: actor.id,
      kind: actor.kind,
      name: actor.name,
      roles: actor.roles,
      scopes: actor.scopes,
      organisation: {
        id: org.id,
        code: org.code,
        name: org.name,
        type: org.type,
        regionCode: org.regionCode,
      },
      scopeRegionCode: actor.orgType === 'authority' ? actor.regionCode : null,
    };
  }

  async meOf(actor: Actor): Promise<MeView> {
    return this.me(actor, await this.orgs.findOneByOrFail({ id: actor.orgId }));
  }

  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findOneByOrFail({ id: actor.id });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw identityError('WRONG_PASSWORD', 'currentPassword is wrong');
    }
    const problems = passwordProblems(newPassword);
    if (problems.length)
      throw identityError('WEAK_PASSWORD', `newPassword needs ${problems.join(', ')}`);
    const passwordHash = await hashPassword(newPassword);
    // Tokens carry the password version (pv); changing it invalidates every older token.
    const changedAt = this.clock.now();
    await this.tx.run(async (m) => {
      await m
        .getRepository(User)
        .update(
          { id: user.id },
          { passwordHash, passwordChangedAt: changedAt, updatedAt: this.clock.now() },
        );
      await this.audit.record(m, actor, 'user.password_changed', { type: 'user', id: user.id });
    });
    this.resolver.forget();
  }

  /** A fresh install gets one platform authority and one admin (§1). API process only. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'api') return;
    if ((await this.users.count()) > 0) return;
    const { username, password: configured } = this.config.bootstrapAdmin;
    const password = configured ?? generatePassword();
    const passwordHash = await hashPassword(password);
    const now = this.clock.now();
    const created = await this.tx.run(async (m) => {
      if ((await m.getRepository(User).count()) > 0) return false;
      let org = await m.getRepository(Organisation).findOneBy({ code: PLATFORM_ORG_CODE });
      if (!org) {
        org = await m.getRepository(Organisation).save({
          code: PLATFORM_ORG_CODE,
          name: 'Jicai platform administration',
          type: 'authority',
          hospitalKind: null,
          grade: null,
          isPublic: null,
          regionCode: null,
          creditCode: null,
          contactName: null,
          contactPhone: null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        });
        await this.audit.record(
          m,
          SYSTEM,
          'organisation.created',
          { type: 'organisation', id: org.id },
          { after: { code: org.code, type: org.type } },
        );
      }
      const user = await m.getRepository(User).save({
        username,
        displayName: 'Administrator',
        organisationId: org.id,
        roles: ['admin'],
        passwordHash,
        status: 'active',
        passwordChangedAt: now,
        lastLoginAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await this.audit.record(
        m,
        SYSTEM,
        'user.bootstrapped',
        { type: 'user', id: user.id },
        { after: { username, roles: ['admin'] } },
      );
      return true;
    });
    if (!created) return;
    if (configured) this.logger.log({ msg: 'bootstrap admin created', username });
    else
      this.logger.warn({
        msg: 'bootstrap admin created with a generated password: change it after the first login',
        username,
        password,
      });
  }
}

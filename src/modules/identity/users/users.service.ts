import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityActorResolver } from '../auth/actor-resolver.service';
import { generatePassword, hashPassword, passwordProblems } from '../domain/credentials';
import { checkRoles, checkSelfChange } from '../domain/user-rules';
import { identityError } from '../identity.errors';
import { Organisation } from '../organisations/organisation.entity';
import { IdentityScope, isId } from '../scope/identity-scope.service';
import { containsPattern, escapeLike } from '../text';
import { CreateUserRequest, UpdateUserRequest, UserQuery } from './dto/user.dto';
import { User } from './user.entity';

registerUniqueConstraint('uq_users__username', {
  table: 'users',
  columns: ['username'],
  code: 'IDENTITY.DUPLICATE_USERNAME',
  message: 'This username is taken',
});

const SORT_COLUMNS = {
  username: 'u.username',
  displayName: 'u.displayName',
  createdAt: 'u.createdAt',
} as const;

export interface UserWithOrg {
  user: User;
  org: Organisation;
}

/** What the audit log keeps of a user: never the password or its hash. */
function auditState(u: User) {
  return {
    username: u.username,
    displayName: u.displayName,
    organisationId: u.organisationId,
    roles: u.roles,
    status: u.status,
  };
}

function userNotFound(id: string) {
  return identityError('USER_NOT_FOUND', `User ${id} not found`, { id });
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organisation) private readonly orgs: Repository<Organisation>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly resolver: IdentityActorResolver,
  ) {}

  async list(actor: Actor, query: UserQuery): Promise<Page<UserWithOrg>> {
    const qb = this.users
      .createQueryBuilder('u')
      .innerJoin(Organisation, 'o', 'o.id = u.organisationId');
    this.scope.restrictOrganisations(qb, actor, 'o');
    if (query.organisationId) qb.andWhere('u.organisationId = :org', { org: query.organisationId });
    if (query.status) qb.andWhere('u.status = :status', { status: query.status });
    if (query.role) {
      // Roles are stored comma-separated; match the whole value, not a substring.
      qb.andWhere(
        "(u.roles = :role OR u.roles LIKE :roleFirst ESCAPE '!' OR u.roles LIKE :roleLast ESCAPE '!' OR u.roles LIKE :roleInner ESCAPE '!')",
        {
          role: query.role,
          roleFirst: `${escapeLike(query.role)},%`,
          roleLast: `%,${escapeLike(query.role)}`,
          roleInner: `%,${escapeLike(query.role)},%`,
        },
      );
    }
    if (query.q) {
      qb.andWhere("(u.username LIKE :q ESCAPE '!' OR u.displayName LIKE :q ESCAPE '!')", {
        q: containsPattern(query.q),
      });
    }
    const { skip, take } = skipTake(query);
    const [items, total] = await qb
      .orderBy(SORT_COLUMNS[query.sort], query.order === 'desc' ? 'DESC' : 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    const orgs = await this.orgsById(items.map((u) => u.organisationId));
    return page(
      items.map((user) => ({ user, org: orgs.get(user.organisationId)! })),
      total,
      query,
    );
  }

  get(actor: Actor, id: string): Promise<UserWithOrg> {
    return this.visible(actor, id);
  }

  async create(
    actor: Actor,
    body: CreateUserRequest,
  ): Promise<UserWithOrg & { initialPassword: string | null }> {
    if (body.password !== undefined) {
      const problems = passwordProblems(body.password);
      if (problems.length) {
        throw identityError('WEAK_PASSWORD', `password needs ${problems.join(', ')}`);
      }
    }
    const initialPassword = body.password === undefined ? generatePassword() : null;
    const passwordHash = await hashPassword(body.password ?? initialPassword!);
    const created = await this.tx.run(async (m) => {
      const org = await this.scope.visibleOrganisation(actor, body.organisationId, { manager: m });
      const roles = checkRoles(body.roles, org.type);
      const repo = m.getRepository(User);
      if (await repo.existsBy({ username: body.username })) {
        throw identityError('DUPLICATE_USERNAME', `username: ${body.username} is taken`, {
          username: body.username,
        });
      }
      const now = this.clock.now();
      const user = await repo.save(
        repo.create({
          username: body.username,
          displayName: body.displayName,
          organisationId: org.id,
          roles,
          passwordHash,
          status: 'active',
          passwordChangedAt: now,
          lastLoginAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'user.created',
        { type: 'user', id: user.id },
        { after: auditState(user) },
      );
      return { user, org };
    });
    return { ...created, initialPassword };
  }

  async update(actor: Actor, id: string, body: UpdateUserRequest): Promise<UserWithOrg> {
    const updated = await this.tx.run(async (m) => {
      const { user, org } = await this.visible(actor, id, m);
      checkSelfChange(actor.id, user.id, body);
      const before = auditState(user);
      const next: User = {
        ...user,
        displayName: body.displayName ?? user.displayName,
        roles: body.roles ? checkRoles(body.roles, org.type) : user.roles,
        status: body.status ?? user.status,
        updatedAt: this.clock.now(),
      };
      await m.getRepository(User).save(next);
      await this.audit.record(
        m,
        actor,
        'user.updated',
        { type: 'user', id: user.id },
        { before, after: auditState(next) },
      );
      return { user: next, org };
    });
    // Roles and status are read from the cached actor: drop it so the change applies now.
    this.resolver.forget();
    return updated;
  }

  async resetPassword(actor: Actor, id: string): Promise<{ userId: string; password: string }> {
    await this.visible(actor, id);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await this.tx.run(async (m) => {
      const { user } = await this.visible(actor, id, m);
      const now = this.clock.now();
      // A new password version: tokens issued before now stop working.
      await m
        .getRepository(User)
        .update({ id: user.id }, { passwordHash, passwordChangedAt: now, updatedAt: now });
      await this.audit.record(m, actor, 'user.password_reset', { type: 'user', id: user.id });
    });
    this.resolver.forget();
    return { userId: id, password };
  }

  /** The user if its organisation is in the actor's scope (locked inside a transaction). */
  private async visible(actor: Actor, id: string, manager?: EntityManager): Promise<UserWithOrg> {
    if (!isId(id)) throw userNotFound(id);
    const repo = manager ? manager.getRepository(User) : this.users;
    const qb = repo
      .createQueryBuilder('u')
      .innerJoin(Organisation, 'o', 'o.id = u.organisationId')
      .where('u.id = :id', { id });
    this.scope.restrictOrganisations(qb, actor, 'o');
    const user = await (manager ? forUpdate(qb) : qb).getOne();
    if (!user) throw userNotFound(id);
    const org = await (manager ? manager.getRepository(Organisation) : this.orgs).findOneByOrFail({
      id: user.organisationId,
    });
    return { user, org };
  }

  private async orgsById(ids: string[]): Promise<Map<string, Organisation>> {
    if (ids.length === 0) return new Map();
    const rows = await this.orgs.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((o) => [o.id, o]));
  }
}

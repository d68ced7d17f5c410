import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { page, Page, skipTake } from '../../../common/pagination';
import { forUpdate } from '../../../database/dialect';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { placeRegion, regionShape } from '../domain/region-rules';
import { isPlatformScope } from '../domain/scope-rules';
import { identityError } from '../identity.errors';
import { IdentityScope } from '../scope/identity-scope.service';
import { containsPattern, startsWithPattern } from '../text';
import { CreateRegionRequest, RegionQuery, UpdateRegionRequest } from './dto/region.dto';
import { Region } from './region.entity';

registerUniqueConstraint('uq_regions__code', {
  table: 'regions',
  columns: ['code'],
  code: 'IDENTITY.DUPLICATE_REGION_CODE',
  message: 'A region with this code already exists',
});

function regionNotFound(code: string) {
  return identityError('REGION_NOT_FOUND', `Region ${code} not found`, { code });
}

/**
 * The administrative division tree. Regions are reference data every user may read; writing
 * is for admins, below their own region.
 */
@Injectable()
export class RegionsService {
  constructor(
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
  ) {}

  async list(query: RegionQuery): Promise<Page<Region>> {
    const qb = this.regions.createQueryBuilder('r');
    if (query.parentCode) qb.andWhere('r.parentCode = :parent', { parent: query.parentCode });
    if (query.level) qb.andWhere('r.level = :level', { level: query.level });
    if (query.code)
      qb.andWhere("r.code LIKE :code ESCAPE '!'", { code: startsWithPattern(query.code) });
    if (query.q) qb.andWhere("r.name LIKE :q ESCAPE '!'", { q: containsPattern(query.q) });
    const { skip, take } = skipTake(query);
    const [items, total] = await qb
      .orderBy('r.code', query.order === 'desc' ? 'DESC' : 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return page(items, total, query);
  }

  async get(code: string): Promise<Region> {
    const region = await this.regions.findOneBy({ code });
    if (!region) throw regionNotFound(code);
    return region;
  }

  async children(code: string): Promise<Region[]> {
    await this.get(code);
    return this.regions.find({ where: { parentCode: code }, order: { code: 'ASC' } });
  }

  async create(actor: Actor, body: CreateRegionRequest): Promise<Region> {
    const shape = regionShape(body.code, body.parentCode);
    return this.tx.run(async (m) => {
      const repo = m.getRepository(Region);
      const parent = shape.parentCode ? await repo.findOneBy({ code: shape.parentCode }) : null;
      const placement = placeRegion(body.code, shape, parent);
      if (parent) await this.scope.assertRegionInScope(actor, parent.code, { manager: m });
      else if (!isPlatformScope(actor)) {
        throw identityError(
          'OUT_OF_SCOPE',
          'code: only a platform-wide admin may create a province',
        );
      }
      if (await repo.existsBy({ code: body.code })) {
        throw identityError('DUPLICATE_REGION_CODE', `Region ${body.code} already exists`, {
          code: body.code,
        });
      }
      const now = this.clock.now();
      const region = await repo.save(
        repo.create({
          code: body.code,
          name: body.name,
          level: placement.level,
          parentCode: placement.parentCode,
          path: placement.path,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'region.created',
        { type: 'region', id: region.code },
        { after: { code: region.code, name: region.name, level: region.level, path: region.path } },
      );
      return region;
    });
  }

  async rename(actor: Actor, code: string, body: UpdateRegionRequest): Promise<Region> {
    return this.tx.run(async (m) => {
      await this.scope.assertRegionInScope(actor, code, { manager: m });
      const region = await forUpdate(
        m.getRepository(Region).createQueryBuilder('r').where('r.code = :code', { code }),
      ).getOneOrFail();
      const before = { name: region.name };
      region.name = body.name;
      region.updatedAt = this.clock.now();
      await m.getRepository(Region).save(region);
      await this.audit.record(
        m,
        actor,
        'region.updated',
        { type: 'region', id: region.code },
        { before, after: { name: region.name } },
      );
      return region;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { restrictOrganisationColumnToSubtree, uniqueName } from '../scope/scope-sql';
import { Region } from './region.entity';

/**
 * Read access to the region tree for other contexts (settlement's funds, payment standards and
 * reports), inside the caller's transaction when it passes its manager. A subtree is a region
 * and every region below it: the regions whose path starts with its path.
 */
@Injectable()
export class RegionTree {
  constructor(@InjectRepository(Region) private readonly regions: Repository<Region>) {}

  /** The region of `code`, or null. */
  find(code: string, m?: EntityManager): Promise<Region | null> {
    return this.repo(m).findOneBy({ code });
  }

  /** The regions of `codes` that exist, by code. */
  async findByCodes(codes: string[], m?: EntityManager): Promise<Map<string, Region>> {
    const wanted = [...new Set(codes)];
    if (wanted.length === 0) return new Map();
    const rows = await this.repo(m).findBy({ code: In(wanted) });
    return new Map(rows.map((r) => [r.code, r]));
  }

  /**
   * Restricts `qb` to rows whose region-code column (`fund.regionCode` …) names a region in the
   * subtree of the region with path `path`, as an `IN (subquery)` so the caller's joins stay.
   */
  restrictRegionColumn<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    column: string,
    path: string,
  ): SelectQueryBuilder<T> {
    const region = uniqueName('tree_region');
    const prefix = uniqueName('treePath');
    const sub = qb
      .subQuery()
      .select(`${region}.code`)
      .from(Region, region)
      .where(`${region}.path LIKE :${prefix}`)
      .getQuery();
    return qb.andWhere(`${column} IN ${sub}`, { [prefix]: `${path}%` });
  }

  /**
   * Restricts `qb` to rows whose organisation-id column (`line.hospitalId` …) names an
   * organisation whose region lies in the subtree of the region with path `path`.
   */
  restrictOrganisationColumn<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    column: string,
    path: string,
  ): SelectQueryBuilder<T> {
    return restrictOrganisationColumnToSubtree(qb, column, path);
  }

  private repo(m?: EntityManager): Repository<Region> {
    return m ? m.getRepository(Region) : this.regions;
  }
}

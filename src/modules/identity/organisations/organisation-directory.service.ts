import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { AllianceMember } from '../alliances/alliance.entity';
import { Region } from '../regions/region.entity';
import { Organisation } from './organisation.entity';

/** Read access to organisations for other contexts (catalogue, imports, procurement …). */
@Injectable()
export class OrganisationDirectory {
  constructor(@InjectRepository(Organisation) private readonly orgs: Repository<Organisation>) {}

  findById(id: string): Promise<Organisation | null> {
    return /^\d+$/.test(id) ? this.orgs.findOneBy({ id }) : Promise.resolve(null);
  }

  async findByCodes(codes: string[]): Promise<Map<string, Organisation>> {
    if (codes.length === 0) return new Map();
    const rows = await this.orgs.findBy({ code: In([...new Set(codes)]) });
    return new Map(rows.map((o) => [o.code, o]));
  }

  /** Inside a transaction pass its manager. */
  async findByIds(ids: string[], manager?: EntityManager): Promise<Map<string, Organisation>> {
    if (ids.length === 0) return new Map();
    const repo = manager ? manager.getRepository(Organisation) : this.orgs;
    const rows = await repo.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((o) => [o.id, o]));
  }

  /** Active hospitals whose region is `regionCode` or lies below it. */
  async hospitalsInRegion(regionCode: string, manager?: EntityManager): Promise<Organisation[]> {
    const region = await (manager ?? this.orgs.manager)
      .getRepository(Region)
      .findOneBy({ code: regionCode });
    if (!region) return [];
    return this.hospitals(manager)
      .innerJoin(Region, 'r', 'r.code = o.regionCode')
      .andWhere('r.path LIKE :prefix', { prefix: `${region.path}%` })
      .getMany();
  }

  /**
   * Whether one active hospital lies in a region subtree or belongs to an alliance (directly or
   * through a member region), without loading everybody else in it.
   */
  async hospitalWithin(
    hospitalId: string,
    within: { regionCode: string } | { allianceId: string },
    manager?: EntityManager,
  ): Promise<Organisation | null> {
    const m = manager ?? this.orgs.manager;
    const hospital = await this.hospitals(manager)
      .andWhere('o.id = :hospitalId', { hospitalId })
      .getOne();
    if (!hospital?.regionCode) return null;
    const own = await m.getRepository(Region).findOneBy({ code: hospital.regionCode });
    if (!own) return null;
    const covers = async (code: string) => {
      const region = await m.getRepository(Region).findOneBy({ code });
      return region !== null && own.path.startsWith(region.path);
    };
    if ('regionCode' in within) return (await covers(within.regionCode)) ? hospital : null;
    const members = await m.getRepository(AllianceMember).findBy({ allianceId: within.allianceId });
    for (const member of members) {
      if (member.organisationId === hospital.id) return hospital;
      if (member.regionCode && (await covers(member.regionCode))) return hospital;
    }
    return null;
  }

  /** Active hospitals of an alliance: its member hospitals and the hospitals of its member regions. */
  async hospitalsOfAlliance(allianceId: string, manager?: EntityManager): Promise<Organisation[]> {
    const repo = (manager ?? this.orgs.manager).getRepository(AllianceMember);
    const members = await repo.findBy({ allianceId });
    const byId = new Map<string, Organisation>();
    const orgIds = members.flatMap((m) => (m.organisationId ? [m.organisationId] : []));
    if (orgIds.length > 0) {
      const rows = await this.hospitals(manager)
        .andWhere('o.id IN (:...orgIds)', { orgIds })
        .getMany();
      rows.forEach((o) => byId.set(o.id, o));
    }
    for (const m of members) {
      if (!m.regionCode) continue;
      for (const o of await this.hospitalsInRegion(m.regionCode, manager)) byId.set(o.id, o);
    }
    return [...byId.values()];
  }

  private hospitals(manager?: EntityManager) {
    return (manager ?? this.orgs.manager)
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .where("o.type = 'hospital'")
      .andWhere("o.status = 'active'");
  }
}

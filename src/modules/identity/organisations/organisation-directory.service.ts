import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
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

  async findByIds(ids: string[]): Promise<Map<string, Organisation>> {
    if (ids.length === 0) return new Map();
    const rows = await this.orgs.findBy({ id: In([...new Set(ids)]) });
    return new Map(rows.map((o) => [o.id, o]));
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { forUpdate } from '../../../database/dialect';
import { Organisation } from '../../identity/organisations/organisation.entity';
import { Region } from '../../identity/regions/region.entity';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { Agreement } from '../../procurement/awards/agreement.entity';
import { Round } from '../../procurement/rounds/round.entity';
import { poolingRegionCode } from '../prepayment/domain/agreement-year';
import { settlementError } from '../settlement.errors';

/** Round states in which the award's agreements exist. */
const AWARDED_STATES = ['awarded', 'in_execution', 'completed'];

const isId = (value: string) => /^\d{1,18}$/.test(value);

/**
 * What §S2, §S5 and §S6 read of an awarded round: the round, its agreements, and the pooling
 * region of each hospital. Read-only: procurement and identity own these tables; settlement
 * never writes them. (AgreementDirectory answers one agreement at a time; these policies work
 * on a whole round.)
 */
@Injectable()
export class AwardedRounds {
  constructor(private readonly scope: IdentityScope) {}

  /** The round, locked for the caller's run; 404 unknown, 409 not awarded yet. */
  async awarded(m: EntityManager, roundId: string): Promise<Round> {
    const round = isId(roundId)
      ? await forUpdate(
          m.getRepository(Round).createQueryBuilder('r').where('r.id = :id', { id: roundId }),
        ).getOne()
      : null;
    if (!round)
      throw settlementError('POLICY_ROUND_NOT_FOUND', `roundId: no round ${roundId}`, {
        field: 'roundId',
      });
    if (!AWARDED_STATES.includes(round.status))
      throw settlementError(
        'POLICY_ROUND_NOT_AWARDED',
        `roundId: round ${round.code} is ${round.status}; it has no agreements before the award`,
        { field: 'roundId', status: round.status },
      );
    return round;
  }

  /** The round's agreements, of the hospitals the actor sees (all for the system). */
  agreements(m: EntityManager, roundId: string, actor: Actor | null): Promise<Agreement[]> {
    const qb = m
      .getRepository(Agreement)
      .createQueryBuilder('a')
      .where('a.roundId = :roundId', { roundId })
      .orderBy('a.hospitalId', 'ASC')
      .addOrderBy('a.lotId', 'ASC')
      .addOrderBy('a.id', 'ASC');
    if (actor) this.scope.restrictByOrganisationColumn(qb, actor, 'a.hospitalId');
    return qb.getMany();
  }

  /** Each organisation's region and its pooling region (the city, §S1 fund accounts). */
  async regionsOf(
    m: EntityManager,
    orgIds: string[],
  ): Promise<Map<string, { regionCode: string; poolingRegion: string }>> {
    const ids = [...new Set(orgIds)];
    if (ids.length === 0) return new Map();
    const orgs = await m.getRepository(Organisation).findBy({ id: In(ids) });
    const codes = [...new Set(orgs.map((o) => o.regionCode).filter((c): c is string => !!c))];
    const regions = codes.length ? await m.getRepository(Region).findBy({ code: In(codes) }) : [];
    const pathOf = new Map(regions.map((r) => [r.code, r.path]));
    const out = new Map<string, { regionCode: string; poolingRegion: string }>();
    for (const o of orgs) {
      const path = o.regionCode ? pathOf.get(o.regionCode) : undefined;
      if (o.regionCode && path)
        out.set(o.id, { regionCode: o.regionCode, poolingRegion: poolingRegionCode(path) });
    }
    return out;
  }
}

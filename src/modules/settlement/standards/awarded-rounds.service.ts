import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { OrganisationDirectory } from '../../identity/organisations/organisation-directory.service';
import { RegionTree } from '../../identity/regions/region-tree.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { EffectiveAgreement } from '../../procurement/awards/agreement-directory.service';
import {
  AwardedRoundFacts,
  LotFacts,
  RoundFacts,
} from '../../procurement/awards/awarded-round-facts.service';
import { poolingRegionCode } from '../prepayment/domain/agreement-year';
import { settlementError } from '../settlement.errors';

/**
 * What §S2, §S5 and §S6 read of an awarded round: the round, its lots, its agreements, and the
 * pooling region of each hospital — through procurement's AwardedRoundFacts; settlement never
 * reads or writes procurement's tables itself.
 */
@Injectable()
export class AwardedRounds {
  constructor(
    private readonly scope: IdentityScope,
    private readonly facts: AwardedRoundFacts,
    private readonly directory: OrganisationDirectory,
    private readonly regions: RegionTree,
  ) {}

  /** The round, locked for the caller's run; 404 unknown, 409 not awarded yet. */
  async awarded(m: EntityManager, roundId: string): Promise<RoundFacts> {
    const round = await this.facts.round(m, roundId, { lock: true });
    if (!round)
      throw settlementError('POLICY_ROUND_NOT_FOUND', `roundId: no round ${roundId}`, {
        field: 'roundId',
      });
    if (!round.awarded)
      throw settlementError(
        'POLICY_ROUND_NOT_AWARDED',
        `roundId: round ${round.code} is ${round.status}; it has no agreements before the award`,
        { field: 'roundId', status: round.status },
      );
    return round;
  }

  /** Every awarded round (awarded, in execution, completed). */
  awardedRounds(): Promise<RoundFacts[]> {
    return this.facts.awardedRounds();
  }

  /** The round's agreements, of the hospitals the actor sees (all for the system). */
  async agreements(
    m: EntityManager,
    roundId: string,
    actor: Actor | null,
  ): Promise<EffectiveAgreement[]> {
    const all = await this.facts.agreements(m, roundId);
    if (!actor) return all;
    const visible = await this.scope.visibleOrganisationIds(actor, [
      ...new Set(all.map((a) => a.hospitalId)),
    ]);
    return all.filter((a) => visible.has(a.hospitalId));
  }

  /** The round's lots with their admitted products. */
  lots(m: EntityManager, roundId: string): Promise<LotFacts[]> {
    return this.facts.lots(m, roundId);
  }

  /** Each organisation's region and its pooling region (the city, §S1 fund accounts). */
  async regionsOf(
    m: EntityManager,
    orgIds: string[],
  ): Promise<Map<string, { regionCode: string; poolingRegion: string }>> {
    const orgs = [...(await this.directory.findByIds(orgIds, m)).values()];
    const codes = orgs.map((o) => o.regionCode).filter((c): c is string => !!c);
    const regions = await this.regions.findByCodes(codes, m);
    const out = new Map<string, { regionCode: string; poolingRegion: string }>();
    for (const o of orgs) {
      const path = o.regionCode ? regions.get(o.regionCode)?.path : undefined;
      if (o.regionCode && path)
        out.set(o.id, { regionCode: o.regionCode, poolingRegion: poolingRegionCode(path) });
    }
    return out;
  }
}

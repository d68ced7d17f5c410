import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { Decimal } from '../../../database/decimal';
import { forUpdate } from '../../../database/dialect';
import { Lot, LotSpec } from '../lots/lot.entity';
import { RoundState } from '../rounds/domain/round-state';
import { Round } from '../rounds/round.entity';
import { EffectiveAgreement } from './agreement-directory.service';
import { Agreement } from './agreement.entity';

/** Round states in which the award's agreements exist. */
export const AWARDED_ROUND_STATES: readonly RoundState[] = ['awarded', 'in_execution', 'completed'];

/** What other contexts read of a round. */
export interface RoundFacts {
  id: string;
  code: string;
  status: RoundState;
  /** Whether the round is awarded (its agreements exist). */
  awarded: boolean;
  /** The agreements' first day, YYYY-MM-DD. */
  contractStart: string;
}

/** What other contexts read of a lot: its representative spec and admitted products. */
export interface LotFacts {
  id: string;
  roundId: string;
  code: string;
  dosageFormClass: string;
  repStrength: Decimal;
  repStrengthUnit: string;
  /** The products admitted to the lot (lot_specs), by id ascending. */
  admittedProductIds: string[];
}

const isId = (value: string) => /^\d{1,18}$/.test(value);

/**
 * Read access to awarded rounds for other contexts: settlement's §S2 prepayment, §S5 payment
 * standards and §S6 surplus retention work on a whole round's lots and agreements, where
 * AgreementDirectory answers one agreement at a time. Read-only; procurement owns the tables.
 */
@Injectable()
export class AwardedRoundFacts {
  constructor(@InjectRepository(Round) private readonly rounds: Repository<Round>) {}

  /**
   * A round, or null. With `lock`, its row is locked for the caller's transaction, so two runs
   * of a policy over the same round take turns (MySQL; SQLite serialises writers anyway).
   */
  async round(
    m: EntityManager,
    roundId: string,
    opts: { lock?: boolean } = {},
  ): Promise<RoundFacts | null> {
    if (!isId(roundId)) return null;
    const qb = m.getRepository(Round).createQueryBuilder('r').where('r.id = :id', { id: roundId });
    const round = await (opts.lock ? forUpdate(qb) : qb).getOne();
    return round ? facts(round) : null;
  }

  /** Every awarded round (awarded, in execution, completed), by id ascending. */
  async awardedRounds(m?: EntityManager): Promise<RoundFacts[]> {
    const rows = await (m ? m.getRepository(Round) : this.rounds).find({
      where: { status: In([...AWARDED_ROUND_STATES]) },
      order: { id: 'ASC' },
    });
    return rows.map(facts);
  }

  /** The round's agreements, by hospital, lot and id. */
  async agreements(m: EntityManager, roundId: string): Promise<EffectiveAgreement[]> {
    const rows = await m
      .getRepository(Agreement)
      .createQueryBuilder('a')
      .where('a.roundId = :roundId', { roundId })
      .orderBy('a.hospitalId', 'ASC')
      .addOrderBy('a.lotId', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    return rows.map((a) => ({
      id: a.id,
      code: a.code,
      roundId: a.roundId,
      lotId: a.lotId,
      hospitalId: a.hospitalId,
      supplierId: a.supplierId,
      productId: a.productId,
      packPrice: a.packPrice,
      unitPrice: a.unitPrice,
      agreedQuantity: a.agreedQuantity,
      startDate: a.startDate,
      endDate: a.endDate,
    }));
  }

  /** The round's lots with their admitted products, by id. */
  async lots(m: EntityManager, roundId: string): Promise<LotFacts[]> {
    const lots = await m.getRepository(Lot).find({ where: { roundId }, order: { id: 'ASC' } });
    if (lots.length === 0) return [];
    const specs = await m.getRepository(LotSpec).find({
      where: { lotId: In(lots.map((l) => l.id)) },
      order: { id: 'ASC' },
    });
    return lots.map((l) => ({
      id: l.id,
      roundId: l.roundId,
      code: l.code,
      dosageFormClass: l.dosageFormClass,
      repStrength: l.repStrength,
      repStrengthUnit: l.repStrengthUnit,
      admittedProductIds: specs.filter((s) => s.lotId === l.id).map((s) => s.productId),
    }));
  }
}

function facts(r: Round): RoundFacts {
  return {
    id: r.id,
    code: r.code,
    status: r.status,
    awarded: AWARDED_ROUND_STATES.includes(r.status),
    contractStart: r.contractStart,
  };
}

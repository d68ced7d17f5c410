import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Round, RoundCommitment } from './round.entity';

/** A supplier's signed integrity commitment for one round, as other contexts read it. */
export interface SignedRoundCommitment {
  roundId: string;
  roundCode: string;
  roundName: string;
  signedBy: string;
  signedByName: string;
  signedAt: Date;
  /** The commitment text version signed (§K4) and its SHA-256. */
  textVersion: string;
  textSha256: string;
}

/**
 * Read access to the per-round integrity commitments (§P4) for other contexts: credit shows a
 * supplier's round commitments beside its general ones (§K4). Read-only; procurement owns the
 * table and writes it when a supplier signs a round's commitment.
 */
@Injectable()
export class RoundCommitmentFacts {
  constructor(
    @InjectRepository(RoundCommitment) private readonly commitments: Repository<RoundCommitment>,
    @InjectRepository(Round) private readonly rounds: Repository<Round>,
  ) {}

  /** Every round commitment the supplier signed, in signing order. */
  async signedBy(supplierId: string): Promise<SignedRoundCommitment[]> {
    const signed = await this.commitments.find({
      where: { supplierId },
      order: { signedAt: 'ASC', id: 'ASC' },
    });
    if (signed.length === 0) return [];
    const rounds = new Map(
      (await this.rounds.findBy({ id: In([...new Set(signed.map((c) => c.roundId))]) })).map(
        (r) => [r.id, r],
      ),
    );
    return signed.map((c) => ({
      roundId: c.roundId,
      roundCode: rounds.get(c.roundId)?.code ?? '',
      roundName: rounds.get(c.roundId)?.name ?? '',
      signedBy: c.signedBy,
      signedByName: c.signedByName,
      signedAt: c.signedAt,
      textVersion: c.textVersion,
      textSha256: c.textSha256,
    }));
  }
}

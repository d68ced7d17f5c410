import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { Round, RoundCommitment } from '../../procurement/rounds/round.entity';
import { creditError } from '../credit.errors';
import { CommitmentText, SupplierCommitment } from './commitment.entity';
import {
  CommitmentTextView,
  GeneralCommitmentView,
  SignCommitmentRequest,
  SupplierCommitmentsView,
} from './dto/commitment.dto';

/**
 * §K4 integrity commitments (信用承诺): the general commitment every supplier signs, versioned
 * text with its digest, and — for the supplier's record in one place — the per-round
 * commitments procurement keeps (table `round_commitments`, read here, written only there).
 */
@Injectable()
export class CommitmentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    @InjectRepository(CommitmentText) private readonly texts: Repository<CommitmentText>,
    @InjectRepository(SupplierCommitment)
    private readonly commitments: Repository<SupplierCommitment>,
  ) {}

  async current(): Promise<CommitmentTextView> {
    return CommitmentTextView.of(await this.currentText());
  }

  /** Signs the current text; signing the same version again answers the first signature. */
  async sign(actor: Actor, body: SignCommitmentRequest): Promise<GeneralCommitmentView> {
    if (actor.orgType !== 'manufacturer' && actor.orgType !== 'distributor')
      throw creditError(
        'COMMITMENT_SUPPLIER_ONLY',
        'Only a manufacturer or distributor signs the integrity commitment',
      );
    const row = await this.tx.run(async (m) => {
      const text = await this.currentText();
      if (text.version !== body.version)
        throw creditError(
          'COMMITMENT_TEXT_NOT_FOUND',
          `version: ${body.version} is not the current commitment text; sign version ${text.version}`,
          { field: 'version', current: text.version },
        );
      const repo = m.getRepository(SupplierCommitment);
      const existing = await repo.findOneBy({ supplierId: actor.orgId, textVersion: text.version });
      if (existing) return existing;
      const saved = await repo.save(
        repo.create({
          supplierId: actor.orgId,
          textVersion: text.version,
          textSha256: text.sha256,
          signedBy: actor.id,
          signedAt: this.clock.now(),
        }),
      );
      await this.audit.record(
        m,
        actor,
        'credit_commitment.signed',
        { type: 'credit_commitment', id: saved.id },
        { after: { supplierId: actor.orgId, textVersion: text.version, sha256: text.sha256 } },
      );
      return saved;
    });
    return GeneralCommitmentView.of(row);
  }

  /** Both kinds of commitment of a supplier the actor may see (a supplier: itself only). */
  async ofSupplier(actor: Actor, supplierId: string): Promise<SupplierCommitmentsView> {
    const org = await this.scope.visibleOrganisation(actor, supplierId);
    if (org.type !== 'manufacturer' && org.type !== 'distributor')
      throw creditError('CASE_SUPPLIER_INVALID', `supplierId: ${supplierId} is not a supplier`, {
        field: 'supplierId',
      });
    const general = await this.commitments.find({
      where: { supplierId: org.id },
      order: { signedAt: 'ASC', id: 'ASC' },
    });
    const m = this.commitments.manager;
    const signed = await m
      .getRepository(RoundCommitment)
      .find({ where: { supplierId: org.id }, order: { signedAt: 'ASC', id: 'ASC' } });
    const rounds = new Map(
      (signed.length
        ? await m.getRepository(Round).findBy({ id: In(signed.map((c) => c.roundId)) })
        : []
      ).map((r) => [r.id, r]),
    );
    return {
      supplierId: org.id,
      general: general.map((c) => GeneralCommitmentView.of(c)),
      rounds: signed.map((c) => ({
        roundId: c.roundId,
        roundCode: rounds.get(c.roundId)?.code ?? '',
        roundName: rounds.get(c.roundId)?.name ?? '',
        signedBy: c.signedBy,
        signedAt: c.signedAt.toISOString(),
      })),
    };
  }

  private async currentText(): Promise<CommitmentText> {
    const [text] = await this.texts.find({ order: { publishedAt: 'DESC', id: 'DESC' }, take: 1 });
    if (!text)
      throw creditError('COMMITMENT_TEXT_NOT_FOUND', 'No integrity commitment text is published');
    return text;
  }
}

import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { registerUniqueConstraint } from '../../../common/errors/unique-constraints';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { IdentityScope } from '../../identity/scope/identity-scope.service';
import { RoundCommitmentFacts } from '../../procurement/rounds/round-commitment-facts.service';
import { creditError } from '../credit.errors';
import { CommitmentText, SupplierCommitment } from './commitment.entity';
import { CommitmentTextStore } from './commitment-texts.module';
import {
  CommitmentTextView,
  GeneralCommitmentView,
  PublishCommitmentTextRequest,
  RoundCommitmentView,
  SignCommitmentRequest,
  SupplierCommitmentsView,
} from './dto/commitment.dto';

registerUniqueConstraint('uq_credit_commitment_texts__version', {
  table: 'credit_commitment_texts',
  columns: ['version'],
  code: 'CREDIT.COMMITMENT_TEXT_VERSION_TAKEN',
  message: 'version: another commitment text took this version at the same moment',
});

/**
 * §K4 integrity commitments (信用承诺): the commitment text the bureau publishes in versions,
 * the general commitment every supplier signs, with the digest of the words signed, and — for
 * the supplier's record in one place — the per-round commitments procurement keeps (read through
 * RoundCommitmentFacts). Publishing a version does not void earlier signatures: a general
 * commitment names its version, and a round's commitment stays valid for its round; suppliers
 * see which version they signed and whether it is still in force.
 */
@Injectable()
export class CommitmentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: IdentityScope,
    private readonly texts: CommitmentTextStore,
    private readonly roundCommitments: RoundCommitmentFacts,
    @InjectRepository(SupplierCommitment)
    private readonly commitments: Repository<SupplierCommitment>,
  ) {}

  async current(): Promise<CommitmentTextView> {
    return CommitmentTextView.of(await this.texts.current(), true);
  }

  /** Every published version, the one in force first. */
  async history(): Promise<CommitmentTextView[]> {
    const rows = await this.texts.history();
    return rows.map((t, i) => CommitmentTextView.of(t, i === 0));
  }

  /** Publishes a new version of the text; from now on suppliers sign it. */
  async publish(actor: Actor, body: PublishCommitmentTextRequest): Promise<CommitmentTextView> {
    const text = body.body.trim();
    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    const row = await this.tx.run(async (m) => {
      // Locked first: concurrent publishes take turns, so each compares with the text in force.
      const current = await this.texts.current(m, true);
      const repo = m.getRepository(CommitmentText);
      if (await repo.existsBy({ version: body.version }))
        throw creditError(
          'COMMITMENT_TEXT_VERSION_TAKEN',
          `version: commitment text ${body.version} is already published; name the new version otherwise`,
          { field: 'version' },
        );
      if (current.sha256 === sha256)
        throw creditError(
          'COMMITMENT_TEXT_UNCHANGED',
          `body: the text is the same as version ${current.version} in force; publish changed words only`,
          { field: 'body', current: current.version },
        );
      const saved = await repo.save(
        repo.create({
          version: body.version,
          title: body.title.trim(),
          body: text,
          sha256,
          publishedAt: this.clock.now(),
          publishedBy: actor.id,
        }),
      );
      await this.audit.record(
        m,
        actor,
        'credit_commitment_text.published',
        { type: 'credit_commitment_text', id: saved.id },
        {
          before: { version: current.version, sha256: current.sha256 },
          after: { version: saved.version, title: saved.title, sha256 },
        },
      );
      return saved;
    });
    return CommitmentTextView.of(row, true);
  }

  /** Signs the current text; signing the same version again answers the first signature. */
  async sign(actor: Actor, body: SignCommitmentRequest): Promise<GeneralCommitmentView> {
    if (actor.orgType !== 'manufacturer' && actor.orgType !== 'distributor')
      throw creditError(
        'COMMITMENT_SUPPLIER_ONLY',
        'Only a manufacturer or distributor signs the integrity commitment',
      );
    const row = await this.tx.run(async (m) => {
      const repo = m.getRepository(SupplierCommitment);
      // A retry answers the signature it made, even after a later version was published.
      const existing = await repo.findOneBy({ supplierId: actor.orgId, textVersion: body.version });
      if (existing) return existing;
      const text = await this.texts.current(m);
      if (text.version !== body.version)
        throw creditError(
          'COMMITMENT_TEXT_NOT_FOUND',
          `version: ${body.version} is not the current commitment text; sign version ${text.version}`,
          { field: 'version', current: text.version },
        );
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
    return GeneralCommitmentView.of(row, (await this.texts.current()).version);
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
    const rounds = await this.roundCommitments.signedBy(org.id);
    const { version } = await this.texts.current();
    return {
      supplierId: org.id,
      general: general.map((c) => GeneralCommitmentView.of(c, version)),
      rounds: rounds.map((c) => RoundCommitmentView.of(c, version)),
    };
  }
}

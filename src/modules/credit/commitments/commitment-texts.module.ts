import { Global, Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { forUpdate } from '../../../database/dialect';
import { CurrentCommitmentText } from '../../procurement/rounds/commitment-text';
import { creditError } from '../credit.errors';
import { CommitmentText } from './commitment.entity';

/**
 * The integrity commitment texts credit publishes (§K4). The one in force is the last one
 * published (highest id: publication order, whatever the clock said).
 */
@Injectable()
export class CommitmentTextStore extends CurrentCommitmentText {
  constructor(
    @InjectRepository(CommitmentText) private readonly texts: Repository<CommitmentText>,
  ) {
    super();
  }

  /** The text in force; `lock` (inside `m`'s transaction) holds it until a publish commits. */
  async current(m?: EntityManager, lock = false): Promise<CommitmentText> {
    const repo = m ? m.getRepository(CommitmentText) : this.texts;
    const last = repo.createQueryBuilder('t').orderBy('t.id', 'DESC').limit(1);
    const text = await (lock ? forUpdate(last) : last).getOne();
    if (!text)
      throw creditError('COMMITMENT_TEXT_NOT_FOUND', 'No integrity commitment text is published');
    return text;
  }

  /** Every version, the one in force first. */
  history(): Promise<CommitmentText[]> {
    return this.texts.find({ order: { id: 'DESC' } });
  }
}

/**
 * Binds procurement's CurrentCommitmentText port (a round's commitment signs the text in force)
 * to credit's texts. Global, because procurement cannot import credit — credit reads procurement
 * — so, as with CreditSanctionsModule, the binding lives with the provider.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([CommitmentText])],
  providers: [
    CommitmentTextStore,
    { provide: CurrentCommitmentText, useExisting: CommitmentTextStore },
  ],
  exports: [CommitmentTextStore, CurrentCommitmentText],
})
export class CommitmentTextsModule {}

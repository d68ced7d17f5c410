import { Global, Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
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

  async current(m?: EntityManager): Promise<CommitmentText> {
    const repo = m ? m.getRepository(CommitmentText) : this.texts;
    const [text] = await repo.find({ order: { id: 'DESC' }, take: 1 });
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

import { Injectable } from '@nestjs/common';
import { JobHandler } from '../../../../jobs/job-queue';
import { RatingsService } from '../ratings.service';

export const RATING_LAPSE = { queue: 'credit', name: 'rating-lapse' } as const;

/** §K2 the periodic job `credit:rating-lapse`: writes down lapsed ratings, lifts their holds. */
@Injectable()
export class RatingLapseJob implements JobHandler {
  readonly queue = RATING_LAPSE.queue;
  readonly name = RATING_LAPSE.name;

  constructor(private readonly ratings: RatingsService) {}

  async handle(): Promise<void> {
    await this.ratings.lapseDue();
  }
}

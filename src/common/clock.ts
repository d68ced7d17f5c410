import { Injectable } from '@nestjs/common';

/** Time is a dependency: services ask the clock, tests replace it. */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

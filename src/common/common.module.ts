import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { HttpMetrics } from './http/http-metrics';

@Global()
@Module({})
export class CommonModule {
  /** `clock` replaces the system clock: the demo and the bench play a round's timeline with it. */
  static forRoot(clock?: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        clock ? { provide: Clock, useValue: clock } : { provide: Clock, useClass: SystemClock },
        HttpMetrics,
      ],
      exports: [Clock, HttpMetrics],
    };
  }
}

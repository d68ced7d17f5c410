import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { HttpMetrics } from './http/http-metrics';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, HttpMetrics],
  exports: [Clock, HttpMetrics],
})
export class CommonModule {}

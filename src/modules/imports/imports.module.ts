import { Global, Module } from '@nestjs/common';
import { ImportKindRegistry } from './import-kind.registry';

/** Global so every context can register its import kinds. */
@Global()
@Module({
  providers: [ImportKindRegistry],
  exports: [ImportKindRegistry],
})
export class ImportsModule {}

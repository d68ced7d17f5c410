import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JsonLogger } from './common/logging/json-logger';
import { ConfigError, loadConfig } from './config/config';
import { LedgerCheckModule } from './modules/settlement/ledger/ledger-check.module';
import { LedgerCheck } from './modules/settlement/ledger/ledger-check.service';

/**
 * `npm run ledger:check`: proves the §S1 invariant on the configured database, prints the
 * result as JSON and exits 1 when a journal does not balance or a cached balance is off.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(LedgerCheckModule.forRoot(config), {
    logger: new JsonLogger('warn'),
  });
  try {
    const result = await app.get(LedgerCheck).run();
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});

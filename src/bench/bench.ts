import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config';
import { BenchApp, startBenchApp } from './bench-app';
import { parseArgs, usage, UsageError } from './domain/cli';
import { BenchResult, formatTable, TABLE_HEADERS, tableRow, timestampName } from './domain/report';
import { SCALES } from './domain/scale';
import { SCENARIOS } from './registry';
import type { BenchContext } from './scenario';

/**
 * `npm run bench -- [scenario ...] [--scale small|province]`: measures the §N figures against
 * the machine's own limits in the same run, prints a table and writes it as JSON under
 * `${DATA_DIR}/bench/`. A target not met is a finding, not a failure: the exit code is 0
 * unless a scenario could not be measured.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function runPrefix(): string {
  return [...randomBytes(7)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

async function main(): Promise<number> {
  const names = SCENARIOS.map((s) => s.name);
  const args = parseArgs(process.argv.slice(2), names);
  if (args.help) {
    console.log(usage(names));
    return 0;
  }
  // The caller's environment decides the database, queues and where results go; the secret is
  // irrelevant here and passed so that reading the configuration writes nothing.
  const env = loadConfig({ JWT_SECRET: randomBytes(48).toString('base64url') });
  const scale = SCALES[args.scale];
  const prefix = runPrefix();
  const startedAt = new Date();
  const t0 = Date.now();
  const progress = (message: string) =>
    console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}`);

  progress(
    `scale ${scale.name}, scenarios ${args.scenarios.join(', ')}, run ${prefix}, ` +
      `${cpus().length} CPUs, database ${env.database.type}, jobs ${env.redisUrl ? 'BullMQ' : 'in-process'}`,
  );
  let app: Promise<BenchApp> | null = null;
  let booted: BenchApp | null = null;
  const ctx: BenchContext = {
    scale,
    prefix,
    app: () =>
      (app ??= startBenchApp(scale, prefix, progress).then((a) => {
        booted = a;
        return a;
      })),
    progress,
  };

  const results: BenchResult[] = [];
  const errors: { scenario: string; error: string }[] = [];
  try {
    for (const scenario of SCENARIOS.filter((s) => args.scenarios.includes(s.name))) {
      progress(`${scenario.name}: ${scenario.description}`);
      try {
        results.push(...(await scenario.run(ctx)));
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        errors.push({ scenario: scenario.name, error: message });
        progress(`${scenario.name} failed: ${message}`);
      }
    }
  } finally {
    if (booted) {
      progress('stopping the API');
      await (booted as BenchApp).close();
    }
  }

  console.log('');
  console.log(formatTable(TABLE_HEADERS, results.map(tableRow)));
  for (const e of errors) console.log(`\n${e.scenario}: not measured — ${e.error.split('\n')[0]}`);

  const dir = join(env.dataDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${timestampName(startedAt)}.json`);
  const cpu = cpus();
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        scale,
        runPrefix: prefix,
        dataset: (booted as BenchApp | null)?.dataset.counts ?? null,
        mode: {
          database: env.database.type,
          jobs: env.redisUrl ? 'bullmq' : 'in-process',
        },
        machine: {
          cpus: cpu.length,
          cpuModel: cpu[0]?.model ?? null,
          totalMemoryBytes: totalmem(),
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
        },
        results,
        errors,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nResults written to ${file}`);
  return errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError)
      console.error(`${err.message}\n\n${usage(SCENARIOS.map((s) => s.name))}`);
    else console.error(err instanceof ConfigError ? err.message : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);

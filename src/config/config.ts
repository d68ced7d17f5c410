import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The only place that reads the environment. Every variable is listed in VARIABLES (and in the
 * README's configuration table); validate() turns a raw env into a typed AppConfig or throws a
 * ConfigError naming every bad variable.
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  dataDir: string;
  database:
    | { type: 'sqlite'; path: string }
    | { type: 'mysql'; url: string; host: string; port: number; database: string };
  redisUrl: string | null;
  queuePrefix: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** §P4 server secret the per-round bid-sealing keys are derived from. */
  bidSealKey: string;
  /** How often the round timer looks for due timed transitions (§P1). */
  roundTimerSeconds: number;
  /** §E2/§K4 a first delivery later than this after placement counts as late. */
  deliveryDelayHours: number;
  /** §S3 the direct settlement cycle. */
  settlementCycle: {
    reconciliationWorkingDays: number;
    deemedConfirmation: boolean;
    /** Which accepted lines statements bill: every product bought, or VBP (agreement) lines only. */
    scope: 'all' | 'vbp';
    deadlineCheckSeconds: number;
  };
  /** §S4 payment deadlines: days from acceptance to pay, the due-soon horizon, the overdue sweep. */
  paymentDeadlines: { paymentDays: number; dueSoonDays: number; overdueCheckSeconds: number };
  /** §S2 the least share of a hospital's annual agreed amount the fund prepays, "0.3". */
  prepaymentShare: string;
  /** §S5 how often awarded rounds without payment standards are looked for. */
  paymentStandardsSweepSeconds: number;
  /** §M8 how often the monthly full monitoring scan checks whether last month was scanned. */
  monitoringScanSeconds: number;
  /** §S6 budget factors: defaults, and per pooling region (6-digit code) overrides. */
  retention: {
    fundPaymentRatio: string;
    insuredShare: string;
    regions: Record<string, { fundPaymentRatio: string; insuredShare: string }>;
    /** No retention unless the agreed volume was bought. */
    requireCompletion: boolean;
  };
  /** §E3 a usage row for day D is late when received after the end of D + this many days (China time). */
  usageLateAfterDays: number;
  /** §E4 monthly completion check: the behind-schedule threshold (a fraction) and its period. */
  completion: { behindThreshold: string; checkSeconds: number };
  /** §M6 working days a supplier has to answer a price case's inquiry letter. */
  priceCaseReplyWorkingDays: number;
  /** §M7 how often the monthly monitoring report job looks for last month's missing report. */
  monitoringReportSeconds: number;
  /** §K2 the rating scheme version new credit cases are rated under, unless an admin activated another. */
  creditScheme: string;
  /** §K2 how often ratings past their validity are marked lapsed and their sanctions lifted. */
  creditLapseCheckSeconds: number;
  /** §M1 how often observations are derived from purchases, deliveries, bids and listings. */
  observationDeriveSeconds: number;
  /** §K5 supply rules: days of agreed demand stock must cover, least fill rate, evaluation period. */
  supply: { stockDays: number; fillRateMin: string; evaluationSeconds: number };
  bootstrapAdmin: { username: string; password: string | null };
  loginRateLimit: { limit: number; windowSeconds: number };
  uploadRateLimit: { limit: number; windowSeconds: number };
  uploads: { maxBytes: number; maxRows: number; maxUncompressedBytes: number; maxZipRatio: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  runMigrations: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Documentation of every variable: used by the README table and by `validate`. */
export const VARIABLES: Record<string, string> = {
  NODE_ENV: 'development | production | test (default development)',
  PORT: 'HTTP port (default 3000)',
  DATA_DIR:
    'Directory for the embedded SQLite file, uploads and generated secrets (default ./data)',
  DATABASE_URL: 'mysql://user:pass@host:3306/db — MySQL/MariaDB; unset = embedded SQLite',
  REDIS_URL: 'redis://host:6379 — BullMQ queues with a separate worker; unset = in-process jobs',
  QUEUE_PREFIX: 'BullMQ key prefix (default jicai; use {jicai} on Redis Cluster)',
  JWT_SECRET:
    'HMAC secret for access tokens (≥ 32 chars); embedded mode generates one into DATA_DIR',
  JWT_TTL_SECONDS: 'Access-token lifetime (default 28800 = 8 h)',
  BID_SEAL_KEY:
    "Secret (≥ 32 chars) from which each round's bid-encryption key is derived; embedded mode generates one into DATA_DIR. Keep it: sealed bids cannot be opened without it",
  ROUND_TIMER_SECONDS:
    'How often rounds are checked for timed transitions — bidding deadline, opening (default 30)',
  RECONCILIATION_WORKING_DAYS:
    'Working days (Mon–Fri) hospital and supplier have to confirm or dispute a statement (default 5)',
  DEEMED_CONFIRMATION:
    'Silence counts as confirmation at the reconciliation deadline (default true)',
  SETTLEMENT_SCOPE:
    'Which accepted delivery lines statements bill: all (every listed or awarded product bought, default) | vbp (lines ordered under an agreement only)',
  RECONCILIATION_CHECK_SECONDS:
    'How often statements past their reconciliation deadline are looked for (default 300)',
  PAYMENT_DAYS:
    'Days after acceptance (China business dates) within which an accepted delivery line must be paid (default 30)',
  DUE_SOON_DAYS:
    'An unpaid line whose due date is at most this many days away is listed as due soon (default 5)',
  OVERDUE_CHECK_SECONDS:
    'How often unpaid lines past their due date are looked for to raise overdue alerts (default 3600)',
  DELIVERY_DELAY_HOURS:
    'Hours after an order is placed by which its first delivery is due; later counts as a delivery delay (default 48)',
  USAGE_LATE_AFTER_DAYS:
    'A usage/stock row for day D is flagged late when received after the end of day D + this many days, China time (default 1 = T+1)',
  COMPLETION_BEHIND_THRESHOLD:
    'An agreement is behind schedule when its completion rate trails the elapsed share of its term by more than this fraction (default 0.2 = 20 percentage points)',
  COMPLETION_CHECK_SECONDS:
    'How often the completion check looks for a finished month without snapshots (default 3600)',
  PREPAYMENT_SHARE:
    "Least share of a hospital's annual agreed amount the fund prepays when agreements take effect, a fraction (default 0.3)",
  PAYMENT_STANDARDS_SWEEP_SECONDS:
    'How often awarded rounds whose payment standards were never set (the award job lost or failed) are looked for and set (default 3600)',
  RETENTION_FUND_PAYMENT_RATIO:
    'Surplus retention: share of a purchase the fund pays, a fraction (default 0.7)',
  RETENTION_INSURED_SHARE:
    "Surplus retention: share of a hospital's use by insured patients, a fraction (default 1)",
  RETENTION_REGION_RATIOS:
    'Per-pooling-region overrides of the two above: 320100=0.75/0.9,320200=0.7/1 (region=fundPaymentRatio/insuredShare)',
  RETENTION_REQUIRE_COMPLETION:
    'Surplus retention only when the agreed volume was bought (default true)',
  PRICE_CASE_REPLY_WORKING_DAYS:
    "Working days (Mon–Fri) a supplier has to answer a price case's inquiry letter (default 10)",
  OBSERVATION_DERIVE_SECONDS:
    'How often price observations are derived from orders, accepted deliveries, opened bids and listings for the current and previous month, and observation partitions kept ahead (default 3600)',
  MONITORING_REPORT_SECONDS:
    "How often the monthly monitoring report job checks that last month's report exists (default 86400)",
  SUPPLY_STOCK_DAYS:
    "A winner's reported stock below this many days of agreed demand raises a supply alert (default 30)",
  SUPPLY_FILL_RATE_MIN:
    'A fill rate (accepted ÷ ordered, orders past their delivery due time) below this fraction raises a supply alert (default 0.8)',
  SUPPLY_EVALUATION_SECONDS:
    'How often the supply rules are evaluated for the current month (default 3600)',
  CREDIT_SCHEME:
    'Credit rating scheme version new cases are rated under: 2020 (four levels, default) | 2025 (three levels); an admin may activate another stored version',
  CREDIT_LAPSE_CHECK_SECONDS:
    'How often credit ratings past their validity are marked lapsed and their sanctions lifted (default 3600)',
  BOOTSTRAP_ADMIN_USERNAME: 'Username of the first admin (default admin)',
  BOOTSTRAP_ADMIN_PASSWORD: 'Password of the first admin; unset = generated and logged once',
  LOGIN_RATE_LIMIT: 'Login attempts per window per client address and username (default 10)',
  LOGIN_RATE_WINDOW_SECONDS: 'Login rate-limit window (default 60)',
  UPLOAD_RATE_LIMIT: 'Uploads per window per user (default 30)',
  UPLOAD_RATE_WINDOW_SECONDS: 'Upload rate-limit window (default 60)',
  UPLOAD_MAX_BYTES: 'Maximum upload size in bytes (default 52428800 = 50 MB)',
  IMPORT_MAX_ROWS: 'Maximum data rows in one imported workbook (default 200000)',
  IMPORT_MAX_UNCOMPRESSED_BYTES: 'Maximum total uncompressed size of an xlsx (default 1073741824)',
  IMPORT_MAX_ZIP_RATIO: 'Maximum compression ratio of an xlsx entry (default 200)',
  LOG_LEVEL: 'debug | info | warn | error (default info)',
  RUN_MIGRATIONS: 'Run pending migrations at start-up (default true)',
};

function int(env: Env, name: string, def: number, problems: string[], min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    problems.push(`${name} must be an integer ≥ ${min}, got "${raw}"`);
    return def;
  }
  return Number(raw);
}

const FRACTION = /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/;

/** A fraction from `min` to 1 (PREPAYMENT_SHARE must be above 0). */
function boundedFraction(env: Env, name: string, def: string, problems: string[], min = 0): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!FRACTION.test(raw) || Number(raw) < min) {
    problems.push(
      `${name} must be a decimal from ${min} to 1 with at most 6 decimals, got "${raw}"`,
    );
    return def;
  }
  return raw;
}

function regionRatios(
  env: Env,
  problems: string[],
): Record<string, { fundPaymentRatio: string; insuredShare: string }> {
  const raw = env.RETENTION_REGION_RATIOS;
  const out: Record<string, { fundPaymentRatio: string; insuredShare: string }> = {};
  if (raw === undefined || raw.trim() === '') return out;
  for (const entry of raw.split(',')) {
    const m = /^\s*(\d{6})=([\d.]+)\/([\d.]+)\s*$/.exec(entry);
    if (!m || !FRACTION.test(m[2]) || !FRACTION.test(m[3])) {
      problems.push(
        `RETENTION_REGION_RATIOS entries must look like 320100=0.75/0.9 (fractions ≤ 1), got "${entry}"`,
      );
      continue;
    }
    out[m[1]] = { fundPaymentRatio: m[2], insuredShare: m[3] };
  }
  return out;
}

function bool(env: Env, name: string, def: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false, got "${raw}"`);
  return def;
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  def: T,
  problems: string[],
): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!(allowed as readonly string[]).includes(raw)) {
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return def;
  }
  return raw as T;
}

/** Reads (or creates once) a secret file in the data directory, for the embedded mode. */
function generatedSecret(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, secret + '\n', { mode: 0o600 });
  return secret;
}

export function validate(env: Env): AppConfig {
  const problems: string[] = [];
  const nodeEnv = oneOf(
    env,
    'NODE_ENV',
    ['development', 'production', 'test'],
    'development',
    problems,
  );
  const dataDir = resolve(env.DATA_DIR || './data');

  let database: AppConfig['database'] = { type: 'sqlite', path: join(dataDir, 'jicai.sqlite') };
  if (env.DATABASE_URL) {
    try {
      const url = new URL(env.DATABASE_URL);
      if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
        problems.push(`DATABASE_URL must start with mysql://, got "${url.protocol}//…"`);
      } else if (!url.pathname || url.pathname === '/') {
        problems.push('DATABASE_URL must name a database (mysql://user:pass@host:3306/jicai)');
      } else {
        database = {
          type: 'mysql',
          url: env.DATABASE_URL.replace(/^mariadb:/, 'mysql:'),
          host: url.hostname,
          port: url.port ? Number(url.port) : 3306,
          database: decodeURIComponent(url.pathname.slice(1)),
        };
      }
    } catch {
      problems.push('DATABASE_URL is not a valid URL (expected mysql://user:pass@host:3306/db)');
    }
  }

  let redisUrl: string | null = null;
  if (env.REDIS_URL) {
    try {
      const url = new URL(env.REDIS_URL);
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        problems.push(`REDIS_URL must start with redis:// or rediss://, got "${url.protocol}//…"`);
      } else redisUrl = env.REDIS_URL;
    } catch {
      problems.push('REDIS_URL is not a valid URL (expected redis://host:6379)');
    }
  }

  let jwtSecret = env.JWT_SECRET ?? '';
  if (jwtSecret && jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }
  if (!jwtSecret) {
    if (database.type === 'mysql' && nodeEnv === 'production') {
      problems.push('JWT_SECRET is required in production with DATABASE_URL');
    } else if (problems.length === 0) {
      jwtSecret = generatedSecret(dataDir, 'jwt-secret');
    }
  }

  let bidSealKey = env.BID_SEAL_KEY ?? '';
  if (bidSealKey && bidSealKey.length < 32) {
    problems.push('BID_SEAL_KEY must be at least 32 characters');
  }
  if (!bidSealKey) {
    if (database.type === 'mysql' && nodeEnv === 'production') {
      problems.push('BID_SEAL_KEY is required in production with DATABASE_URL');
    } else if (problems.length === 0) {
      bidSealKey = generatedSecret(dataDir, 'bid-seal-key');
    }
  }

  const config: AppConfig = {
    nodeEnv,
    port: int(env, 'PORT', 3000, problems),
    dataDir,
    database,
    redisUrl,
    queuePrefix: env.QUEUE_PREFIX || 'jicai',
    jwtSecret,
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 8 * 3600, problems, 60),
    bidSealKey,
    roundTimerSeconds: int(env, 'ROUND_TIMER_SECONDS', 30, problems, 1),
    deliveryDelayHours: int(env, 'DELIVERY_DELAY_HOURS', 48, problems, 1),
    settlementCycle: {
      reconciliationWorkingDays: int(env, 'RECONCILIATION_WORKING_DAYS', 5, problems, 0),
      deemedConfirmation: bool(env, 'DEEMED_CONFIRMATION', true, problems),
      scope: oneOf(env, 'SETTLEMENT_SCOPE', ['all', 'vbp'], 'all', problems),
      deadlineCheckSeconds: int(env, 'RECONCILIATION_CHECK_SECONDS', 300, problems, 1),
    },
    paymentDeadlines: {
      paymentDays: int(env, 'PAYMENT_DAYS', 30, problems, 1),
      dueSoonDays: int(env, 'DUE_SOON_DAYS', 5, problems, 0),
      overdueCheckSeconds: int(env, 'OVERDUE_CHECK_SECONDS', 3600, problems, 1),
    },
    prepaymentShare: boundedFraction(env, 'PREPAYMENT_SHARE', '0.3', problems, 0.000001),
    paymentStandardsSweepSeconds: int(env, 'PAYMENT_STANDARDS_SWEEP_SECONDS', 3600, problems, 1),
    monitoringScanSeconds: int(env, 'MONITORING_SCAN_SECONDS', 86400, problems, 1),
    retention: {
      fundPaymentRatio: boundedFraction(env, 'RETENTION_FUND_PAYMENT_RATIO', '0.7', problems),
      insuredShare: boundedFraction(env, 'RETENTION_INSURED_SHARE', '1', problems),
      regions: regionRatios(env, problems),
      requireCompletion: bool(env, 'RETENTION_REQUIRE_COMPLETION', true, problems),
    },
    usageLateAfterDays: int(env, 'USAGE_LATE_AFTER_DAYS', 1, problems, 0),
    completion: {
      behindThreshold: boundedFraction(env, 'COMPLETION_BEHIND_THRESHOLD', '0.2', problems),
      checkSeconds: int(env, 'COMPLETION_CHECK_SECONDS', 3600, problems, 1),
    },
    priceCaseReplyWorkingDays: int(env, 'PRICE_CASE_REPLY_WORKING_DAYS', 10, problems, 1),
    monitoringReportSeconds: int(env, 'MONITORING_REPORT_SECONDS', 86400, problems, 1),
    creditScheme: oneOf(env, 'CREDIT_SCHEME', ['2020', '2025'], '2020', problems),
    creditLapseCheckSeconds: int(env, 'CREDIT_LAPSE_CHECK_SECONDS', 3600, problems, 1),
    observationDeriveSeconds: int(env, 'OBSERVATION_DERIVE_SECONDS', 3600, problems, 1),
    supply: {
      stockDays: int(env, 'SUPPLY_STOCK_DAYS', 30, problems, 1),
      fillRateMin: boundedFraction(env, 'SUPPLY_FILL_RATE_MIN', '0.8', problems),
      evaluationSeconds: int(env, 'SUPPLY_EVALUATION_SECONDS', 3600, problems, 1),
    },
    bootstrapAdmin: {
      username: env.BOOTSTRAP_ADMIN_USERNAME || 'admin',
      password: env.BOOTSTRAP_ADMIN_PASSWORD || null,
    },
    loginRateLimit: {
      limit: int(env, 'LOGIN_RATE_LIMIT', 10, problems, 1),
      windowSeconds: int(env, 'LOGIN_RATE_WINDOW_SECONDS', 60, problems, 1),
    },
    uploadRateLimit: {
      limit: int(env, 'UPLOAD_RATE_LIMIT', 30, problems, 1),
      windowSeconds: int(env, 'UPLOAD_RATE_WINDOW_SECONDS', 60, problems, 1),
    },
    uploads: {
      maxBytes: int(env, 'UPLOAD_MAX_BYTES', 50 * 1024 * 1024, problems, 1024),
      maxRows: int(env, 'IMPORT_MAX_ROWS', 200_000, problems, 1),
      maxUncompressedBytes: int(env, 'IMPORT_MAX_UNCOMPRESSED_BYTES', 1024 ** 3, problems, 1024),
      maxZipRatio: int(env, 'IMPORT_MAX_ZIP_RATIO', 200, problems, 2),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info', problems),
    runMigrations: bool(env, 'RUN_MIGRATIONS', true, problems),
  };
  const unknownPort = env.PORT !== undefined && config.port > 65535;
  if (unknownPort) problems.push(`PORT must be ≤ 65535, got "${env.PORT}"`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Reads the process environment. Entry points call this once; tests pass their own env. */
export function loadConfig(overrides: Env = {}): AppConfig {
  return validate({ ...process.env, ...overrides });
}

/** Command line of `npm run bench -- [scenario ...] [--scale small|province]`. */

export const SCALE_NAMES = ['small', 'province'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

export interface BenchArgs {
  scenarios: string[];
  scale: ScaleName;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function usage(known: readonly string[]): string {
  return [
    'Usage: npm run bench -- [scenario ...] [--scale small|province]',
    '',
    `Scenarios (default: all, in this order): ${known.join(', ')}`,
    '  --scale small     about a tenth of the §N sizes; a run takes about a minute (default)',
    '  --scale province  the §N province-scale sizes',
  ].join('\n');
}

function scaleName(raw: string | undefined): ScaleName {
  if (raw === undefined || raw === '')
    throw new UsageError('--scale needs a value: small or province');
  if (!(SCALE_NAMES as readonly string[]).includes(raw))
    throw new UsageError(`--scale must be small or province, got "${raw}"`);
  return raw as ScaleName;
}

/** Parses the arguments after `--`; scenarios run in registry order, each once. */
export function parseArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  let scale: ScaleName = 'small';
  let help = false;
  const named = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--scale') scale = scaleName(argv[++i]);
    else if (arg.startsWith('--scale=')) scale = scaleName(arg.slice('--scale='.length));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!known.includes(arg))
      throw new UsageError(`unknown scenario "${arg}"; known: ${known.join(', ')}`);
    else named.add(arg);
  }
  const scenarios = named.size ? known.filter((k) => named.has(k)) : [...known];
  return { scenarios, scale, help };
}

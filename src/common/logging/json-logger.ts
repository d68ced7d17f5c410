import { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Structured logs: one JSON object per line, with the request id when there is one. */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    level: Level = 'info',
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {
    this.threshold = LEVELS[level];
  }

  private write(level: Level, message: unknown, context?: string, extra?: Record<string, unknown>) {
    if (LEVELS[level] < this.threshold) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) entry.context = context;
    const requestId = currentRequestId();
    if (requestId) entry.requestId = requestId;
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    if (extra) Object.assign(entry, extra);
    this.out.write(JSON.stringify(entry) + '\n');
  }

  /** Nest calls log(message, context) — the last string argument is the context. */
  private split(params: unknown[]): { context?: string; rest: unknown[] } {
    const last = params[params.length - 1];
    return typeof last === 'string'
      ? { context: last, rest: params.slice(0, -1) }
      : { context: undefined, rest: params };
  }

  log(message: unknown, ...params: unknown[]) {
    const { context } = this.split(params);
    // Nest's start-up chatter (one line per module and route) is debug detail, not news.
    this.write(context && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, this.split(params).context);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('debug', message, this.split(params).context);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, this.split(params).context);
  }
  error(message: unknown, ...params: unknown[]) {
    const { context, rest } = this.split(params);
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    this.write('error', message, context, stack ? { stack } : undefined);
  }
}

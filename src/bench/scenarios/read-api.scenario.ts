import { startBareServer } from '../bare-server';
import { formatNumber, result, BenchResult } from '../domain/report';
import { bearer, call } from '../http-client';
import { runLoad } from '../load/load-generator';
import type { LoadJob, LoadOutcome } from '../load/load-job';
import type { BenchContext, Scenario } from '../scenario';

const NAME = 'read-api';
const REQUEST_TIMEOUT_MS = 10_000;
/** Far above what one core answers per second; the duration is the real bound. */
const MAX_REQUESTS_PER_SECOND = 100_000;

interface Endpoint {
  label: string;
  /** Paths requested in turn (several ids for the detail endpoint). */
  paths: string[];
}

function endpoints(drugIds: readonly string[]): Endpoint[] {
  const ids = drugIds.slice(0, 200);
  return [
    {
      label: 'GET /api/v1/catalog/drugs?page=1&pageSize=50',
      paths: ['/api/v1/catalog/drugs?page=1&pageSize=50'],
    },
    {
      label: 'GET /api/v1/organisations?type=hospital&pageSize=50',
      paths: ['/api/v1/organisations?type=hospital&pageSize=50'],
    },
    {
      label: 'GET /api/v1/catalog/drugs/:id',
      paths: ids.map((id) => `/api/v1/catalog/drugs/${id}`),
    },
  ];
}

function latencyNote(o: LoadOutcome): string {
  return `p50 ${formatNumber(o.latency.p50, 2)} ms, p99 ${formatNumber(o.latency.p99, 2)} ms`;
}

async function load(job: LoadJob, what: string): Promise<LoadOutcome> {
  const outcome = await runLoad(job);
  if (outcome.failures > 0)
    throw new Error(
      `${what}: ${outcome.failures} of the measured requests failed; first: ${outcome.firstFailure}`,
    );
  if (outcome.completed === 0) throw new Error(`${what}: no request completed`);
  return outcome;
}

/**
 * §N "API: read endpoints ≥ 50 % of the bare Express requests/s on the same machine". Each
 * endpoint is loaded through the real API, then a bare Express app answers its very response
 * body under the same load; the ratio of the two rates is the figure.
 */
export const readApiScenario: Scenario = {
  name: NAME,
  description: 'requests/s of read endpoints vs bare Express answering the same bodies',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const app = await ctx.app();
    const { scale } = ctx;
    const headers = bearer(app.token);
    const list = endpoints(app.dataset.drugIds);

    // The reference answers each endpoint's own response body, so both move the same bytes.
    const bodies: Buffer[] = [];
    for (const e of list) {
      const res = await call(app.baseUrl, { path: e.paths[0], headers });
      if (res.status !== 200)
        throw new Error(
          `${e.label} answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`,
        );
      bodies.push(res.body);
    }
    const bare = await startBareServer(bodies);
    const job = (baseUrl: string, paths: string[], h: Record<string, string>): LoadJob => ({
      baseUrl,
      paths,
      headers: h,
      concurrency: scale.concurrency,
      warmupMs: scale.warmupMs,
      durationMs: scale.loadMs,
      maxRequests: Math.ceil((scale.loadMs / 1000) * MAX_REQUESTS_PER_SECOND),
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });

    const results: BenchResult[] = [];
    try {
      for (const [i, e] of list.entries()) {
        ctx.progress(
          `${e.label}: API, ${scale.concurrency} connections for ${scale.loadMs / 1000} s`,
        );
        const api = await load(job(app.baseUrl, e.paths, headers), e.label);
        ctx.progress(`  ${formatNumber(api.requestsPerSecond)} req/s (${latencyNote(api)})`);
        ctx.progress(`${e.label}: bare Express, ${bodies[i].length} bytes per answer`);
        const ref = await load(
          job(bare.baseUrl, [bare.path(i)], {}),
          `bare Express for ${e.label}`,
        );
        ctx.progress(`  ${formatNumber(ref.requestsPerSecond)} req/s (${latencyNote(ref)})`);
        results.push(
          result({
            scenario: NAME,
            measure: e.label,
            measured: { value: api.requestsPerSecond, unit: 'req/s', note: latencyNote(api) },
            reference: {
              value: ref.requestsPerSecond,
              unit: 'req/s',
              note: latencyNote(ref),
              label: 'bare Express',
            },
            target: { on: 'ratio', op: '>=', value: 0.5, source: '§N read endpoints' },
            details: {
              concurrency: scale.concurrency,
              durationMs: scale.loadMs,
              warmupMs: scale.warmupMs,
              apiRequests: api.completed,
              apiP50Ms: api.latency.p50,
              apiP99Ms: api.latency.p99,
              apiMaxMs: api.latency.max,
              bareRequests: ref.completed,
              bareP50Ms: ref.latency.p50,
              bareP99Ms: ref.latency.p99,
              bytesPerResponse: api.bytesPerResponse,
            },
          }),
        );
      }
    } finally {
      await bare.close();
    }
    return results;
  },
};

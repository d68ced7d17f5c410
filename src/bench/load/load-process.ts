import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { perSecond, summariseLatencies } from '../domain/stats';
import { childMain } from '../child';
import type { LoadJob, LoadOutcome } from './load-job';

/**
 * The load generator, in a child process so it has an event loop (and a core) of its own and
 * the server under test keeps its process to itself, as it would in a deployment.
 */

interface Answer {
  ok: boolean;
  bytes: number;
  failure: string | null;
}

function get(job: LoadJob, agent: Agent, path: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(new URL(path, job.baseUrl), { agent, headers: job.headers }, (res) => {
      let bytes = 0;
      let sample = '';
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (!ok && sample.length < 300) sample += chunk.toString('utf8');
      });
      res.on('end', () =>
        resolve({
          ok,
          bytes,
          failure: ok
            ? null
            : `GET ${path} answered ${res.statusCode ?? 0} ${sample.slice(0, 300)}`,
        }),
      );
      res.on('error', (err) =>
        resolve({ ok: false, bytes, failure: `GET ${path}: ${err.message}` }),
      );
    });
    req.setTimeout(job.requestTimeoutMs, () =>
      req.destroy(new Error(`no answer within ${job.requestTimeoutMs} ms`)),
    );
    req.on('error', (err) =>
      resolve({ ok: false, bytes: 0, failure: `GET ${path}: ${err.message}` }),
    );
    req.end();
  });
}

/** Closed loop: each of `concurrency` clients sends its next request when the last one ends. */
async function phase(job: LoadJob, agent: Agent, durationMs: number, maxRequests: number) {
  const latencies: number[] = [];
  let issued = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  let bytes = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const client = async () => {
    while (performance.now() < deadline && issued < maxRequests) {
      const path = job.paths[issued % job.paths.length];
      issued++;
      const sent = performance.now();
      const answer = await get(job, agent, path);
      if (answer.ok) {
        latencies.push(performance.now() - sent);
        bytes += answer.bytes;
      } else {
        failures++;
        firstFailure ??= answer.failure;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, client));
  return { latencies, failures, firstFailure, bytes, elapsedMs: performance.now() - start };
}

async function run(job: LoadJob): Promise<LoadOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  try {
    await phase(job, agent, job.warmupMs, job.maxRequests);
    const measured = await phase(job, agent, job.durationMs, job.maxRequests);
    const completed = measured.latencies.length;
    return {
      completed,
      elapsedMs: measured.elapsedMs,
      requestsPerSecond: perSecond(completed, measured.elapsedMs),
      latency: summariseLatencies(measured.latencies),
      failures: measured.failures,
      firstFailure: measured.firstFailure,
      bytesPerResponse: completed ? Math.round(measured.bytes / completed) : 0,
    };
  } finally {
    agent.destroy();
  }
}

childMain(run);

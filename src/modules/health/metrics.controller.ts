import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/decorators';
import { HttpMetrics } from '../../common/http/http-metrics';
import { JobQueue } from '../../jobs/job-queue';

/**
 * Prometheus scrape endpoint (§N "metrics"): request counts and durations per route template,
 * job-queue depth and lag, process memory. It carries no tenant data, so like /health it needs
 * no login; expose it only on the internal network.
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly http: HttpMetrics,
    private readonly jobs: JobQueue,
  ) {}

  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', type: String })
  async metrics(): Promise<string> {
    const memory = process.memoryUsage();
    const lines = [
      '# HELP process_resident_memory_bytes Resident set size.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
      '# HELP process_uptime_seconds Seconds since the process started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${process.uptime()}`,
    ];
    let queues: Awaited<ReturnType<JobQueue['stats']>> = {};
    try {
      queues = await this.jobs.stats();
    } catch {
      // Redis unreachable: /health reports it; the HTTP series are still worth scraping.
    }
    const gauge = (name: string, help: string, pick: (q: (typeof queues)[string]) => number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [queue, s] of Object.entries(queues))
        lines.push(`${name}{queue="${queue}"} ${pick(s)}`);
    };
    gauge('jicai_jobs_waiting', 'Jobs waiting in a queue.', (s) => s.waiting);
    gauge('jicai_jobs_active', 'Jobs being processed.', (s) => s.active);
    gauge('jicai_jobs_failed', 'Jobs that failed for good.', (s) => s.failed);
    gauge('jicai_jobs_oldest_waiting_seconds', 'Age of the oldest waiting job (queue lag).', (s) =>
      s.oldestWaitingMs === null ? 0 : s.oldestWaitingMs / 1000,
    );
    return lines.join('\n') + '\n' + this.http.render();
  }
}

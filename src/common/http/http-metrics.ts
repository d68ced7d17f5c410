import { Injectable } from '@nestjs/common';

/** Upper bounds (seconds) of the request-duration histogram. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface Series {
  method: string;
  route: string;
  status: string;
  count: number;
  sumSeconds: number;
  /** Cumulative counts per bucket, in DURATION_BUCKETS order. */
  buckets: number[];
}

/**
 * Request counters and a duration histogram per method × route template × status, rendered in
 * the Prometheus text format. Routes are templates (`/api/v1/catalog/drugs/:id`), never raw
 * paths, so the number of series stays bounded.
 */
@Injectable()
export class HttpMetrics {
  private readonly series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let s = this.series.get(key);
    if (!s) {
      s = {
        method,
        route,
        status: String(status),
        count: 0,
        sumSeconds: 0,
        buckets: DURATION_BUCKETS.map(() => 0),
      };
      this.series.set(key, s);
    }
    s.count++;
    s.sumSeconds += seconds;
    DURATION_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) s.buckets[i]++;
    });
  }

  render(): string {
    const lines = [
      '# HELP http_requests_total HTTP requests answered, by method, route template and status.',
      '# TYPE http_requests_total counter',
    ];
    const all = [...this.series.values()];
    for (const s of all) lines.push(`http_requests_total{${labels(s)}} ${s.count}`);
    lines.push(
      '# HELP http_request_duration_seconds Time from receiving a request to finishing its answer.',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const s of all) {
      DURATION_BUCKETS.forEach((bound, i) =>
        lines.push(
          `http_request_duration_seconds_bucket{${labels(s)},le="${bound}"} ${s.buckets[i]}`,
        ),
      );
      lines.push(`http_request_duration_seconds_bucket{${labels(s)},le="+Inf"} ${s.count}`);
      lines.push(`http_request_duration_seconds_sum{${labels(s)}} ${s.sumSeconds}`);
      lines.push(`http_request_duration_seconds_count{${labels(s)}} ${s.count}`);
    }
    return lines.join('\n') + '\n';
  }
}

export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(s: Series): string {
  return `method="${escapeLabel(s.method)}",route="${escapeLabel(s.route)}",status="${s.status}"`;
}

import { escapeLabel, HttpMetrics } from './http-metrics';

describe('HTTP metrics', () => {
  it('counts requests per method, route and status, with a cumulative histogram', () => {
    const m = new HttpMetrics();
    m.observe('GET', '/api/v1/catalog/drugs/:id', 200, 0.004);
    m.observe('GET', '/api/v1/catalog/drugs/:id', 200, 0.2);
    m.observe('GET', '/api/v1/catalog/drugs/:id', 404, 0.001);
    const text = m.render();
    const series = 'method="GET",route="/api/v1/catalog/drugs/:id",status="200"';
    expect(text).toContain(`http_requests_total{${series}} 2`);
    expect(text).toContain(
      `http_requests_total{method="GET",route="/api/v1/catalog/drugs/:id",status="404"} 1`,
    );
    expect(text).toContain(`http_request_duration_seconds_bucket{${series},le="0.005"} 1`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${series},le="0.1"} 1`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${series},le="0.25"} 2`);
    expect(text).toContain(`http_request_duration_seconds_bucket{${series},le="+Inf"} 2`);
    expect(text).toContain(`http_request_duration_seconds_count{${series}} 2`);
    expect(text).toMatch(
      new RegExp(
        `http_request_duration_seconds_sum\\{${series.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\} 0\\.204`,
      ),
    );
  });

  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
  ])('escapes label value %j', (raw, escaped) => {
    expect(escapeLabel(raw)).toBe(escaped);
  });
});

import { bearer, startApp, TestApp } from '../setup/test-app';

describe('platform edge', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('GET /health reports the database and queues', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.database.status).toBe('up');
    expect(res.body.redis.status).toBe(t.config.redisUrl ? 'up' : 'disabled');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('serves the OpenAPI document at /docs-json and the UI at /docs', async () => {
    const json = await t.http().get('/docs-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/health']),
    );
    const ui = await t.http().get('/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers unknown routes with the error envelope and echoes a caller request id', async () => {
    const res = await t.http().get('/api/v1/nope').set('X-Request-Id', 'trace-abc-123').expect(404);
    expect(res.body).toMatchObject({
      statusCode: 404,
      code: 'COMMON.NOT_FOUND',
      requestId: 'trace-abc-123',
    });
  });

  it('requires a login for API routes', async () => {
    const res = await t.http().get('/api/v1/auth/me').expect(401);
    expect(res.body.code).toBe('COMMON.UNAUTHENTICATED');
    await t.http().get('/api/v1/auth/me').set(bearer('garbage')).expect(401);
  });

  it('rejects malformed JSON with a 400 envelope', async () => {
    const res = await t
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(res.body.code).toBe('COMMON.BAD_REQUEST');
  });

  it('exposes Prometheus metrics per route template, with queue gauges', async () => {
    await t.http().get('/api/v1/auth/me').set(bearer(t.adminToken)).expect(200);
    await t.http().get('/api/v1/regions/000001').set(bearer(t.adminToken)).expect(404);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/auth\/me",status="200"\} [1-9]/,
    );
    // The template, not the raw path, labels the series.
    expect(res.text).toContain('route="/api/v1/regions/:code",status="404"');
    expect(res.text).not.toMatch(/route="[^"]*000001/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*le="\+Inf"\} \d+/);
    expect(res.text).toMatch(/process_resident_memory_bytes \d+/);
    expect(res.text).toMatch(/jicai_jobs_waiting\{queue="imports"\} \d+/);
  });
});

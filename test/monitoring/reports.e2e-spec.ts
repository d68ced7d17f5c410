import { createHash, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import { MonthlyReportJob } from '../../src/modules/monitoring/reports/monthly-report.job';
import { MonitoringReport } from '../../src/modules/monitoring/reports/monitoring-report.entity';
import { makeCast } from '../factories/identity';
import { bearer, binary, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const api = (path = '') => `/api/v1/monitoring/reports${path}`;

describe('monthly monitoring report (§M7)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;
  const clock = new TestClock();
  // A year of this run's own, far ahead of the clock, so a rerun on a shared database (whose
  // earlier report rows point at another run's DATA_DIR) never meets its own periods.
  const year = 2200 + randomInt(0, 7000);
  const y = (rest: string) => `${year}${rest}`;

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
  });
  afterAll(() => t.close());

  const download = (token: string, path: string) =>
    t.http().get(api(path)).set(bearer(token)).buffer(true).parse(binary);

  it('the scheduled job writes last month once; the workbook has its sheets and hash', async () => {
    // A month of its own, in the clock's future, so no other test file touches it.
    clock.passes(y('-07-05T10:00:00+08:00'));
    const job = t.app.get(MonthlyReportJob);
    await job.handle();
    await job.handle();
    const rows = await t.dataSource.getRepository(MonitoringReport).findBy({ period: y('-06') });
    expect(rows.map((r) => [r.version, r.trigger])).toEqual([[1, 'schedule']]);

    const list = await t
      .http()
      .get(api(`?period=${y('-06')}`))
      .set(bearer(analyst));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ period: y('-06'), version: 1 }] });

    const res = await download(analyst, `/${y('-06')}/download`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const bytes = res.body as Buffer;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(rows[0].sha256);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Summary',
      'Index',
      'Top movers',
      'Alerts by rule and region',
      'Overdue cases',
    ]);
    const summary = wb.getWorksheet('Summary')!;
    expect(summary.getCell('A2').value).toBe('Period');
    expect(summary.getCell('B2').value).toBe(y('-06'));
    const index = wb.getWorksheet('Index')!;
    expect(index.getRow(1).values).toEqual([
      undefined,
      'Period',
      'Laspeyres',
      'Paasche',
      'Fisher',
      'Products',
      'Products in link',
    ]);
    // Thirteen months ending with the report's month.
    expect(index.getCell('A2').value).toBe(`${year - 1}-06`);
    expect(index.getCell('A14').value).toBe(y('-06'));
  });

  it('on demand: a new version; bad and unfinished periods are refused', async () => {
    clock.passes(y('-09-03T10:00:00+08:00'));
    const first = await t
      .http()
      .post(api())
      .set(bearer(analyst))
      .send({ period: y('-08') });
    expect(first.status).toBe(201);
    // A shared database may hold versions from earlier runs: each request adds the next one.
    const n = (first.body as { version: number }).version;
    expect(first.body).toMatchObject({ period: y('-08'), trigger: 'manual' });
    const second = await t
      .http()
      .post(api())
      .set(bearer(analyst))
      .send({ period: y('-08') });
    expect(second.body).toMatchObject({ version: n + 1 });
    expect((second.body as Json).sha256).toMatch(/^[0-9a-f]{64}$/);

    const older = await download(analyst, `/${y('-08')}/download?version=${n}`);
    expect(older.status).toBe(200);
    expect(older.headers['content-disposition']).toContain(
      `monitoring-report-${y('-08')}-v${n}.xlsx`,
    );
    const latest = await download(analyst, `/${y('-08')}/download`);
    expect(latest.headers['content-disposition']).toContain(`-v${n + 1}.xlsx`);

    // A row whose file has gone from storage answers 410, not a broken download.
    rmSync(join(t.config.dataDir, 'reports', `monitoring-report-${y('-08')}-v${n}.xlsx`));
    const gone = await download(analyst, `/${y('-08')}/download?version=${n}`);
    expect(gone.status).toBe(410);
    expect(JSON.parse((gone.body as Buffer).toString('utf8'))).toMatchObject({
      code: 'MONITORING.REPORT_FILE_MISSING',
    });

    const current = await t
      .http()
      .post(api())
      .set(bearer(analyst))
      .send({ period: y('-09') });
    expect(current.status).toBe(409);
    expect(current.body).toMatchObject({ code: 'MONITORING.REPORT_PERIOD_NOT_ENDED' });
    const bad = await t
      .http()
      .post(api())
      .set(bearer(analyst))
      .send({ period: y('-13') });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('period');
    const missing = await download(analyst, '/2019-01/download');
    expect(missing.status).toBe(404);
    expect((await download(analyst, '/junk/download')).status).toBe(400);
  });

  it.each([
    ['auditor', 200, 403],
    ['supervisor', 200, 403],
    ['hospital_user', 403, 403],
    ['supplier_user', 403, 403],
    ['fund_officer', 403, 403],
  ] as const)('%s: list %d, generate %d', async (role, read, write) => {
    const token = cast.users[role].token;
    expect((await t.http().get(api()).set(bearer(token))).status).toBe(read);
    expect(
      (
        await t
          .http()
          .post(api())
          .set(bearer(token))
          .send({ period: y('-08') })
      ).status,
    ).toBe(write);
  });
});

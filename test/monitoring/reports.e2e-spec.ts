import { createHash, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import { Role } from '../../src/common/auth/roles';
import { EvaluationRun } from '../../src/modules/monitoring/evaluation/evaluation-run.entity';
import { MonthlyReportJob } from '../../src/modules/monitoring/reports/monthly-report.job';
import { MonitoringReport } from '../../src/modules/monitoring/reports/monitoring-report.entity';
import { MonitoringReports } from '../../src/modules/monitoring/reports/monitoring-reports.service';
import { genericKey } from '../../src/modules/monitoring/observations/domain/observation-rows';
import { makeDrug } from '../factories/catalog';
import { makeCast, makeOrganisation, makeUser } from '../factories/identity';
import { loadObservations, monitoringApi, observationRow } from '../factories/monitoring';
import { bearer, binary, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
const api = (path = '') => `/api/v1/monitoring/reports${path}`;

/**
 * The report is platform-wide: `platform` holds users of an authority without a region, the
 * cast's users are the city authority's (regional) ones.
 */
describe('monthly monitoring report (§M7)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let platform: Record<'pricing_analyst' | 'auditor' | 'supervisor' | 'admin', string>;
  let analyst: string;
  const clock = new TestClock();
  // A year of this run's own, far ahead of the clock, so a rerun on a shared database (whose
  // earlier report rows point at another run's DATA_DIR) never meets its own periods.
  const year = 2200 + randomInt(0, 7000);
  const y = (rest: string) => `${year}${rest}`;

  beforeAll(async () => {
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeCast(t);
    const org = await makeOrganisation(t, 'authority');
    const login = async (role: Role) => (await makeUser(t, org, [role])).token;
    platform = {
      pricing_analyst: await login('pricing_analyst'),
      auditor: await login('auditor'),
      supervisor: await login('supervisor'),
      admin: await login('admin'),
    };
    analyst = platform.pricing_analyst;
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
    ['auditor', 403],
    ['supervisor', 403],
    ['admin', 403],
  ] as const)('platform-wide %s: lists and downloads; generate %d', async (role, write) => {
    const token = platform[role];
    const list = await t
      .http()
      .get(api(`?period=${y('-08')}`))
      .set(bearer(token));
    expect(list.status).toBe(200);
    expect((list.body as { total: number }).total).toBeGreaterThanOrEqual(2);
    expect((await download(token, `/${y('-08')}/download`)).status).toBe(200);
    const post = await t
      .http()
      .post(api())
      .set(bearer(token))
      .send({ period: y('-08') });
    expect(post.status).toBe(write);
  });

  it.each(['pricing_analyst', 'auditor', 'supervisor', 'admin'] as const)(
    'regional %s: no report exists for it (empty list, 404), and it may not generate one',
    async (role) => {
      const token = cast.users[role].token;
      const list = await t
        .http()
        .get(api(`?period=${y('-08')}`))
        .set(bearer(token));
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 0, items: [] });
      expect((await t.http().get(api()).set(bearer(token))).body).toMatchObject({ total: 0 });
      const file = await download(token, `/${y('-08')}/download`);
      expect(file.status).toBe(404);
      expect(JSON.parse((file.body as Buffer).toString('utf8'))).toMatchObject({
        code: 'MONITORING.REPORT_NOT_FOUND',
      });
      const post = await t
        .http()
        .post(api())
        .set(bearer(token))
        .send({ period: y('-08') });
      expect(post.status).toBe(403);
      // Only analysts generate; an analyst of a region is refused for the report's scope.
      if (role === 'pricing_analyst')
        expect(post.body).toMatchObject({ code: 'MONITORING.REPORT_OUT_OF_SCOPE' });
    },
  );

  it.each(['hospital_user', 'supplier_user', 'fund_officer'] as const)(
    '%s: may not list nor generate',
    async (role) => {
      const token = cast.users[role].token;
      expect((await t.http().get(api()).set(bearer(token))).status).toBe(403);
      expect(
        (
          await t
            .http()
            .post(api())
            .set(bearer(token))
            .send({ period: y('-08') })
        ).status,
      ).toBe(403);
    },
  );

  /*
   * A month whose full scan has not run. Its purchases of a new generic were loaded while
   * price_spread was disabled, so their incremental evaluation raised nothing; the rule is on
   * again. Two hospitals paid 1.00 and 2.00: 2.00 / 1.00 = 2 > 1.8 → one price_spread alert,
   * which only a scan of the month raises. The scheduled report runs that scan first.
   */
  it('the scheduled report of a month not yet scanned runs the scan first and reports its alerts', async () => {
    clock.passes(y('-11-04T10:00:00+08:00'));
    const period = y('-10');
    const drug = await makeDrug(t, { name: `报告扫描片 ${uniq(6)}` });
    const rule = (enabled: boolean) =>
      t
        .http()
        .patch(monitoringApi('/rules/price_spread'))
        .set(bearer(analyst))
        .send({ enabled })
        .expect(200);
    await rule(false);
    try {
      await loadObservations(
        t,
        [
          [cast.hospital.id, '1.00'],
          [cast.otherHospital.id, '2.00'],
        ].map(([hospitalId, unitPrice]) =>
          observationRow(drug, {
            regionCode: cast.regions.county.code,
            observedOn: `${period}-05`,
            unitPrice,
            quantity: '10',
            hospitalId,
          }),
        ),
      );
      await t.idle();
    } finally {
      await rule(true);
    }
    const spreadAlerts = async () =>
      (
        (
          await t
            .http()
            .get(
              monitoringApi(
                `/alerts?rule=price_spread&periodFrom=${period}&periodTo=${period}&pageSize=200`,
              ),
            )
            .set(bearer(analyst))
            .expect(200)
        ).body as { items: Json[] }
      ).items;
    const fullRuns = async () =>
      (
        (
          await t
            .http()
            .get(monitoringApi(`/evaluations?period=${period}&kind=full`))
            .set(bearer(analyst))
            .expect(200)
        ).body as { items: Json[] }
      ).items;
    expect(await spreadAlerts()).toEqual([]);
    expect(await fullRuns()).toEqual([]);

    await t.app.get(MonthlyReportJob).handle();

    const runs = await fullRuns();
    expect(runs.map((r) => [r.runKey, r.status, r.newAlerts])).toEqual([
      [`monthly:${period}`, 'succeeded', 1],
    ]);
    const alerts = await spreadAlerts();
    expect(alerts.map((a) => [a.severity, a.regionCode, a.genericKey])).toEqual([
      ['yellow', null, genericKey(drug)],
    ]);
    const reports = await t.dataSource.getRepository(MonitoringReport).findBy({ period });
    expect(reports.map((r) => [r.version, r.trigger])).toEqual([[1, 'schedule']]);
    const summary = JSON.parse(reports[0].summary) as Json;
    expect(summary).toMatchObject({
      alerts: 1,
      fullScan: { runId: runs[0].id, finishedAt: runs[0].finishedAt },
    });

    const res = await download(analyst, `/${period}/download`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ExcelJS.Buffer);
    const rowsOf = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    // Rule, region, total, open, acknowledged, in_case, resolved, dismissed.
    expect(rowsOf('Alerts by rule and region').slice(1)).toEqual([
      ['price_spread', 'none', 1, 1, 0, 0, 0, 0],
    ]);
    expect(rowsOf('Summary')).toContainEqual(['Alerts raised for the period', 1]);
    expect(rowsOf('Summary')).toContainEqual([
      'Full scan of the period finished (UTC)',
      runs[0].finishedAt,
    ]);
  });

  it('waits for a scan another process is running: deferred, then written on a later tick', async () => {
    clock.passes(`${year + 1}-01-04T10:00:00+08:00`);
    const period = y('-12');
    const runs = t.dataSource.getRepository(EvaluationRun);
    // Another worker's monthly scan of the month, started a minute ago and still running.
    const running = await runs.save(
      runs.create({
        runKey: `monthly:${period}`,
        kind: 'full',
        periods: period,
        batchId: null,
        status: 'running',
        keyCount: 0,
        hitCount: 0,
        newAlerts: 0,
        updatedAlerts: 0,
        clearedAlerts: 0,
        message: null,
        requestedBy: null,
        startedAt: new Date(clock.now().getTime() - 60_000),
        finishedAt: null,
      }),
    );
    const reports = t.app.get(MonitoringReports);
    expect(await reports.generateScheduled()).toEqual({
      outcome: 'deferred',
      period,
      scanRunId: running.id,
      scanStatus: 'running',
    });
    const rows = () => t.dataSource.getRepository(MonitoringReport).findBy({ period });
    expect(await rows()).toEqual([]);

    // That process died and its run failed: the next tick runs the scan again, then reports.
    await runs.update({ id: running.id }, { status: 'failed', message: 'worker lost' });
    const next = await reports.generateScheduled();
    expect(next).toMatchObject({ outcome: 'written', period });
    expect((await runs.findOneByOrFail({ id: running.id })).status).toBe('succeeded');
    const written = await rows();
    expect(written.map((r) => r.version)).toEqual([1]);
    expect(JSON.parse(written[0].summary)).toMatchObject({ fullScan: { runId: running.id } });
    expect(await reports.generateScheduled()).toEqual({ outcome: 'exists', period });
  });
});

import ExcelJS from 'exceljs';
import { Clock } from '../../src/common/clock';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { binary, bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DAY = 24 * 3600 * 1000;

/** Declared demand of the cast's three hospitals; with two winners 60 % is agreed (§P9). */
const DEMAND = ['1000', '2000', '3001'];
const AGREED = ['600.000', '1200.000', '1801.000'];

/**
 * Pack prices of the cast's three suppliers (packs of 7, max valid unit price 3): unit
 * comparable prices 1.0, 1.5 and 2.0. Under national-batch-7 the first two qualify and the
 * highest-priced bidder could not win anyway.
 */
const PRICES = ['7.00', '10.50', '14.00'];

async function workbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  return wb;
}

function rowsOf(sheet: ExcelJS.Worksheet | undefined): unknown[][] {
  const rows: unknown[][] = [];
  sheet?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('procurement exports and public results (§P10, §P8, §X)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;

  beforeAll(async () => {
    clock = new TestClock();
    // The timer would race the test's own transitions once the clock jumps past deadlines.
    t = await startApp(
      { ROUND_TIMER_SECONDS: '3600' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    cast = await makeProcurementCast(t);
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const exportPath = (roundId: string, what: string) =>
    api(`/procurement/rounds/${roundId}/exports/${what}`);

  function download(path: string, query: Record<string, string>, token?: string) {
    const req = t.http().get(path).query(query);
    if (token) req.set(bearer(token));
    return req.buffer(true).parse(binary);
  }

  async function json(path: string, query: Record<string, string>, token: string, status = 200) {
    const res = await t.http().get(path).query(query).set(bearer(token)).expect(status);
    return res.body as unknown;
  }

  /** A round with one lot taken up to bidding, every supplier having bid. */
  async function roundWithBids() {
    const officer = cast.officer.token;
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    // A lot name a spreadsheet would execute: the export must neutralise it.
    await t
      .http()
      .patch(api(`/procurement/rounds/${round.id}/lots/${lot.id}`))
      .set(bearer(officer))
      .send({ name: '=HYPERLINK("http://x")' })
      .expect(200);
    await transition(t, officer, round.id, 'open_demand');
    for (const [i, h] of cast.hospitals.entries())
      await t
        .http()
        .put(api(`/procurement/rounds/${round.id}/demand/${lot.id}`))
        .set(bearer(h.token))
        .send({ quantity: DEMAND[i] })
        .expect(200);
    clock.passes(round.timeline.demandClosesAt);
    await transition(t, officer, round.id, 'close_demand');
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, officer, round.id, 'open_bidding');
    const bidCodes: string[] = [];
    for (const [i, s] of cast.suppliers.entries()) {
      await t
        .http()
        .post(api(`/procurement/rounds/${round.id}/commitment`))
        .set(bearer(s.token))
        .expect(201);
      const bid = await t
        .http()
        .post(api(`/procurement/rounds/${round.id}/bids`))
        .set(bearer(s.token))
        .send({
          lotId: lot.id,
          productId: s.product.id,
          packPrice: PRICES[i],
          capacity: '1000000',
          preferredRegions: [cast.counties[i].code],
        })
        .expect(201);
      bidCodes.push((bid.body as { bid: { code: string } }).bid.code);
    }
    return { round, lot, bidCodes };
  }

  async function open(roundId: string, timeline: { biddingClosesAt: string; openingAt: string }) {
    clock.passes(timeline.biddingClosesAt);
    await transition(t, cast.officer.token, roundId, 'close_bidding');
    clock.passes(timeline.openingAt);
    await transition(t, cast.officer.token, roundId, 'open');
  }

  async function publishAndAward(roundId: string, publicityDays: number) {
    await transition(t, cast.officer.token, roundId, 'publish');
    clock.advance(publicityDays * DAY + 60_000);
    await transition(t, cast.officer.token, roundId, 'award');
  }

  describe('an awarded round', () => {
    let round: Awaited<ReturnType<typeof roundWithBids>>['round'];
    let lot: { id: string; code: string };
    let bidCodes: string[];

    beforeAll(async () => {
      ({ round, lot, bidCodes } = await roundWithBids());
      await open(round.id, round.timeline);
      await publishAndAward(round.id, round.timeline.publicityDays);
    });

    it('exports every bid of the latest result as JSON', async () => {
      const rows = (await json(
        exportPath(round.id, 'results'),
        { format: 'json' },
        cast.officer.token,
      )) as Array<Record<string, unknown>>;
      expect(rows).toEqual([
        expect.objectContaining({
          lotCode: lot.code,
          lotName: '=HYPERLINK("http://x")',
          resultVersion: 1,
          rank: 1,
          bidCode: bidCodes[0],
          supplierName: cast.suppliers[0].org.name,
          productCode: cast.suppliers[0].product.code,
          packPrice: '7.0000',
          unitPrice: '1.000000',
          unitComparablePrice: '1.000000',
          outcome: 'won',
          awardedUnitComparablePrice: '1.000000',
          reasons: expect.arrayContaining(['ratio_to_anchor', 'drop_from_max']) as unknown,
        }),
        expect.objectContaining({ rank: 2, bidCode: bidCodes[1], outcome: 'won' }),
        expect.objectContaining({
          rank: 3,
          bidCode: bidCodes[2],
          outcome: 'lost',
          unitComparablePrice: '2.000000',
          awardedUnitComparablePrice: null,
        }),
      ]);
    });

    it('exports the same rows as a streamed, formula-safe workbook', async () => {
      const res = await download(
        exportPath(round.id, 'results'),
        { format: 'xlsx' },
        cast.suppliers[2].token,
      ).expect(200);
      expect(res.headers['content-type']).toBe(XLSX);
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${round.code}-results-${clock.now().toISOString().slice(0, 10).replace(/-/g, '')}.xlsx"`,
      );
      const rows = rowsOf((await workbook(res.body as Buffer)).worksheets[0]);
      expect(rows).toHaveLength(4);
      expect(rows[0][0]).toBe('品种编号 Lot code');
      expect(rows[1]).toEqual([
        lot.code,
        `'=HYPERLINK("http://x")`,
        1,
        1,
        bidCodes[0],
        cast.suppliers[0].org.name,
        cast.suppliers[0].product.code,
        '7.0000',
        '1.000000',
        '1.000000',
        'won',
        '1.000000',
        expect.stringContaining('ratio_to_anchor'),
      ]);
      expect(rows[3].slice(3, 5)).toEqual([3, bidCodes[2]]);
      expect(rows[3][10]).toBe('lost');
    });

    it('exports one agreement per hospital, scoped to the caller', async () => {
      const all = (await json(
        exportPath(round.id, 'agreed-volumes'),
        { format: 'json' },
        cast.auditor.token,
      )) as Array<Record<string, unknown>>;
      expect(all).toHaveLength(cast.hospitals.length);
      const winners = [cast.suppliers[0], cast.suppliers[1]];
      for (const [i, h] of cast.hospitals.entries()) {
        const row = all.find((a) => a.hospitalCode === h.org.code);
        expect(row).toMatchObject({
          lotCode: lot.code,
          hospitalName: h.org.name,
          declaredQuantity: `${DEMAND[i]}.000`,
          agreedQuantity: AGREED[i],
          brandSpecified: false,
          startDate: round.timeline.contractStart,
        });
        const winner = winners.find((s) => s.org.name === row?.supplierName);
        expect(winner).toBeDefined();
        expect(row?.productCode).toBe(winner?.product.code);
        expect(row?.packPrice).toBe(winner === winners[0] ? '7.0000' : '10.5000');
      }

      const hospital = cast.hospitals[1];
      const own = (await json(
        exportPath(round.id, 'agreed-volumes'),
        { format: 'json' },
        hospital.token,
      )) as Array<Record<string, unknown>>;
      expect(own).toEqual([expect.objectContaining({ hospitalCode: hospital.org.code })]);

      // The losing supplier has no agreement; a winner sees exactly its own.
      expect(
        await json(
          exportPath(round.id, 'agreed-volumes'),
          { format: 'json' },
          cast.suppliers[2].token,
        ),
      ).toEqual([]);
      const supplied = (await json(
        exportPath(round.id, 'agreed-volumes'),
        { format: 'json' },
        cast.suppliers[0].token,
      )) as Array<Record<string, unknown>>;
      expect(supplied.map((a) => a.supplierName)).toEqual(
        all.filter((a) => a.supplierName === cast.suppliers[0].org.name).map((a) => a.supplierName),
      );

      const res = await download(
        exportPath(round.id, 'agreed-volumes'),
        {},
        cast.officer.token,
      ).expect(200);
      expect(res.headers['content-type']).toBe(XLSX);
      const rows = rowsOf((await workbook(res.body as Buffer)).worksheets[0]);
      expect(rows).toHaveLength(1 + cast.hospitals.length);
      expect(rows.slice(1).map((r) => r[0])).toEqual(all.map((a) => a.agreementCode));
      expect(rows.slice(1).map((r) => r[7])).toEqual(all.map((a) => a.agreedQuantity));
    });

    it('exports the decision trace to authorities: JSON as stored, xlsx in three sheets', async () => {
      const traces = (await json(
        exportPath(round.id, 'decision-trace'),
        {},
        cast.officer.token,
      )) as Array<{
        round: { code: string };
        lot: { id: string };
        bids: unknown[];
        output: { winners: string[]; bids: unknown[] };
      }>;
      expect(traces).toHaveLength(1);
      expect(traces[0].round.code).toBe(round.code);
      expect(traces[0].lot.id).toBe(lot.id);
      expect(traces[0].bids).toHaveLength(3);
      expect(traces[0].output.winners).toEqual([bidCodes[0], bidCodes[1]]);
      const stored = await json(
        api(`/procurement/rounds/${round.id}/lots/${lot.id}/results/1/trace`),
        {},
        cast.officer.token,
      );
      expect(traces[0]).toEqual(stored);

      const res = await download(
        exportPath(round.id, 'decision-trace'),
        { format: 'xlsx', lotId: lot.id },
        cast.auditor.token,
      ).expect(200);
      const wb = await workbook(res.body as Buffer);
      expect(wb.worksheets.map((s) => s.name)).toEqual(['parameters', 'bids', 'results']);
      const parameters = rowsOf(wb.getWorksheet('parameters'));
      expect(parameters).toContainEqual([lot.code, 1, 'ruleSet.name', 'national-batch-7']);
      expect(parameters).toContainEqual([lot.code, 1, 'parameters.excludeHighest', 'true']);
      const bids = rowsOf(wb.getWorksheet('bids'));
      expect(bids).toHaveLength(4);
      expect(
        bids
          .slice(1)
          .map((r) => r[8])
          .sort(),
      ).toEqual(['10.5000', '14.0000', '7.0000']);
      const results = rowsOf(wb.getWorksheet('results'));
      expect(results).toHaveLength(4);
      const outcomes = new Map(results.slice(1).map((r) => [r[8], r[13]]));
      expect(outcomes).toEqual(
        new Map([
          [bidCodes[0], 'won'],
          [bidCodes[1], 'won'],
          [bidCodes[2], 'lost'],
        ]),
      );

      for (const token of [cast.suppliers[0].token, cast.hospitals[0].token])
        await t.http().get(exportPath(round.id, 'decision-trace')).set(bearer(token)).expect(403);
    });

    it('refuses an unknown format', async () => {
      await t
        .http()
        .get(exportPath(round.id, 'results'))
        .query({ format: 'csv' })
        .set(bearer(cast.officer.token))
        .expect(400);
    });

    it('lists the round publicly and shows its winners without login', async () => {
      const list = await t
        .http()
        .get(api('/public/rounds'))
        .query({ pageSize: 200, order: 'desc' })
        .expect(200);
      const listed = (list.body as { items: Array<Record<string, unknown>> }).items;
      expect(listed).toContainEqual({
        code: round.code,
        name: expect.any(String) as unknown,
        level: 'city',
        category: 'drug',
        status: 'awarded',
        awardedAt: expect.any(String) as unknown,
      });

      const res = await t
        .http()
        .get(api(`/public/rounds/${round.code}/results`))
        .expect(200);
      const body = res.body as { code: string; lots: Array<Record<string, unknown>> };
      expect(body.code).toBe(round.code);
      // Which hospitals each winner supplies depends on the region picks; the public figure is
      // the sum of that winner's agreements.
      const agreements = (await json(
        exportPath(round.id, 'agreed-volumes'),
        { format: 'json' },
        cast.officer.token,
      )) as Array<{ supplierName: string; agreedQuantity: string }>;
      const agreedOf = (supplier: number) =>
        agreements
          .filter((a) => a.supplierName === cast.suppliers[supplier].org.name)
          .reduce((sum, a) => sum + Number.parseInt(a.agreedQuantity, 10), 0)
          .toFixed(3);
      expect(Number(agreedOf(0)) + Number(agreedOf(1))).toBe(600 + 1200 + 1801);
      expect(body.lots).toEqual([
        {
          lotCode: lot.code,
          lotName: '=HYPERLINK("http://x")',
          termYears: 1,
          winners: [
            expect.objectContaining({
              rank: 1,
              productCode: cast.suppliers[0].product.code,
              productName: '阿托伐他汀钙片',
              supplierName: cast.suppliers[0].org.name,
              packPrice: '7.0000',
              unitPrice: '1.000000',
              agreedVolume: agreedOf(0),
            }),
            expect.objectContaining({
              rank: 2,
              supplierName: cast.suppliers[1].org.name,
              packPrice: '10.5000',
              unitPrice: '1.500000',
              agreedVolume: agreedOf(1),
            }),
          ],
        },
      ]);
    });
  });

  it('keeps every export sealed before the opening, and the public view until the award', async () => {
    const { round, lot } = await roundWithBids();
    const everybody = [
      cast.officer.token,
      cast.auditor.token,
      cast.hospitals[0].token,
      cast.suppliers[0].token,
    ];
    for (const token of everybody) {
      for (const format of ['json', 'xlsx']) {
        const res = await t
          .http()
          .get(exportPath(round.id, 'results'))
          .query({ format })
          .set(bearer(token))
          .expect(409);
        expect((res.body as { code: string }).code).toBe('PROCUREMENT.RESULTS_NOT_AVAILABLE');
        expect(JSON.stringify(res.body)).not.toContain('7.00');
        await t
          .http()
          .get(exportPath(round.id, 'agreed-volumes'))
          .query({ format })
          .set(bearer(token))
          .expect(409);
      }
    }
    for (const token of [cast.officer.token, cast.auditor.token])
      await t.http().get(exportPath(round.id, 'decision-trace')).set(bearer(token)).expect(409);
    await t
      .http()
      .get(api(`/public/rounds/${round.code}/results`))
      .expect(404);

    // Opened: authorities read results, the others only once they are published.
    await open(round.id, round.timeline);
    await json(exportPath(round.id, 'results'), { format: 'json' }, cast.officer.token);
    await json(exportPath(round.id, 'results'), { format: 'json' }, cast.suppliers[0].token, 409);
    await json(exportPath(round.id, 'results'), { format: 'json' }, cast.hospitals[0].token, 409);
    await json(exportPath(round.id, 'agreed-volumes'), { format: 'json' }, cast.officer.token, 409);
    const traces = await json(
      exportPath(round.id, 'decision-trace'),
      { lotId: lot.id },
      cast.officer.token,
    );
    expect(traces).toHaveLength(1);

    await transition(t, cast.officer.token, round.id, 'publish');
    const published = (await json(
      exportPath(round.id, 'results'),
      { format: 'json' },
      cast.hospitals[0].token,
    )) as unknown[];
    expect(published).toHaveLength(3);
    // Publicity is not the award: the public still sees nothing, exactly as for a missing round.
    const hidden = await t
      .http()
      .get(api(`/public/rounds/${round.code}/results`))
      .expect(404);
    const missing = await t.http().get(api('/public/rounds/R1999-9999/results')).expect(404);
    expect((hidden.body as { code: string }).code).toBe((missing.body as { code: string }).code);
    const list = await t.http().get(api('/public/rounds')).query({ pageSize: 200 }).expect(200);
    expect(
      (list.body as { items: Array<{ code: string }> }).items.map((r) => r.code),
    ).not.toContain(round.code);
  });
});

import { Clock } from '../../src/common/clock';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const DAY = 24 * 3600 * 1000;

interface Agreement {
  hospitalId: string;
  supplierId: string;
  productId: string;
  declaredQuantity: string;
  agreedQuantity: string;
  packPrice: string;
  unitPrice: string;
  brandSpecified: boolean;
  startDate: string;
  endDate: string;
}

/**
 * A whole round through HTTP only: draft → demand → sealed bids (submit, amend, withdraw) →
 * deadline → opening → objection → award → agreements, and the replay of the stored result.
 */
describe('a procurement round end to end', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t, { hospitals: 4, suppliers: 4 });
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1/procurement${path}`;

  it('runs from draft to awarded agreements with the right quantities and prices', async () => {
    const officer = cast.officer.token;
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    const [h0, h1, h2, h3] = cast.hospitals;
    const [s0, s1, s2, s3] = cast.suppliers;
    const [county, otherCounty, thirdCounty] = cast.counties;

    // Demand (§P3): four hospitals report; one names a brand.
    await transition(t, officer, round.id, 'open_demand');
    const report = (token: string, body: object) =>
      t
        .http()
        .put(api(`/rounds/${round.id}/demand/${lot.id}`))
        .set(bearer(token))
        .send(body);
    await report(h0.token, { quantity: '10000' }).expect(200);
    await report(h1.token, { quantity: '7000', brandProductId: s1.product.id }).expect(200);
    await report(h2.token, { quantity: '5001' }).expect(200);
    // h3 reports with the round's Excel template, pre-filled with the lot.
    const demandTemplate = await loadWorkbook(
      await downloadTemplate(t, h3.token, 'procurement.demand', `?contextId=${round.id}`),
    );
    const demandSheet = demandTemplate.getWorksheet('报量 Demand')!;
    expect(demandSheet.getCell(2, 1).text).toBe('L001');
    demandSheet.getCell(2, 5).value = 333;
    const demandUpload = await upload(
      t,
      h3.token,
      'procurement.demand',
      Buffer.from(await demandTemplate.xlsx.writeBuffer()),
      'demand.xlsx',
      `?contextId=${round.id}`,
    ).expect(202);
    expect((await settled(t, h3.token, demandUpload.body.id)).body.status).toBe('committed');
    clock.passes(round.timeline.demandClosesAt);
    await transition(t, officer, round.id, 'close_demand');
    const frozen = await report(h0.token, { quantity: '1' }).expect(409);
    expect(frozen.body.code).toBe('PROCUREMENT.DEMAND_WINDOW_CLOSED');

    // Sealed bidding (§P4).
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, officer, round.id, 'open_bidding');
    for (const s of cast.suppliers)
      await t
        .http()
        .post(api(`/rounds/${round.id}/commitment`))
        .set(bearer(s.token))
        .expect(201);
    const bid = (s: ProcurementCast['suppliers'][number], packPrice: string, regions: string[]) =>
      t
        .http()
        .post(api(`/rounds/${round.id}/bids`))
        .set(bearer(s.token))
        .send({
          lotId: lot.id,
          productId: s.product.id,
          packPrice,
          capacity: '500000',
          preferredRegions: regions,
        })
        .expect(201);
    const b0 = await bid(s0, '14.00', [thirdCounty.code, county.code]);
    const b1 = await bid(s1, '10.50', [thirdCounty.code]);
    const b2 = await bid(s2, '19.60', []);
    // s3 bids with the round's Excel template: a row per lot × its admitted product.
    const bidTemplate = await loadWorkbook(
      await downloadTemplate(t, s3.token, 'procurement.bids', `?contextId=${round.id}`),
    );
    const bidSheet = bidTemplate.getWorksheet('申报 Bids')!;
    expect(bidSheet.getCell(2, 3).text).toBe(s3.product.code);
    bidSheet.getCell(2, 5).value = '12.00';
    bidSheet.getCell(2, 6).value = '500000';
    const bidUpload = await upload(
      t,
      s3.token,
      'procurement.bids',
      Buffer.from(await bidTemplate.xlsx.writeBuffer()),
      'bids.xlsx',
      `?contextId=${round.id}`,
    ).expect(202);
    expect((await settled(t, s3.token, bidUpload.body.id)).body.status).toBe('committed');
    const receipts = await t
      .http()
      .get(api(`/rounds/${round.id}/receipts`))
      .set(bearer(s3.token))
      .expect(200);
    expect(receipts.body.items).toHaveLength(1);
    const s3Bids = await t
      .http()
      .get(api(`/rounds/${round.id}/bids`))
      .set(bearer(s3.token))
      .expect(200);
    const b3 = { body: { bid: s3Bids.body.items[0] as { id: string; code: string } } };
    expect(receipts.body.items[0]).toMatchObject({ bidId: b3.body.bid.id, counted: true });
    expect(receipts.body.items[0].receipt.bidCode).toBe(b3.body.bid.code);
    expect(b1.body.receipt).toMatchObject({
      version: 1,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // s2 amends (a new version), s3 withdraws.
    const amended = await t
      .http()
      .put(api(`/bids/${b2.body.bid.id}`))
      .set(bearer(s2.token))
      .send({ packPrice: '17.50', capacity: '500000', preferredRegions: [] })
      .expect(200);
    expect(amended.body.receipt.version).toBe(2);
    await t
      .http()
      .post(api(`/bids/${b3.body.bid.id}/withdraw`))
      .set(bearer(s3.token))
      .expect(200);
    // Officers see counts only before the opening.
    const counts = await t
      .http()
      .get(api(`/rounds/${round.id}/bid-counts`))
      .set(bearer(officer))
      .expect(200);
    expect(JSON.stringify(counts.body)).not.toContain('10.5');
    await t
      .http()
      .get(api(`/rounds/${round.id}/bids`))
      .set(bearer(officer))
      .expect(409);

    // The deadline passes by the server clock: late bids are refused, the opening runs.
    clock.passes(round.timeline.biddingClosesAt);
    const late = await t
      .http()
      .put(api(`/bids/${b0.body.bid.id}`))
      .set(bearer(s0.token))
      .send({ packPrice: '9.00', capacity: '500000', preferredRegions: [] })
      .expect(409);
    expect(late.body.code).toBe('PROCUREMENT.BIDDING_CLOSED');
    clock.passes(round.timeline.openingAt);
    const opened = await transition(t, officer, round.id, 'open');
    expect(opened.body.status).toBe('opened');

    // §P6 batch 7: unit comparable prices 2.0, 1.5, 2.5; all within 1.8 × 1.5; three valid bidders
    // so at most two win; the highest is excluded.
    const results = await t
      .http()
      .get(api(`/rounds/${round.id}/results`))
      .set(bearer(officer))
      .expect(200);
    const [result] = results.body as Array<{
      version: number;
      winners: string[];
      agreedVolumeRatio: string;
      bids: Array<{
        bid: string;
        outcome: string;
        rank: number;
        unitComparablePrice: string;
        reasons: string[];
      }>;
    }>;
    expect(result.winners).toEqual([b1.body.bid.code, b0.body.bid.code]);
    expect(result.agreedVolumeRatio).toBe('0.6');
    expect(result.bids.map((b) => [b.bid, b.rank, b.outcome, b.unitComparablePrice])).toEqual([
      [b1.body.bid.code, 1, 'won', '1.500000'],
      [b0.body.bid.code, 2, 'won', '2.000000'],
      [b2.body.bid.code, 3, 'lost', '2.500000'],
    ]);
    expect(result.bids[2].reasons).toEqual(['ratio_to_anchor', 'highest_price_excluded']);
    expect(JSON.stringify(result)).not.toContain(b3.body.bid.code);
    const replay = await t
      .http()
      .post(api(`/rounds/${round.id}/lots/${lot.id}/results/${result.version}/replay`))
      .set(bearer(officer))
      .expect(200);
    expect(replay.body).toMatchObject({ reproduced: true, differingBids: [] });
    // The supplier's receipt of its final version is the one that was opened.
    const verify = await t
      .http()
      .post(api('/receipts/verify'))
      .set(bearer(s2.token))
      .send({ bidCode: b2.body.bid.code, version: 2, digest: amended.body.receipt.digest })
      .expect(200);
    expect(verify.body).toMatchObject({ valid: true, counted: true });

    // Publicity and an objection (§P8).
    await transition(t, officer, round.id, 'publish');
    const objection = await t
      .http()
      .post(api(`/rounds/${round.id}/objections`))
      .set(bearer(s2.token))
      .send({ lotId: lot.id, reason: '报价排序有误' })
      .expect(201);
    const blocked = await transition(t, officer, round.id, 'award', 409);
    expect(blocked.body.code).toBe('PROCUREMENT.ROUND_TOO_EARLY');
    clock.advance(3 * DAY + 1000);
    const unanswered = await transition(t, officer, round.id, 'award', 409);
    expect(unanswered.body.code).toBe('PROCUREMENT.ROUND_NOT_READY');
    await t
      .http()
      .post(api(`/objections/${objection.body.id}/answer`))
      .set(bearer(officer))
      .send({ answer: '经复核，排序无误' })
      .expect(200);
    const awarded = await transition(t, officer, round.id, 'award');
    expect(awarded.body.status).toBe('awarded');

    // §P9: ratio 0.6 per hospital, rounded half up; regions picked in rank order.
    const agreements = await t
      .http()
      .get(api(`/rounds/${round.id}/agreements?pageSize=200`))
      .set(bearer(officer))
      .expect(200);
    const byHospital = new Map(
      (agreements.body.items as Agreement[]).map((a) => [a.hospitalId, a]),
    );
    const end = new Date(Date.parse(`${round.timeline.contractStart}T00:00:00Z`));
    end.setUTCFullYear(end.getUTCFullYear() + 1);
    const endDate = new Date(end.getTime() - DAY).toISOString().slice(0, 10);
    const s0Terms = {
      supplierId: s0.org.id,
      packPrice: '14.0000',
      unitPrice: '2.000000',
      startDate: round.timeline.contractStart,
      endDate,
    };
    const s1Terms = {
      supplierId: s1.org.id,
      packPrice: '10.5000',
      unitPrice: '1.500000',
      startDate: round.timeline.contractStart,
      endDate,
    };
    expect(agreements.body.total).toBe(4);
    expect(byHospital.get(h0.org.id)).toMatchObject({
      ...s0Terms,
      declaredQuantity: '10000.000',
      agreedQuantity: '6000.000',
      brandSpecified: false,
    });
    expect(byHospital.get(h1.org.id)).toMatchObject({
      ...s1Terms,
      agreedQuantity: '4200.000',
      brandSpecified: true,
    });
    expect(byHospital.get(h2.org.id)).toMatchObject({ ...s1Terms, agreedQuantity: '3001.000' });
    expect(byHospital.get(h3.org.id)).toMatchObject({ ...s0Terms, agreedQuantity: '200.000' });
    const regions = await t
      .http()
      .get(api(`/rounds/${round.id}/lots/${lot.id}/supply-regions`))
      .set(bearer(officer))
      .expect(200);
    const primary = Object.fromEntries(
      (regions.body as Array<{ regionCode: string; bidId: string; duty: string }>)
        .filter((r) => r.duty === 'primary')
        .map((r) => [r.regionCode, r.bidId]),
    );
    expect(primary).toEqual({
      [thirdCounty.code]: b1.body.bid.id,
      [county.code]: b0.body.bid.id,
      [otherCounty.code]: b1.body.bid.id,
    });
    // A hospital sees its own agreement only; a supplier its own.
    const own = await t
      .http()
      .get(api(`/rounds/${round.id}/agreements`))
      .set(bearer(h2.token))
      .expect(200);
    expect(own.body.items).toHaveLength(1);
    const mine = await t
      .http()
      .get(api(`/rounds/${round.id}/agreements`))
      .set(bearer(s0.token))
      .expect(200);
    expect((mine.body.items as Agreement[]).map((a) => a.hospitalId).sort()).toEqual(
      [h0.org.id, h3.org.id].sort(),
    );
    const volumes = await t
      .http()
      .get(api(`/rounds/${round.id}/agreed-volumes`))
      .set(bearer(officer))
      .expect(200);
    expect(volumes.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          supplierId: s0.org.id,
          agreedQuantity: '6200.000',
          hospitals: 2,
        }),
        expect.objectContaining({
          supplierId: s1.org.id,
          agreedQuantity: '7201.000',
          hospitals: 2,
        }),
      ]),
    );
  });
});

import type { Response } from 'supertest';
import { Clock } from '../../src/common/clock';
import { ImportFile } from '../../src/modules/imports/import-file.entity';
import { makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';
import { downloadTemplate, loadWorkbook, settled, upload } from './workbooks';

type Json = Record<string, unknown>;

const DEMAND = 'procurement.demand';
const DEMAND_SHEET = '报量 Demand';
const BIDS = 'procurement.bids';
const BIDS_SHEET = '申报 Bids';

/**
 * §X "the same file uploaded twice is recognised (409 or the first result)", per uploading
 * organisation: organisations sharing a context (the hospitals of a round, its bidders) each
 * upload an identical file as their own import, the 409 for a second upload names the uploader's
 * own first import and nothing of another organisation's, and racing uploads by one organisation
 * still make one import. Sealed bid imports keep their guarantees.
 */
describe('imports: duplicate files per uploading organisation (§X)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;
  let officer: string;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t, { hospitals: 2, suppliers: 2 });
    officer = cast.officer.token;
  });
  afterAll(() => t.close());

  const importsOf = (sha256: string) =>
    t.dataSource.getRepository(ImportFile).find({ where: { sha256 }, order: { id: 'ASC' } });
  const sha256Of = async (id: string) =>
    (await t.dataSource.getRepository(ImportFile).findOneByOrFail({ id })).sha256;
  const importById = (token: string, id: string) =>
    t.http().get(`/api/v1/imports/${id}`).set(bearer(token));

  function expectDuplicateOf(res: Response, first: Json) {
    expect({ status: res.status, code: res.body.code }).toEqual({
      status: 409,
      code: 'IMPORTS.DUPLICATE_FILE',
    });
    expect(res.body.details).toEqual({ importId: first.id, status: first.status });
    expect(res.body.message).toBe(
      `This file was already uploaded for ${first.kind as string} as import ${first.id as string} (${first.status as string})`,
    );
  }

  /** A round collecting demand from the cast's hospitals, with lot L001. */
  async function demandRound() {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    await transition(t, officer, round.id, 'open_demand');
    return round;
  }

  /** The round's demand template with one row: `quantity` of L001 for the uploader itself. */
  async function demandFile(roundId: string, quantity: string): Promise<Buffer> {
    const wb = await loadWorkbook(
      await downloadTemplate(t, officer, DEMAND, `?contextId=${roundId}`),
    );
    wb.getWorksheet(DEMAND_SHEET)!.getRow(2).getCell(5).value = quantity;
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  const uploadDemand = (token: string, roundId: string, file: Buffer, name = 'demand.xlsx') =>
    upload(t, token, DEMAND, file, name, `?contextId=${roundId}`);

  it('takes an identical file from two organisations of one round, each as its own import', async () => {
    const round = await demandRound();
    const [h0, h1] = cast.hospitals;
    const file = await demandFile(round.id, '1200');

    const first = await uploadDemand(h0.token, round.id, file).expect(202);
    const second = await uploadDemand(h1.token, round.id, file).expect(202);
    expect(second.body.id).not.toBe(first.body.id);
    const mine = (await settled(t, h0.token, first.body.id)).body as Json;
    const theirs = (await settled(t, h1.token, second.body.id)).body as Json;
    expect([mine.status, theirs.status]).toEqual(['committed', 'committed']);

    // Each hospital's own report came of its own import.
    const reports = await t
      .http()
      .get(`/api/v1/procurement/rounds/${round.id}/demand`)
      .query({ pageSize: 200 })
      .set(bearer(officer))
      .expect(200);
    expect(
      (reports.body.items as Json[])
        .map((r) => [r.hospitalId, r.quantity, r.reportedByOrgId])
        .sort(),
    ).toEqual(
      [
        [h0.org.id, '1200.000', h0.org.id],
        [h1.org.id, '1200.000', h1.org.id],
      ].sort(),
    );

    // Two records of one file, one per organisation, stored apart: neither is the other's.
    const stored = await importsOf(await sha256Of(first.body.id));
    expect(stored.map((s) => [s.id, s.organisationId])).toEqual([
      [first.body.id, h0.org.id],
      [second.body.id, h1.org.id],
    ]);
    expect(stored[0].storagePath).not.toBe(stored[1].storagePath);
    await importById(h1.token, first.body.id).expect(404);
    await importById(h0.token, second.body.id).expect(404);
  });

  it('refuses an organisation’s second upload with 409 naming its own first import only', async () => {
    const round = await demandRound();
    const [h0, h1] = cast.hospitals;
    const file = await demandFile(round.id, '800');

    const first = await uploadDemand(h0.token, round.id, file).expect(202);
    const other = await uploadDemand(h1.token, round.id, file).expect(202);
    const again = await uploadDemand(h0.token, round.id, file, 'renamed.xlsx');
    expect(again.status).toBe(409);
    expect(again.body.details.importId).toBe(first.body.id);
    expect(['queued', 'validating', 'committing', 'committed']).toContain(
      again.body.details.status,
    );

    const mine = (await settled(t, h0.token, first.body.id)).body as Json;
    const theirs = (await settled(t, h1.token, other.body.id)).body as Json;
    expectDuplicateOf(await uploadDemand(h0.token, round.id, file), mine);
    expectDuplicateOf(await uploadDemand(h1.token, round.id, file), theirs);
    // A colleague at the same hospital uploads for the same organisation: the same import.
    const colleague = (await makeUser(t, h0.org, ['hospital_user'])).token;
    expectDuplicateOf(await uploadDemand(colleague, round.id, file), mine);
    expect(await importsOf(await sha256Of(first.body.id))).toHaveLength(2);
  });

  it('makes one import of a concurrent double upload by one organisation', async () => {
    const round = await demandRound();
    const [h0, h1] = cast.hospitals;
    const file = await demandFile(round.id, '640');

    const racing = await Promise.all([
      uploadDemand(h0.token, round.id, file, 'a.xlsx'),
      uploadDemand(h0.token, round.id, file, 'b.xlsx'),
      uploadDemand(h1.token, round.id, file, 'c.xlsx'),
      uploadDemand(h1.token, round.id, file, 'd.xlsx'),
    ]);
    for (const pair of [racing.slice(0, 2), racing.slice(2)]) {
      const accepted = pair.filter((r) => r.status === 202);
      const refused = pair.filter((r) => r.status !== 202);
      expect(accepted).toHaveLength(1);
      expect(refused.map((r) => [r.status, r.body.code])).toEqual([
        [409, 'IMPORTS.DUPLICATE_FILE'],
      ]);
      expect(refused[0].body.details?.importId).toBe(accepted[0].body.id);
    }
    await t.idle();
    const stored = await importsOf(await sha256Of(racing.find((r) => r.status === 202)!.body.id));
    expect(stored.map((s) => s.organisationId).sort()).toEqual([h0.org.id, h1.org.id].sort());
    expect(stored.map((s) => s.status)).toEqual(['committed', 'committed']);
  });

  it('keeps sealed bid uploads their own: an identical file of another bidder is its own import', async () => {
    const { round } = await makeRoundWithLot(t, cast, { now: clock.now() });
    await transition(t, officer, round.id, 'open_demand');
    const [s0, s1] = cast.suppliers;
    for (const s of [s0, s1])
      await t
        .http()
        .post(`/api/v1/procurement/rounds/${round.id}/commitment`)
        .set(bearer(s.token))
        .expect(201);
    clock.passes(round.timeline.demandClosesAt);
    await transition(t, officer, round.id, 'close_demand');
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, officer, round.id, 'open_bidding');

    // s0's filled-in template; s1 happens to upload the very same bytes.
    const wb = await loadWorkbook(
      await downloadTemplate(t, s0.token, BIDS, `?contextId=${round.id}`),
    );
    const sheet = wb.getWorksheet(BIDS_SHEET)!;
    expect(sheet.getCell(2, 3).text).toBe(s0.product.code);
    sheet.getCell(2, 5).value = '19.8765';
    sheet.getCell(2, 6).value = '500000';
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const uploadBids = (token: string) =>
      upload(t, token, BIDS, file, 'bids.xlsx', `?contextId=${round.id}`);

    const first = await uploadBids(s0.token).expect(202);
    const second = await uploadBids(s1.token).expect(202);
    const mine = (await settled(t, s0.token, first.body.id)).body as Json;
    const theirs = (await settled(t, s1.token, second.body.id)).body as Json;
    // s1 bids nothing with s0's product; s0's bid stands, its stored workbook untouched by s1's.
    expect(mine).toMatchObject({ status: 'committed', rowsWritten: 1 });
    expect(theirs).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
    const bids = await t
      .http()
      .get(`/api/v1/procurement/rounds/${round.id}/bids`)
      .set(bearer(s0.token))
      .expect(200);
    expect((bids.body.items as Json[]).map((b) => [b.productId, b.packPrice])).toEqual([
      [s0.product.id, '19.8765'],
    ]);

    // Each bidder's repeat names its own import; neither sees the other's.
    expectDuplicateOf(await uploadBids(s0.token), mine);
    expectDuplicateOf(await uploadBids(s1.token), theirs);
    await importById(s1.token, first.body.id).expect(404);
    await importById(s0.token, second.body.id).expect(404);
  });
});

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/clock';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { ImportFile } from '../../src/modules/imports/import-file.entity';
import { Bid, BidVersion } from '../../src/modules/procurement/bids/bid.entity';
import { BiddingBar, CreditCheck } from '../../src/modules/procurement/bids/credit-check';
import { Round } from '../../src/modules/procurement/rounds/round.entity';
import { makeDrug } from '../factories/catalog';
import { makeOrganisation, makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { downloadTemplate, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Json = Record<string, unknown>;
type Supplier = ProcurementCast['suppliers'][number];
type RoundRef = Awaited<ReturnType<typeof makeRoundWithLot>>['round'];
interface LotRef {
  id: string;
  code: string;
}
interface ReceiptJson {
  bidCode: string;
  version: number;
  digest: string;
  submittedAt: string;
  nonce: string;
  canonical: string;
}
interface BidJson {
  id: string;
  code: string;
  submittedAt: string;
  [field: string]: unknown;
}

const KIND = 'procurement.bids';
const SHEET = '申报 Bids';
const HEADERS = [
  '品种编号 Lot code',
  '品种名称 Lot name',
  '产品代码 Product code',
  '产品规格 Product and spec',
  '申报价(每包装) Pack price',
  '供应能力 Supply capacity',
  '意向供应地区 Preferred regions',
];

/** A credit context the test controls: the suppliers in `barred` may not bid. */
class TestCredit extends CreditCheck {
  readonly barred = new Map<string, string>();

  biddingBar(supplierId: string): Promise<BiddingBar> {
    const reason = this.barred.get(supplierId);
    return Promise.resolve(reason ? { barred: true, reason } : { barred: false, reason: null });
  }
}

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('procurement: sealed bidding (§P4 申报)', () => {
  let t: TestApp;
  let clock: TestClock;
  let credit: TestCredit;
  let cast: ProcurementCast;
  let officer: string;
  let s0: Supplier;
  let s1: Supplier;
  let s2: Supplier;
  /** A supplier that signs no commitment. */
  let s3: Supplier;
  /** Products of s0 for the eligibility rules, admitted to lot L002 unless said otherwise. */
  let products: Record<
    'notAdmitted' | 'notConsistent' | 'originator' | 'incomparable' | 'double',
    Product
  >;
  let distributor: { org: Organisation; token: string };
  /** Authority roles of the cast's city authority, plus the platform admin. */
  let authorities: Record<string, string>;

  const api = (path: string) => `/api/v1/procurement${path}`;
  const get = (token: string, path: string, query: Json = {}) =>
    t.http().get(api(path)).query(query).set(bearer(token));
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const submit = (token: string, roundId: string, body: object) =>
    post(token, `/rounds/${roundId}/bids`, body);
  const amend = (token: string, bidId: string, body: object) =>
    t
      .http()
      .put(api(`/bids/${bidId}`))
      .set(bearer(token))
      .send(body);
  const withdraw = (token: string, bidId: string) => post(token, `/bids/${bidId}/withdraw`);
  const verify = (token: string, body: object) => post(token, '/receipts/verify', body);
  const terms = (packPrice: string, preferredRegions: string[] = []) => ({
    packPrice,
    capacity: '500000',
    preferredRegions,
  });

  beforeAll(async () => {
    clock = new TestClock();
    credit = new TestCredit();
    // The round timer stays out of the way: the tests move every round themselves.
    t = await startApp(
      { ROUND_TIMER_SECONDS: '86400' },
      {
        providers: [
          { provide: Clock, useValue: clock },
          { provide: CreditCheck, useValue: credit },
        ],
      },
    );
    cast = await makeProcurementCast(t, { hospitals: 1, suppliers: 4 });
    officer = cast.officer.token;
    [s0, s1, s2, s3] = cast.suppliers;
    const drug = (fields: Parameters<typeof makeDrug>[1]) =>
      makeDrug(t, { manufacturer: s0.org, name: '阿托伐他汀钙片', ...fields });
    products = {
      notAdmitted: await drug({ consistencyEvaluated: true }),
      notConsistent: await drug({ consistencyEvaluated: false, originator: false }),
      originator: await drug({ consistencyEvaluated: false, originator: true }),
      incomparable: await drug({
        strength: '1000',
        strengthUnit: 'IU',
        consistencyEvaluated: true,
      }),
      double: await drug({ strength: '40', packSize: 14, consistencyEvaluated: true }),
    };
    const distributorOrg = await makeOrganisation(t, 'distributor', {
      name: `配送 ${s0.org.code}`,
    });
    distributor = {
      org: distributorOrg,
      token: (await makeUser(t, distributorOrg, ['supplier_user'])).token,
    };
    authorities = {
      platform_admin: t.adminToken,
      admin: (await makeUser(t, cast.authority, ['admin'])).token,
      procurement_officer: officer,
      pricing_analyst: (await makeUser(t, cast.authority, ['pricing_analyst'])).token,
      auditor: cast.auditor.token,
    };
  });
  afterAll(() => t.close());

  /**
   * A round of its own in the bidding window: lot L001 (every cast supplier's product, maximum
   * 3 yuan per 20 mg tablet), optionally L002 with `lot2` admitted, commitments signed by
   * `committed`. The clock is moved to the bidding window.
   */
  async function biddingRound(
    opts: {
      lot2?: Product[];
      committed?: Array<{ token: string }>;
      stopAt?: 'demand_collection';
    } = {},
  ) {
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    let lot2: LotRef | null = null;
    if (opts.lot2)
      lot2 = (
        await post(officer, `/rounds/${round.id}/lots`, {
          code: 'L002',
          name: '阿托伐他汀钙 规格二',
          dosageFormClass: 'oral_solid',
          representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
          maxValidUnitPrice: '3.000000',
          admittedProductIds: opts.lot2.map((p) => p.id),
        }).expect(201)
      ).body;
    await transition(t, officer, round.id, 'open_demand');
    for (const s of opts.committed ?? [s0, s1, s2])
      await post(s.token, `/rounds/${round.id}/commitment`).expect(201);
    if (opts.stopAt !== 'demand_collection') {
      clock.passes(round.timeline.demandClosesAt);
      await transition(t, officer, round.id, 'close_demand');
      clock.passes(round.timeline.biddingOpensAt);
      await transition(t, officer, round.id, 'open_bidding');
    }
    return { round, lot, lot2: lot2 as LotRef };
  }

  /** The deadline and the opening time pass and the officer opens the round. */
  async function openRound(round: { id: string; timeline: { openingAt: string } }) {
    clock.passes(round.timeline.openingAt);
    const opened = await transition(t, officer, round.id, 'open');
    expect(opened.body.status).toBe('opened');
  }

  describe('submission and receipts', () => {
    it('accepts a bid, answers it with a receipt whose digest is the SHA-256 of the canonical bid', async () => {
      const { round, lot } = await biddingRound();
      const res = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        packPrice: '19.8765',
        capacity: '500000.5',
        preferredRegions: [cast.counties[1].code, cast.counties[0].code],
      }).expect(201);
      const { bid, receipt } = res.body as { bid: BidJson; receipt: ReceiptJson };
      expect(bid).toMatchObject({
        code: expect.stringMatching(new RegExp(`^${round.code}-B[0-9A-F]{10}$`)),
        roundId: round.id,
        lotId: lot.id,
        lotCode: 'L001',
        productId: s0.product.id,
        productCode: s0.product.code,
        supplierId: s0.org.id,
        supplierName: s0.org.name,
        status: 'active',
        version: 1,
        packPrice: '19.8765',
        capacity: '500000.500',
        preferredRegions: [cast.counties[1].code, cast.counties[0].code],
        excludedReason: null,
      });
      expect(receipt).toMatchObject({
        bidCode: bid.code,
        version: 1,
        submittedAt: bid.submittedAt,
        nonce: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      expect(receipt.digest).toBe(sha256(receipt.canonical));
      expect(JSON.parse(receipt.canonical)).toEqual({
        round: round.code,
        lot: 'L001',
        supplierId: s0.org.id,
        productId: s0.product.id,
        packPrice: '19.8765',
        capacity: '500000.500',
        preferredRegions: [cast.counties[1].code, cast.counties[0].code],
        version: 1,
        nonce: receipt.nonce,
      });

      // Read back by the bidder: the bid, the list, the versions and the round's receipts.
      expect((await get(s0.token, `/bids/${bid.id}`).expect(200)).body).toEqual(bid);
      const own = await get(s0.token, `/rounds/${round.id}/bids`).expect(200);
      expect(own.body).toMatchObject({ total: 1, items: [bid] });
      const versions = await get(s0.token, `/bids/${bid.id}/versions`).expect(200);
      expect(versions.body).toEqual([
        {
          version: 1,
          action: 'submitted',
          packPrice: '19.8765',
          capacity: '500000.500',
          preferredRegions: [cast.counties[1].code, cast.counties[0].code],
          digest: receipt.digest,
          submittedAt: receipt.submittedAt,
        },
      ]);
      const receipts = await get(s0.token, `/rounds/${round.id}/receipts`).expect(200);
      expect(receipts.body.items).toEqual([
        {
          bidId: bid.id,
          lotId: lot.id,
          productId: s0.product.id,
          bidStatus: 'active',
          counted: true,
          receipt,
        },
      ]);
      const counts = await get(officer, `/rounds/${round.id}/bid-counts`).expect(200);
      expect(counts.body).toEqual([{ lotId: lot.id, lotCode: 'L001', bids: 1 }]);
    });

    it('keeps the price out of the database in plain, and the digest unguessable without the nonce', async () => {
      const { round, lot } = await biddingRound();
      const res = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      const { bid, receipt } = res.body as { bid: BidJson; receipt: ReceiptJson };
      const rows = {
        bid: await t.dataSource.getRepository(Bid).findOneByOrFail({ id: bid.id }),
        versions: await t.dataSource.getRepository(BidVersion).findBy({ bidId: bid.id }),
      };
      expect(rows.bid.packPrice).toBeNull();
      expect(rows.versions[0].sealed).toMatch(/^v1\./);
      expect(JSON.stringify(rows)).not.toContain('19.8765');
      expect(JSON.stringify(rows)).not.toContain(receipt.nonce);
      // Hashing the guessable fields with the right price but without the nonce misses.
      const { nonce: _nonce, ...guessable } = JSON.parse(receipt.canonical) as Json;
      expect(sha256(JSON.stringify(guessable))).not.toBe(rows.versions[0].digest);
      expect(rows.versions[0].digest).toBe(receipt.digest);
    });

    it('amends into a new version, keeps the old ones, and verifies receipts of each', async () => {
      const { round, lot } = await biddingRound();
      const first = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      const bidId = first.body.bid.id as string;
      const second = await amend(s0.token, bidId, terms('18.5', [cast.counties[2].code])).expect(
        200,
      );
      expect(second.body.bid).toMatchObject({
        id: bidId,
        code: first.body.bid.code,
        version: 2,
        packPrice: '18.5000',
        preferredRegions: [cast.counties[2].code],
      });
      expect(second.body.receipt).toMatchObject({ bidCode: first.body.bid.code, version: 2 });
      expect(second.body.receipt.nonce).not.toBe(first.body.receipt.nonce);
      expect(second.body.receipt.digest).toBe(sha256(second.body.receipt.canonical));

      const versions = await get(s0.token, `/bids/${bidId}/versions`).expect(200);
      expect(
        (versions.body as Json[]).map((v) => [v.version, v.action, v.packPrice, v.digest]),
      ).toEqual([
        [1, 'submitted', '19.8765', first.body.receipt.digest],
        [2, 'amended', '18.5000', second.body.receipt.digest],
      ]);

      const check = (version: number, digest: string) =>
        verify(s0.token, { bidCode: first.body.bid.code, version, digest }).expect(200);
      expect((await check(2, second.body.receipt.digest)).body).toEqual({
        bidCode: first.body.bid.code,
        version: 2,
        valid: true,
        finalVersion: 2,
        counted: true,
        bidStatus: 'active',
        versionSubmittedAt: second.body.receipt.submittedAt,
      });
      // A superseded version's receipt is genuine but does not count.
      expect((await check(1, first.body.receipt.digest)).body).toMatchObject({
        valid: true,
        finalVersion: 2,
        counted: false,
      });
      // Upper-case hex is the same digest.
      expect((await check(2, second.body.receipt.digest.toUpperCase())).body.valid).toBe(true);
      expect((await check(2, first.body.receipt.digest)).body).toMatchObject({
        valid: false,
        counted: false,
      });
      expect((await check(3, second.body.receipt.digest)).body).toMatchObject({
        valid: false,
        finalVersion: 2,
        versionSubmittedAt: null,
      });
      const malformed = await verify(s0.token, {
        bidCode: first.body.bid.code,
        version: 1,
        digest: 'abc',
      });
      expectError(malformed, 400, 'COMMON.VALIDATION_FAILED', 'digest');
    });

    it('withdraws a bid, refuses to touch it again, and takes it back as its next version', async () => {
      const { round, lot } = await biddingRound();
      const body = { lotId: lot.id, productId: s1.product.id, ...terms('15.0000') };
      const first = await submit(s1.token, round.id, body).expect(201);
      const bidId = first.body.bid.id as string;
      const again = await submit(s1.token, round.id, body);
      expectError(again, 409, 'PROCUREMENT.BID_ALREADY_SUBMITTED', first.body.bid.code, 'amend');

      const withdrawn = await withdraw(s1.token, bidId).expect(200);
      expect(withdrawn.body).toMatchObject({
        id: bidId,
        status: 'withdrawn',
        version: 2,
        packPrice: null,
      });
      expectError(await withdraw(s1.token, bidId), 409, 'PROCUREMENT.BID_WITHDRAWN');
      expectError(await amend(s1.token, bidId, terms('14')), 409, 'PROCUREMENT.BID_WITHDRAWN');
      const counts = await get(officer, `/rounds/${round.id}/bid-counts`).expect(200);
      expect(counts.body).toEqual([{ lotId: lot.id, lotCode: 'L001', bids: 0 }]);
      expect(
        (
          await verify(s1.token, {
            bidCode: first.body.bid.code,
            version: 1,
            digest: first.body.receipt.digest,
          }).expect(200)
        ).body,
      ).toMatchObject({ valid: true, counted: false, finalVersion: 2, bidStatus: 'withdrawn' });

      const back = await submit(s1.token, round.id, { ...body, packPrice: '14.5' }).expect(201);
      expect(back.body.bid).toMatchObject({
        id: bidId,
        code: first.body.bid.code,
        status: 'active',
        version: 3,
        packPrice: '14.5000',
      });
      expect(back.body.receipt.version).toBe(3);
      const versions = await get(s1.token, `/bids/${bidId}/versions`).expect(200);
      expect((versions.body as Json[]).map((v) => [v.version, v.action, v.packPrice])).toEqual([
        [1, 'submitted', '15.0000'],
        [2, 'withdrawn', null],
        [3, 'submitted', '14.5000'],
      ]);
      const receipts = await get(s1.token, `/rounds/${round.id}/receipts`).expect(200);
      expect(receipts.body.items).toEqual([
        expect.objectContaining({ bidId, counted: true, receipt: back.body.receipt }),
      ]);
    });

    it('gives bids opaque codes of the round, which say nothing of how many bids came before', async () => {
      const { round, lot } = await biddingRound();
      const codes: string[] = [];
      for (const s of [s0, s1, s2])
        codes.push(
          (
            await submit(s.token, round.id, {
              lotId: lot.id,
              productId: s.product.id,
              ...terms('10'),
            }).expect(201)
          ).body.bid.code,
        );
      for (const code of codes) expect(code).toMatch(new RegExp(`^${round.code}-B[0-9A-F]{10}$`));
      expect(new Set(codes).size).toBe(3);
    });
  });

  describe('eligibility at submission, each with its own code', () => {
    let round: RoundRef;
    let lot: LotRef;
    let lot2: LotRef;
    let lot3: LotRef & { round: RoundRef };

    beforeAll(async () => {
      // L003 (in a second round) lets drugs without consistency evaluation in: a lot override.
      // Both rounds are made before the clock moves, so they share one bidding window.
      const draft = await makeRoundWithLot(t, cast, { now: clock.now() });
      const created = (
        await post(officer, `/rounds/${draft.round.id}/lots`, {
          code: 'L003',
          name: '阿托伐他汀钙 未过评',
          dosageFormClass: 'oral_solid',
          representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
          maxValidUnitPrice: '3.000000',
          admittedProductIds: [products.notConsistent.id],
          overrides: { requireConsistencyOrOriginator: false },
        }).expect(201)
      ).body as LotRef;
      lot3 = { ...created, round: draft.round };
      ({ round, lot, lot2 } = await biddingRound({
        lot2: [
          products.notConsistent,
          products.originator,
          products.incomparable,
          products.double,
          s0.product,
        ],
        committed: [s0, s1, s2, distributor],
      }));
      await transition(t, officer, draft.round.id, 'open_demand');
      await post(s0.token, `/rounds/${draft.round.id}/commitment`).expect(201);
      clock.passes(draft.round.timeline.demandClosesAt);
      await transition(t, officer, draft.round.id, 'close_demand');
      clock.passes(draft.round.timeline.biddingOpensAt);
      await transition(t, officer, draft.round.id, 'open_bidding');
    });

    const cases: Array<[string, () => [string, Json], number, string, string | (() => string)]> = [
      [
        'an unknown lot',
        () => [s0.token, { lotId: '999999999', productId: s0.product.id }],
        404,
        'PROCUREMENT.LOT_NOT_FOUND',
        '999999999',
      ],
      [
        'an unknown product',
        () => [s0.token, { lotId: lot.id, productId: '999999999' }],
        400,
        'PROCUREMENT.BID_PRODUCT_NOT_OWNED',
        'productId: no product 999999999',
      ],
      [
        "another manufacturer's product",
        () => [s0.token, { lotId: lot.id, productId: s1.product.id }],
        400,
        'PROCUREMENT.BID_PRODUCT_NOT_OWNED',
        () => s1.product.code,
      ],
      [
        "a distributor bidding a manufacturer's product",
        () => [distributor.token, { lotId: lot.id, productId: s0.product.id }],
        400,
        'PROCUREMENT.BID_PRODUCT_NOT_OWNED',
        'distributor',
      ],
      [
        'a product that is not an admitted spec of the lot',
        () => [s0.token, { lotId: lot.id, productId: products.notAdmitted.id }],
        400,
        'PROCUREMENT.BID_SPEC_NOT_ADMITTED',
        'L001',
      ],
      [
        'a drug neither consistency-evaluated nor originator',
        () => [s0.token, { lotId: lot2.id, productId: products.notConsistent.id }],
        400,
        'PROCUREMENT.BID_CONSISTENCY_REQUIRED',
        () => products.notConsistent.code,
      ],
      [
        'a strength in another dimension',
        () => [s0.token, { lotId: lot2.id, productId: products.incomparable.id }],
        400,
        'PROCUREMENT.BID_SPEC_INCOMPARABLE',
        'incomparable_strength',
      ],
      [
        'a zero price',
        () => [s0.token, { lotId: lot.id, productId: s0.product.id, packPrice: '0' }],
        400,
        'PROCUREMENT.BID_PRICE_INVALID',
        'packPrice must be a decimal greater than 0',
      ],
      [
        'a price with 5 decimals',
        () => [s0.token, { lotId: lot.id, productId: s0.product.id, packPrice: '1.00001' }],
        400,
        'PROCUREMENT.BID_PRICE_INVALID',
        'packPrice',
      ],
      [
        'a capacity that is not a number',
        () => [s0.token, { lotId: lot.id, productId: s0.product.id, capacity: 'lots' }],
        400,
        'PROCUREMENT.BID_CAPACITY_INVALID',
        'capacity',
      ],
      [
        'a malformed region code',
        () => [
          s0.token,
          {
            lotId: lot.id,
            productId: s0.product.id,
            preferredRegions: [cast.counties[0].code, '32010'],
          },
        ],
        400,
        'PROCUREMENT.BID_REGIONS_INVALID',
        'preferredRegions[1]',
      ],
      [
        'a region that does not exist',
        () => [
          s0.token,
          {
            lotId: lot.id,
            productId: s0.product.id,
            preferredRegions: [cast.counties[0].code, '999999'],
          },
        ],
        400,
        'PROCUREMENT.BID_REGIONS_INVALID',
        'preferredRegions[1]: there is no region 999999',
      ],
      [
        'a price above the maximum valid unit price',
        () => [s0.token, { lotId: lot.id, productId: s0.product.id, packPrice: '21.0007' }],
        400,
        'PROCUREMENT.BID_ABOVE_MAX_PRICE',
        '3.000100 per representative unit, above the maximum valid unit price 3.000000',
      ],
      [
        'a double strength above the maximum once converted',
        () => [s0.token, { lotId: lot2.id, productId: products.double.id, packPrice: '71.4100' }],
        400,
        'PROCUREMENT.BID_ABOVE_MAX_PRICE',
        'above the maximum valid unit price',
      ],
      [
        'a body without a price',
        () => [s0.token, { lotId: lot.id, productId: s0.product.id, packPrice: undefined }],
        400,
        'COMMON.VALIDATION_FAILED',
        'packPrice',
      ],
    ];

    it.each(cases)('refuses %s', async (_, request, status, code, words) => {
      const [token, body] = request();
      const res = await submit(token, round.id, { ...terms('19.8765'), ...body });
      expectError(res, status, code, typeof words === 'string' ? words : words());
      const counts = await get(officer, `/rounds/${round.id}/bid-counts`).expect(200);
      expect((counts.body as Json[]).every((c) => c.bids === 0)).toBe(true);
    });

    it('accepts the boundaries: the maximum price exactly, converted prices, originators, lot overrides', async () => {
      const at = (lotId: string, productId: string, packPrice: string) =>
        submit(s0.token, round.id, { lotId, productId, ...terms(packPrice) });
      // 21 / 7 = 3.000000 per tablet: at the maximum, not above it.
      await at(lot.id, s0.product.id, '21.0000').expect(201);
      // 40 mg × 14: 71.40 / 14 / 1.7 = 3.000000 per 20 mg tablet.
      await at(lot2.id, products.double.id, '71.4000').expect(201);
      await at(lot2.id, products.originator.id, '10').expect(201);
      await submit(s0.token, lot3.round.id, {
        lotId: lot3.id,
        productId: products.notConsistent.id,
        ...terms('10'),
      }).expect(201);
    });

    it('checks amendments by the same rules', async () => {
      const placed = await submit(s0.token, round.id, {
        lotId: lot2.id,
        productId: s0.product.id,
        ...terms('10'),
      }).expect(201);
      const bidId = placed.body.bid.id as string;
      expectError(
        await amend(s0.token, bidId, terms('21.0007')),
        400,
        'PROCUREMENT.BID_ABOVE_MAX_PRICE',
      );
      expectError(await amend(s0.token, bidId, terms('-1')), 400, 'PROCUREMENT.BID_PRICE_INVALID');
      expectError(
        await amend(s0.token, bidId, terms('10', ['999999'])),
        400,
        'PROCUREMENT.BID_REGIONS_INVALID',
      );
      const versions = await get(s0.token, `/bids/${bidId}/versions`).expect(200);
      expect(versions.body).toHaveLength(1);
    });

    it('requires the integrity commitment and refuses suppliers a credit sanction bars', async () => {
      const body = { lotId: lot.id, productId: s3.product.id, ...terms('10') };
      expectError(
        await submit(s3.token, round.id, body),
        409,
        'PROCUREMENT.BID_COMMITMENT_MISSING',
        'integrity commitment',
      );
      await post(s3.token, `/rounds/${round.id}/commitment`).expect(201);
      credit.barred.set(s3.org.id, '严重失信 (case K-7)');
      try {
        expectError(
          await submit(s3.token, round.id, body),
          403,
          'PROCUREMENT.BID_CREDIT_BARRED',
          'K-7',
        );
        const placed = await submit(s2.token, round.id, {
          lotId: lot.id,
          productId: s2.product.id,
          ...terms('10'),
        }).expect(201);
        credit.barred.set(s2.org.id, 'sanctioned after submitting');
        expectError(
          await amend(s2.token, placed.body.bid.id, terms('9')),
          403,
          'PROCUREMENT.BID_CREDIT_BARRED',
        );
        // A barred supplier may still take its bid back.
        await withdraw(s2.token, placed.body.bid.id).expect(200);
      } finally {
        credit.barred.clear();
      }
      await submit(s3.token, round.id, body).expect(201);
    });

    it('is for suppliers only', async () => {
      const body = { lotId: lot.id, productId: s0.product.id, ...terms('10') };
      for (const token of [officer, cast.hospitals[0].token, t.adminToken])
        expectError(await submit(token, round.id, body), 403, 'COMMON.FORBIDDEN');
    });
  });

  describe('the bidding window by the server clock', () => {
    it('refuses bids before bidding opens, and after the deadline even before the round is closed', async () => {
      const early = await biddingRound({ stopAt: 'demand_collection' });
      const res = await submit(s0.token, early.round.id, {
        lotId: early.lot.id,
        productId: s0.product.id,
        ...terms('10'),
      });
      expectError(res, 409, 'PROCUREMENT.BIDDING_CLOSED', 'not opened yet');

      const { round, lot } = await biddingRound();
      const placed = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('10'),
      }).expect(201);
      clock.passes(round.timeline.biddingClosesAt, 0);
      const state = await t.dataSource.getRepository(Round).findOneByOrFail({ id: round.id });
      expect(state.status).toBe('bidding');
      const late = [
        await submit(s1.token, round.id, {
          lotId: lot.id,
          productId: s1.product.id,
          ...terms('10'),
        }),
        await amend(s0.token, placed.body.bid.id, terms('9')),
        await withdraw(s0.token, placed.body.bid.id),
      ];
      for (const r of late) expectError(r, 409, 'PROCUREMENT.BIDDING_CLOSED', 'closed at');
      const versions = await get(s0.token, `/bids/${placed.body.bid.id}/versions`).expect(200);
      expect(versions.body).toHaveLength(1);
    });
  });

  describe('sealed until opening', () => {
    it("answers another supplier's bid exactly like a missing one", async () => {
      const { round, lot } = await biddingRound();
      const placed = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      const id = placed.body.bid.id as string;
      const missing = '999999999';
      const pairs: Array<[(bidId: string) => Promise<Response>, number]> = [
        [(b) => get(s1.token, `/bids/${b}`), 404],
        [(b) => get(s1.token, `/bids/${b}/versions`), 404],
        [(b) => amend(s1.token, b, terms('1')), 404],
        [(b) => withdraw(s1.token, b), 404],
        [(b) => get(officer, `/bids/${b}`), 404],
      ];
      for (const [call, status] of pairs) {
        const theirs = await call(id);
        const none = await call(missing);
        expect(theirs.status).toBe(status);
        expect({
          ...theirs.body,
          requestId: null,
          message: theirs.body.message.replace(id, 'X'),
          details: null,
        }).toEqual({
          ...none.body,
          requestId: null,
          message: none.body.message.replace(missing, 'X'),
          details: null,
        });
        expect(theirs.body.code).toBe('PROCUREMENT.BID_NOT_FOUND');
      }
      const code = placed.body.bid.code as string;
      const byCode = await verify(s1.token, {
        bidCode: code,
        version: 1,
        digest: placed.body.receipt.digest,
      });
      const noCode = await verify(s1.token, {
        bidCode: `${round.code}-B99`,
        version: 1,
        digest: placed.body.receipt.digest,
      });
      expectError(byCode, 404, 'PROCUREMENT.BID_NOT_FOUND');
      expect(byCode.body.message.replace(code, 'X')).toBe(
        noCode.body.message.replace(`${round.code}-B99`, 'X'),
      );
    });

    describe('every role × every endpoint, before opening', () => {
      const PRICE = '19.8765';
      let round: RoundRef;
      let lot: LotRef;
      let bid: BidJson;
      let receipt: ReceiptJson;

      beforeAll(async () => {
        ({ round, lot } = await biddingRound());
        const placed = await submit(s0.token, round.id, {
          lotId: lot.id,
          productId: s0.product.id,
          ...terms(PRICE, [cast.counties[0].code]),
        }).expect(201);
        ({ bid, receipt } = placed.body);
        await amend(s0.token, bid.id, terms(PRICE, [cast.counties[1].code])).expect(200);
        // The other supplier bids too: it must see its own bid and nothing of s0's.
        await submit(s2.token, round.id, {
          lotId: lot.id,
          productId: s2.product.id,
          ...terms('20.1'),
        }).expect(201);
      });

      /** No price and nothing naming the bidder: its id under a supplier/org/actor key, its name or codes. */
      function expectNoLeak(body: unknown) {
        const text = JSON.stringify(body);
        for (const secret of [PRICE, s0.org.name, s0.org.code, s0.product.code])
          expect(text).not.toContain(secret);
        const walk = (value: unknown, key: string) => {
          if (Array.isArray(value)) value.forEach((v) => walk(v, key));
          else if (value && typeof value === 'object')
            for (const [k, v] of Object.entries(value)) walk(v, k);
          else if (/supplier|org|actor/i.test(key))
            expect([key, value]).not.toEqual([key, s0.org.id]);
        };
        walk(body, '');
      }

      const ROLES = [
        'platform_admin',
        'admin',
        'procurement_officer',
        'pricing_analyst',
        'auditor',
        'hospital_user',
        'other_supplier',
      ] as const;
      type RoleName = (typeof ROLES)[number];
      const token = (role: RoleName) =>
        role === 'hospital_user'
          ? cast.hospitals[0].token
          : role === 'other_supplier'
            ? s2.token
            : authorities[role];
      const authority = (role: RoleName) => role !== 'hospital_user' && role !== 'other_supplier';

      const ENDPOINTS: Array<
        [string, (tk: string) => Promise<Response>, (role: RoleName) => [number, string | null]]
      > = [
        [
          'the round’s bids',
          (tk) => get(tk, `/rounds/${round.id}/bids`),
          (r) =>
            authority(r)
              ? [409, 'PROCUREMENT.BIDS_SEALED']
              : r === 'hospital_user'
                ? [403, 'COMMON.FORBIDDEN']
                : [200, null],
        ],
        [
          'the bid',
          (tk) => get(tk, `/bids/${bid.id}`),
          (r) =>
            r === 'hospital_user' ? [403, 'COMMON.FORBIDDEN'] : [404, 'PROCUREMENT.BID_NOT_FOUND'],
        ],
        [
          'its versions',
          (tk) => get(tk, `/bids/${bid.id}/versions`),
          (r) =>
            r === 'hospital_user' ? [403, 'COMMON.FORBIDDEN'] : [404, 'PROCUREMENT.BID_NOT_FOUND'],
        ],
        [
          'the bid counts',
          (tk) => get(tk, `/rounds/${round.id}/bid-counts`),
          (r) => (authority(r) ? [200, null] : [403, 'COMMON.FORBIDDEN']),
        ],
        [
          'the receipts',
          (tk) => get(tk, `/rounds/${round.id}/receipts`),
          (r) => (r === 'other_supplier' ? [200, null] : [403, 'COMMON.FORBIDDEN']),
        ],
        [
          'receipt verification',
          (tk) => verify(tk, { bidCode: bid.code, version: 1, digest: receipt.digest }),
          (r) =>
            r === 'hospital_user' ? [403, 'COMMON.FORBIDDEN'] : [404, 'PROCUREMENT.BID_NOT_FOUND'],
        ],
        [
          'the audit log',
          (tk) =>
            t
              .http()
              .get('/api/v1/audit/events')
              .query({ actionPrefix: 'bid.', pageSize: 200, order: 'desc' })
              .set(bearer(tk)),
          (r) =>
            ['platform_admin', 'admin', 'auditor'].includes(r)
              ? [200, null]
              : [403, 'COMMON.FORBIDDEN'],
        ],
        [
          'the audit log of the bid',
          (tk) =>
            t
              .http()
              .get('/api/v1/audit/events')
              .query({ entityType: 'bid', entityId: bid.id })
              .set(bearer(tk)),
          (r) =>
            ['platform_admin', 'admin', 'auditor'].includes(r)
              ? [200, null]
              : [403, 'COMMON.FORBIDDEN'],
        ],
      ];

      const matrix = ROLES.flatMap((role) =>
        ENDPOINTS.map(([name, call, expected]) => [role, name, call, expected] as const),
      );

      it.each(matrix)('%s: %s', async (role, _name, call, expected) => {
        const res = await call(token(role));
        const [status, code] = expected(role);
        expect({ status: res.status, code: res.body.code }).toEqual({
          status,
          code: code ?? undefined,
        });
        expectNoLeak(res.body);
      });

      it.each(ROLES)('%s: no export carries a sealed bid', async (role) => {
        for (const path of ['results', 'decision-trace']) {
          const res = await get(token(role), `/rounds/${round.id}/exports/${path}`, {
            format: 'json',
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expectNoLeak(res.body);
        }
      });

      it('lists for the other supplier its own bid only, and counts for officers', async () => {
        const theirs = await get(s2.token, `/rounds/${round.id}/bids`).expect(200);
        expect((theirs.body.items as Json[]).map((b) => b.supplierId)).toEqual([s2.org.id]);
        const counts = await get(officer, `/rounds/${round.id}/bid-counts`).expect(200);
        expect(counts.body).toEqual([{ lotId: lot.id, lotCode: 'L001', bids: 2 }]);
      });

      it('audits every bid action under a pseudonym, without price or bidder', async () => {
        const res = await t
          .http()
          .get('/api/v1/audit/events')
          .query({ entityType: 'bid', entityId: bid.id })
          .set(bearer(t.adminToken))
          .expect(200);
        const events = res.body.items as Json[];
        expect(events.map((e) => e.action)).toEqual(['bid.submitted', 'bid.amended']);
        for (const e of events) {
          expect(e).toMatchObject({ actorKind: 'sealed', actorName: 'sealed bidder', orgId: null });
          expect(e.actorId).toMatch(/^[0-9a-f]{32}$/);
          expect(Object.keys(e.after as Json).sort()).toEqual([
            'bidCode',
            'digest',
            'lotId',
            'version',
          ]);
        }
        // One bidder, one pseudonym within the round.
        expect(events[0].actorId).toBe(events[1].actorId);
        expect(events[0].after).toEqual({
          bidCode: bid.code,
          lotId: lot.id,
          version: 1,
          digest: receipt.digest,
        });
        const chain = await t
          .http()
          .get('/api/v1/audit/verify')
          .set(bearer(t.adminToken))
          .expect(200);
        expect(chain.body.ok).toBe(true);
      });
    });
  });

  describe('after opening', () => {
    it('shows authorities every bid with its price and bidder, and keeps hospitals out', async () => {
      const { round, lot } = await biddingRound();
      const a = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      await amend(s0.token, a.body.bid.id, terms('18.2')).expect(200);
      const b = await submit(s1.token, round.id, {
        lotId: lot.id,
        productId: s1.product.id,
        ...terms('14'),
      }).expect(201);
      const c = await submit(s2.token, round.id, {
        lotId: lot.id,
        productId: s2.product.id,
        ...terms('16'),
      }).expect(201);
      await withdraw(s2.token, c.body.bid.id).expect(200);
      await openRound(round);

      for (const token of Object.values(authorities)) {
        const list = await get(token, `/rounds/${round.id}/bids`).expect(200);
        expect(
          (list.body.items as Json[]).map((x) => [
            x.code,
            x.supplierName,
            x.status,
            x.packPrice,
            x.version,
          ]),
        ).toEqual([
          [a.body.bid.code, s0.org.name, 'active', '18.2000', 2],
          [b.body.bid.code, s1.org.name, 'active', '14.0000', 1],
          [c.body.bid.code, s2.org.name, 'withdrawn', null, 2],
        ]);
      }
      const active = await get(officer, `/rounds/${round.id}/bids`, {
        status: 'active',
        lotId: lot.id,
      }).expect(200);
      expect(active.body.total).toBe(2);
      const one = await get(cast.auditor.token, `/bids/${a.body.bid.id}`).expect(200);
      expect(one.body).toMatchObject({
        supplierId: s0.org.id,
        packPrice: '18.2000',
        capacity: '500000.000',
      });
      const versions = await get(officer, `/bids/${a.body.bid.id}/versions`).expect(200);
      // Only the final version was opened; the superseded price stays sealed.
      expect((versions.body as Json[]).map((v) => v.packPrice)).toEqual([null, '18.2000']);
      const checked = await verify(officer, {
        bidCode: b.body.bid.code,
        version: 1,
        digest: b.body.receipt.digest,
      }).expect(200);
      expect(checked.body).toMatchObject({ valid: true, counted: true });
      // The opened price is stored in plain now, once.
      const row = await t.dataSource.getRepository(Bid).findOneByOrFail({ id: a.body.bid.id });
      expect(row.packPrice?.toFixed(4)).toBe('18.2000');

      expectError(
        await get(cast.hospitals[0].token, `/rounds/${round.id}/bids`),
        403,
        'COMMON.FORBIDDEN',
      );
      // Suppliers still see only their own.
      expectError(await get(s1.token, `/bids/${a.body.bid.id}`), 404, 'PROCUREMENT.BID_NOT_FOUND');
      const own = await get(s1.token, `/rounds/${round.id}/bids`).expect(200);
      expect((own.body.items as Json[]).map((x) => [x.code, x.packPrice])).toEqual([
        [b.body.bid.code, '14.0000'],
      ]);
    });

    it('stays sealed when a round is cancelled before opening', async () => {
      const { round, lot } = await biddingRound();
      const placed = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      await transition(t, officer, round.id, 'cancel');
      expectError(await get(officer, `/rounds/${round.id}/bids`), 409, 'PROCUREMENT.BIDS_SEALED');
      expectError(
        await get(officer, `/bids/${placed.body.bid.id}`),
        404,
        'PROCUREMENT.BID_NOT_FOUND',
      );
      await get(s0.token, `/bids/${placed.body.bid.id}`).expect(200);
    });

    it('fails loudly, and opens nothing, when a sealed price does not open', async () => {
      const { round, lot } = await biddingRound();
      const a = await submit(s0.token, round.id, {
        lotId: lot.id,
        productId: s0.product.id,
        ...terms('19.8765'),
      }).expect(201);
      const b = await submit(s1.token, round.id, {
        lotId: lot.id,
        productId: s1.product.id,
        ...terms('14'),
      }).expect(201);
      // Someone with database access copies one bid's sealed price onto the other.
      const versions = t.dataSource.getRepository(BidVersion);
      const source = await versions.findOneByOrFail({ bidId: b.body.bid.id, version: 1 });
      await versions.update({ bidId: a.body.bid.id, version: 1 }, { sealed: source.sealed });

      expectError(
        await get(s0.token, `/bids/${a.body.bid.id}`),
        500,
        'PROCUREMENT.BID_SEAL_BROKEN',
      );
      clock.passes(round.timeline.openingAt);
      const failed = await transition(t, officer, round.id, 'open', 500);
      expectError(failed, 500, 'PROCUREMENT.BID_SEAL_BROKEN', `bid:${a.body.bid.id}:v1`);
      const state = await t.dataSource.getRepository(Round).findOneByOrFail({ id: round.id });
      expect(state.status).toBe('bidding');
      const prices = await t.dataSource.getRepository(Bid).findBy({ roundId: round.id });
      expect(prices.map((p) => p.packPrice)).toEqual([null, null]);
    });
  });

  describe(`Excel: ${KIND}`, () => {
    const template = (token: string, roundId: string) =>
      downloadTemplate(t, token, KIND, `?contextId=${roundId}`);

    /** Fills the terms of template rows by product code, as the supplier would. */
    async function fill(buf: Buffer, byProduct: Record<string, ExcelJS.CellValue[]>) {
      const wb = await loadWorkbook(buf);
      const sheet = wb.getWorksheet(SHEET)!;
      for (let r = 2; r <= sheet.rowCount; r++) {
        const filled = byProduct[sheet.getCell(r, 3).text];
        filled?.forEach((v, i) => {
          sheet.getCell(r, 5 + i).value = v;
        });
      }
      return Buffer.from(await wb.xlsx.writeBuffer());
    }

    const uploadFor = async (token: string, roundId: string, file: Buffer) => {
      const res = await upload(t, token, KIND, file, 'bids.xlsx', `?contextId=${roundId}`).expect(
        202,
      );
      return (await settled(t, token, res.body.id)).body as Json;
    };

    it('lists the round’s lots with the supplier’s admitted products, and submits, amends and skips rows', async () => {
      const { round, lot, lot2 } = await biddingRound({
        lot2: [products.double, products.originator],
      });
      const blank = await template(s0.token, round.id);
      const wb = await loadWorkbook(blank);
      expect(wb.getWorksheet('_meta')!.getCell('B1').value).toBe(KIND);
      expect(wb.getWorksheet('_meta')!.getCell('B3').value).toBe(round.id);
      const sheet = wb.getWorksheet(SHEET)!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS]);
      expect([2, 3, 4].map((r) => (sheet.getRow(r).values as unknown[]).slice(1, 5))).toEqual([
        ['L001', '阿托伐他汀钙 口服常释剂型', s0.product.code, `${s0.product.name} 20mg tablet ×7`],
        [
          'L002',
          '阿托伐他汀钙 规格二',
          products.double.code,
          `${products.double.name} 40mg tablet ×14`,
        ],
        [
          'L002',
          '阿托伐他汀钙 规格二',
          products.originator.code,
          `${products.originator.name} 20mg tablet ×7`,
        ],
      ]);
      expect(sheet.rowCount).toBe(4);

      // Two products bid, the originator left empty.
      const first = await uploadFor(
        s0.token,
        round.id,
        await fill(blank, {
          [s0.product.code]: [
            '19.8765',
            500000,
            `${cast.counties[1].code}, ${cast.counties[0].code}`,
          ],
          [products.double.code]: [70, '1000', null],
        }),
      );
      expect(first).toMatchObject({ status: 'committed', errorCount: 0 });
      const own = await get(s0.token, `/rounds/${round.id}/bids`).expect(200);
      expect(
        (own.body.items as Json[]).map((b) => [
          b.lotId,
          b.productId,
          b.packPrice,
          b.capacity,
          b.preferredRegions,
          b.version,
        ]),
      ).toEqual([
        [
          lot.id,
          s0.product.id,
          '19.8765',
          '500000.000',
          [cast.counties[1].code, cast.counties[0].code],
          1,
        ],
        [lot2.id, products.double.id, '70.0000', '1000.000', [], 1],
      ]);
      const receipts = await get(s0.token, `/rounds/${round.id}/receipts`).expect(200);
      for (const r of receipts.body.items as Json[]) {
        expect(r).toMatchObject({ bidStatus: 'active', counted: true, receipt: { version: 1 } });
        expect((r.receipt as ReceiptJson).digest).toBe(
          sha256((r.receipt as ReceiptJson).canonical),
        );
        const { bidCode, version, digest } = r.receipt as ReceiptJson;
        const checked = await verify(s0.token, { bidCode, version, digest }).expect(200);
        expect(checked.body.counted).toBe(true);
      }

      // The same rows again with one price changed: one amendment, the unchanged row left alone.
      const second = await uploadFor(
        s0.token,
        round.id,
        await fill(await template(s0.token, round.id), {
          [s0.product.code]: [
            '19.8765',
            '500000',
            `${cast.counties[1].code},${cast.counties[0].code}`,
          ],
          [products.double.code]: ['69.5', '1000', null],
        }),
      );
      expect(second.status).toBe('committed');
      const after = await get(s0.token, `/rounds/${round.id}/bids`).expect(200);
      expect((after.body.items as Json[]).map((b) => [b.packPrice, b.version])).toEqual([
        ['19.8765', 1],
        ['69.5000', 2],
      ]);
      const events = await t
        .http()
        .get('/api/v1/audit/events')
        .query({
          actionPrefix: 'bid.',
          entityType: 'bid',
          entityId: (after.body.items as Json[])[1].id,
        })
        .set(bearer(t.adminToken))
        .expect(200);
      expect((events.body.items as Json[]).map((e) => [e.action, e.actorKind])).toEqual([
        ['bid.submitted', 'sealed'],
        ['bid.amended', 'sealed'],
      ]);
    });

    it('refuses the whole file when a row breaks a rule, naming row and column', async () => {
      const { round } = await biddingRound({ lot2: [products.double, products.notConsistent] });
      const result = await uploadFor(
        s0.token,
        round.id,
        await fill(await template(s0.token, round.id), {
          [s0.product.code]: ['19.8765', '500000', `${cast.counties[0].code},999999`],
          [products.double.code]: ['71.41', '1000', null],
          [products.notConsistent.code]: ['10', '1000', null],
        }),
      );
      expect(result).toMatchObject({ status: 'failed_validation', rowsWritten: 0, errorCount: 3 });
      expect((result.problems as Json[]).map((p) => [p.row, p.column, p.message])).toEqual([
        [2, 'preferredRegions', 'preferredRegions[1]: there is no region 999999'],
        [
          3,
          'packPrice',
          'packPrice: 71.4100 a pack is 3.000420 per representative unit, above the maximum valid unit price 3.000000 of lot L002',
        ],
        [4, 'productCode', expect.stringContaining('neither passed consistency evaluation')],
      ]);
      const own = await get(s0.token, `/rounds/${round.id}/bids`).expect(200);
      expect(own.body.total).toBe(0);
    });

    it('keeps an upload sealed: its supplier’s alone, pseudonymous in the audit log, nothing at rest', async () => {
      const { round } = await biddingRound();
      const result = await uploadFor(
        s0.token,
        round.id,
        await fill(await template(s0.token, round.id), {
          [s0.product.code]: ['25.1234', '500000', null],
        }),
      );
      expect(result).toMatchObject({ status: 'failed_validation', errorFileAvailable: false });
      expect(JSON.stringify(result.problems)).toContain('25.1234');
      const id = result.id as string;
      const noWorkbook = await t
        .http()
        .get(`/api/v1/imports/${id}/errors.xlsx`)
        .set(bearer(s0.token));
      expectError(noWorkbook, 404, 'IMPORTS.NO_ERROR_FILE');
      // The platform admin oversees every import, but not a sealed one.
      const adminView = await t.http().get(`/api/v1/imports/${id}`).set(bearer(t.adminToken));
      expectError(adminView, 404, 'IMPORTS.IMPORT_NOT_FOUND');
      const adminList = await t
        .http()
        .get(`/api/v1/imports?kind=${KIND}&pageSize=200`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect((adminList.body.items as Json[]).some((i) => i.id === id)).toBe(false);
      const stored = await t.dataSource.getRepository(ImportFile).findOneByOrFail({ id });
      expect(stored.problemsJson).not.toContain('25.1234');
      expect(existsSync(join(t.config.dataDir, stored.storagePath))).toBe(false);
      const events = await t
        .http()
        .get(`/api/v1/audit/events?entityType=import&entityId=${id}`)
        .set(bearer(t.adminToken))
        .expect(200);
      const items = events.body.items as Json[];
      expect(items.map((e) => e.action)).toEqual(
        expect.arrayContaining(['import.uploaded', 'import.failed_validation']),
      );
      for (const e of items) expect(e).toMatchObject({ actorKind: 'sealed', orgId: null });
      expect(JSON.stringify(items)).not.toContain('bids.xlsx');
    });

    it('refuses an upload without any bid, one outside the window, and other people’s use', async () => {
      const { round } = await biddingRound();
      const blank = await template(s0.token, round.id);
      const empty = await uploadFor(s0.token, round.id, blank);
      expect(empty.status).toBe('failed');
      expect(empty.message).toContain('No row has a pack price');

      const noCommitment = await uploadFor(
        s3.token,
        round.id,
        await fill(await template(s3.token, round.id), { [s3.product.code]: ['10', '1', null] }),
      );
      expect(noCommitment).toMatchObject({ status: 'failed' });
      expect(noCommitment.message).toContain('integrity commitment');

      const filled = await fill(blank, { [s0.product.code]: ['10', '1', null] });
      clock.passes(round.timeline.biddingClosesAt);
      const late = await uploadFor(s0.token, round.id, filled);
      expect(late).toMatchObject({ status: 'failed' });
      expect(late.message).toContain('Bidding closed at');

      const refused = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}?contextId=${round.id}`)
        .set(bearer(officer));
      expectError(refused, 403, 'IMPORTS.KIND_NOT_ALLOWED');
      const noContext = await t
        .http()
        .get(`/api/v1/imports/templates/${KIND}`)
        .set(bearer(s0.token));
      expectError(noContext, 400, 'IMPORTS.CONTEXT_INVALID', 'contextId');
    });
  });
});

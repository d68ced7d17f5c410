import type { Response } from 'supertest';
import { Role, ROLES } from '../../src/common/auth/roles';
import { makeApiKey, makeCast } from '../factories/identity';
import { bearer, startApp, TestApp } from '../setup/test-app';

type Json = Record<string, unknown>;

const URL = '/api/v1/procurement/simulations';

/** The §P11 request, verbatim. */
function p11Request(): Json {
  return {
    ruleSet: { preset: 'national-batch-7', overrides: { ratioToAnchor: '1.8' } },
    lot: {
      maxValidUnitPrice: '112.3267',
      representative: { strength: '30', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
      dosageFormClass: 'oral_solid',
    },
    bids: [
      {
        id: 'b1',
        supplierId: 's1',
        packPrice: '200.00',
        packSize: 7,
        strength: '30',
        strengthUnit: 'mg',
        dosageForm: 'tablet',
        submittedAt: '2026-01-01T08:00:00Z',
        capacity: '1000000',
        acceptsRevival: false,
      },
    ],
    demand: { total: '596327' },
  };
}

/** The §P11 response, verbatim. */
const P11_RESPONSE = {
  anchorPrice: '28.571429',
  validBidders: 1,
  bids: [
    {
      id: 'b1',
      unitPrice: '28.571429',
      unitComparablePrice: '28.571429',
      valid: true,
      rank: 1,
      outcome: 'won',
      awardedUnitComparablePrice: '28.571429',
      reasons: ['ratio_to_anchor', 'drop_from_max'],
    },
  ],
  winners: ['b1'],
  agreedVolumeRatio: '0.5',
  agreedVolume: '298163.5',
  termYears: 1,
};

/** A 10 mg tablet lot with a maximum valid unit price of 10. */
function lot10mg(): Json {
  return {
    maxValidUnitPrice: '10',
    representative: { strength: '10', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
    dosageFormClass: 'oral_solid',
  };
}

/** One 10 mg tablet per pack submitted at 08:00 + `minute`: its pack price is its unit price. */
function bid(id: string, packPrice: string, extra: Json = {}): Json {
  return {
    id,
    supplierId: `s-${id}`,
    packPrice,
    packSize: 1,
    strength: '10',
    strengthUnit: 'mg',
    dosageForm: 'tablet',
    submittedAt: '2026-01-01T08:00:00Z',
    capacity: '1000',
    ...extra,
  };
}

function simulation(preset: string, bids: Json[], overrides?: Json): Json {
  return {
    ruleSet: overrides ? { preset, overrides } : { preset },
    lot: lot10mg(),
    bids,
    demand: { total: '596327' },
  };
}

/** The outcome of each bid, by id: `won@2.000000`, `lost`, `invalid`. */
interface BidRow {
  id: string;
  outcome: string;
  awardedUnitComparablePrice: string | null;
}

function outcomes(body: { bids: BidRow[] }): Record<string, string> {
  return Object.fromEntries(
    body.bids.map((b) => [
      b.id,
      b.awardedUnitComparablePrice ? `${b.outcome}@${b.awardedUnitComparablePrice}` : b.outcome,
    ]),
  );
}

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}

describe('procurement: simulation API (§P11)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
  });
  afterAll(() => t.close());

  const post = (body: unknown, auth = officer) =>
    t
      .http()
      .post(URL)
      .set(auth)
      .send(body as Json);

  describe('the §P11 example', () => {
    it('answers exactly the documented response', async () => {
      const res = await post(p11Request()).expect(200);
      expect(res.body).toEqual(P11_RESPONSE);
    });

    it('is stateless: the same request answers the same again, for the admin too', async () => {
      const again = await post(p11Request(), bearer(t.adminToken)).expect(200);
      expect(again.body).toEqual(P11_RESPONSE);
    });

    it('is the example in the OpenAPI document', async () => {
      const doc = await t.http().get('/docs-json').expect(200);
      const op = doc.body.paths['/api/v1/procurement/simulations'].post;
      expect(op.requestBody.content['application/json'].examples['P11 example'].value).toEqual(
        p11Request(),
      );
      expect(op.responses['200'].content['application/json'].example).toEqual(P11_RESPONSE);
    });
  });

  describe('rule sets', () => {
    it('national-batch-7 over mixed strengths, forms, a duplicate and invalid bids', async () => {
      const body = simulation('national-batch-7', [
        // 23.80 / 7 = 3.4 per 20 mg tablet → 3.4 / 1.7 = 2
        bid('a', '23.80', { supplierId: 's1', packSize: 7, strength: '20' }),
        // 0.01 g = 10 mg dispersible tablet: 36.00 / 10 = 3.6 → 3.6 / 1.20 = 3
        bid('b', '36.00', {
          supplierId: 's2',
          packSize: 10,
          strength: '0.01',
          strengthUnit: 'g',
          dosageForm: 'dispersible_tablet',
        }),
        // 50.40 / 14 = 3.6
        bid('c', '50.40', { supplierId: 's3', packSize: 14 }),
        // 10000 µg = 10 mg at 4
        bid('d', '4', { supplierId: 's4', strength: '10000', strengthUnit: 'µg' }),
        bid('e', '5', { supplierId: 's5' }),
        // s1's second product: only its best-ranked bid counts
        bid('f', '2.50', { supplierId: 's1' }),
        // ml against mg cannot be compared
        bid('g', '1', { supplierId: 's6', strengthUnit: 'ml' }),
        // 10.50 > 10
        bid('h', '10.50', { supplierId: 's7' }),
      ]);
      const res = await post(body).expect(200);
      // anchor 2 → ratio ≤ 3.6 (a, f, b, c); drop ≤ 10 × 0.5 = 5 (all); 5 suppliers → 4 win
      expect(res.body).toEqual({
        anchorPrice: '2.000000',
        validBidders: 5,
        bids: [
          {
            id: 'a',
            unitPrice: '3.400000',
            unitComparablePrice: '2.000000',
            valid: true,
            rank: 1,
            outcome: 'won',
            awardedUnitComparablePrice: '2.000000',
            reasons: ['ratio_to_anchor', 'drop_from_max'],
          },
          {
            id: 'b',
            unitPrice: '3.600000',
            unitComparablePrice: '3.000000',
            valid: true,
            rank: 3,
            outcome: 'won',
            awardedUnitComparablePrice: '3.000000',
            reasons: ['ratio_to_anchor', 'drop_from_max'],
          },
          {
            id: 'c',
            unitPrice: '3.600000',
            unitComparablePrice: '3.600000',
            valid: true,
            rank: 4,
            outcome: 'won',
            awardedUnitComparablePrice: '3.600000',
            reasons: ['ratio_to_anchor', 'drop_from_max'],
          },
          {
            id: 'd',
            unitPrice: '4.000000',
            unitComparablePrice: '4.000000',
            valid: true,
            rank: 5,
            outcome: 'won',
            awardedUnitComparablePrice: '4.000000',
            reasons: ['drop_from_max'],
          },
          {
            id: 'e',
            unitPrice: '5.000000',
            unitComparablePrice: '5.000000',
            valid: true,
            rank: 6,
            outcome: 'lost',
            awardedUnitComparablePrice: null,
            reasons: ['drop_from_max', 'highest_price_excluded'],
          },
          {
            id: 'f',
            unitPrice: '2.500000',
            unitComparablePrice: '2.500000',
            valid: true,
            rank: 2,
            outcome: 'lost',
            awardedUnitComparablePrice: null,
            reasons: ['ratio_to_anchor', 'drop_from_max', 'duplicate_supplier'],
          },
          {
            id: 'g',
            unitPrice: '1.000000',
            unitComparablePrice: null,
            valid: false,
            rank: null,
            outcome: 'invalid',
            awardedUnitComparablePrice: null,
            reasons: ['incomparable_strength'],
          },
          {
            id: 'h',
            unitPrice: '10.500000',
            unitComparablePrice: '10.500000',
            valid: false,
            rank: null,
            outcome: 'invalid',
            awardedUnitComparablePrice: null,
            reasons: ['above_max_valid_price'],
          },
        ],
        winners: ['a', 'b', 'c', 'd'],
        // 4 winners → 80 %: 596327 × 0.8 = 477061.6, 3 years
        agreedVolumeRatio: '0.8',
        agreedVolume: '477061.6',
        termYears: 3,
      });
    });

    it('national-batch-10: one winner, a loser revives at 1.8 × its price (§P9 two-winner example)', async () => {
      const res = await post(
        simulation('national-batch-10', [
          bid('a', '2'),
          bid('b', '4', { acceptsRevival: true }),
          bid('c', '5', { acceptsRevival: false }),
        ]),
      ).expect(200);
      // anchor 2 → ratio ≤ 3.6: a only; revival at 1.8 × 2 = 3.6: b accepts, c does not.
      expect(outcomes(res.body)).toEqual({ a: 'won@2.000000', b: 'revived@3.600000', c: 'lost' });
      expect(res.body.bids.map((b: Json) => b.reasons)).toEqual([
        ['ratio_to_anchor'],
        ['not_qualifying', 'revival_accepted'],
        ['not_qualifying', 'revival_declined'],
      ]);
      // revived bids count: 2 winners → 60 %: 596327 × 0.6 = 357796.2, 1 year
      expect(res.body).toMatchObject({
        winners: ['a', 'b'],
        agreedVolumeRatio: '0.6',
        agreedVolume: '357796.2',
        termYears: 1,
      });
    });

    it('national-batch-11: the anchor is max(lowest, 0.5 × mean)', async () => {
      const res = await post(
        simulation('national-batch-11', [
          bid('p1', '1'),
          bid('p3', '3'),
          bid('p4', '4', { acceptsRevival: true }),
          bid('p8', '8'),
        ]),
      ).expect(200);
      // mean 4 → anchor 2 → ratio ≤ 3.6: 1 and 3 win; p4 revives at the highest winning 3.
      // 3 winners → 70 %: 596327 × 0.7 = 417428.9, 2 years
      expect(res.body.anchorPrice).toBe('2.000000');
      expect(outcomes(res.body)).toEqual({
        p1: 'won@1.000000',
        p3: 'won@3.000000',
        p4: 'revived@3.000000',
        p8: 'lost',
      });
      expect(res.body).toMatchObject({
        validBidders: 4,
        winners: ['p1', 'p3', 'p4'],
        agreedVolumeRatio: '0.7',
        agreedVolume: '417428.9',
        termYears: 2,
      });
    });

    it('single-winner: only the lowest wins; a tie goes to the earlier submission', async () => {
      const res = await post(
        simulation('single-winner', [
          bid('late', '2', { submittedAt: '2026-01-01T09:00:00+08:00' }),
          bid('early', '2', { submittedAt: '2026-01-01T00:59:59Z' }),
          bid('dear', '3'),
        ]),
      ).expect(200);
      // 09:00+08:00 = 01:00Z, one second after `early`
      expect(res.body.bids.map((b: Json) => [b.id, b.rank, b.outcome, b.reasons])).toEqual([
        ['late', 2, 'lost', ['ratio_to_anchor', 'winner_cap']],
        ['early', 1, 'won', ['ratio_to_anchor']],
        ['dear', 3, 'lost', ['not_qualifying']],
      ]);
      expect(res.body).toMatchObject({
        winners: ['early'],
        agreedVolumeRatio: '0.5',
        agreedVolume: '298163.5',
        termYears: 1,
      });
    });

    it('overrides change conditions, the cap and the §P9 tables', async () => {
      const res = await post(
        simulation(
          'national-batch-7',
          [bid('a', '2'), bid('b', '3'), bid('c', '4'), bid('d', '4.5')],
          {
            ratioToAnchor: '2',
            dropFromMax: null,
            lowPriceExemption: false,
            winnerCap: 2,
            agreedVolumeRatios: ['0.3', '0.4', '0.5'],
            termYears: [1],
          },
        ),
      ).expect(200);
      // anchor 2 → ratio ≤ 4: a, b, c qualify; cap 2 cuts c; d meets nothing.
      // 2 winners on the special table → 40 %: 596327 × 0.4 = 238530.8; 1 year
      expect(res.body.bids.map((b: Json) => b.reasons)).toEqual([
        ['ratio_to_anchor'],
        ['ratio_to_anchor'],
        ['ratio_to_anchor', 'winner_cap'],
        ['not_qualifying'],
      ]);
      expect(res.body).toMatchObject({
        winners: ['a', 'b'],
        agreedVolumeRatio: '0.4',
        agreedVolume: '238530.8',
        termYears: 1,
      });
    });

    it('nested overrides reach the engine: form factors and exemption thresholds', async () => {
      const res = await post(
        simulation(
          'national-batch-10',
          [
            // 15.00 / 10 = 1.5 per dispersible tablet → 1.5 / 1.5 = 1
            bid('a', '15.00', { packSize: 10, dosageForm: 'dispersible_tablet' }),
            bid('b', '1.9'),
            bid('c', '2.5'),
          ],
          {
            revival: false,
            dosageFormFactors: { dispersible_tablet: '1.5' },
            lowPriceExemption: { oral_solid: '2.00' },
          },
        ),
      ).expect(200);
      // anchor 1 → ratio ≤ 1.8: a; exemption ≤ 2.00: a, b; c is the highest and meets nothing
      expect(res.body.bids.map((b: Json) => [b.unitComparablePrice, b.reasons])).toEqual([
        ['1.000000', ['ratio_to_anchor', 'low_price_exemption']],
        ['1.900000', ['low_price_exemption']],
        ['2.500000', ['not_qualifying']],
      ]);
    });

    it('no bids: nobody wins and nothing is agreed', async () => {
      const res = await post(simulation('national-batch-7', [])).expect(200);
      expect(res.body).toEqual({
        anchorPrice: null,
        validBidders: 0,
        bids: [],
        winners: [],
        agreedVolumeRatio: '0',
        agreedVolume: '0',
        termYears: 0,
      });
    });

    it('optional capacity and acceptsRevival default to 0 and false', async () => {
      const { capacity: _c, ...noCapacity } = bid('a', '2');
      const res = await post(simulation('national-batch-10', [noCapacity, bid('b', '5')])).expect(
        200,
      );
      expect(outcomes(res.body)).toEqual({ a: 'won@2.000000', b: 'lost' });
      expect(res.body.bids[1].reasons).toEqual(['not_qualifying', 'revival_declined']);
    });

    it('takes 2,000 bids', async () => {
      const bids = Array.from({ length: 2000 }, (_, i) =>
        bid(`b${i}`, `${1 + (i % 9)}.${String(i % 100).padStart(2, '0')}`, {
          strength: i % 3 === 0 ? '20' : '10',
          dosageForm: i % 5 === 0 ? 'dispersible_tablet' : 'tablet',
        }),
      );
      const res = await post(simulation('national-batch-7', bids)).expect(200);
      expect(res.body.bids).toHaveLength(2000);
      expect(res.body.validBidders).toBe(2000);
      expect(res.body.winners).toHaveLength(10);
    });
  });

  describe('bad input: 400 naming the field', () => {
    const withBid = (patch: Json) => {
      const body = p11Request();
      body.bids = [{ ...(body.bids as Json[])[0], ...patch }];
      return body;
    };
    const without = (path: string[]) => {
      const body = p11Request();
      let node: Json = body;
      for (const key of path.slice(0, -1))
        node = (Array.isArray(node[key]) ? (node[key] as Json[])[0] : node[key]) as Json;
      delete node[path[path.length - 1]];
      return body;
    };

    it.each<[string, () => unknown, string]>([
      [
        'unknown preset',
        () => ({ ...p11Request(), ruleSet: { preset: 'national-batch-8' } }),
        'ruleSet.preset',
      ],
      ['missing preset', () => ({ ...p11Request(), ruleSet: {} }), 'ruleSet.preset'],
      [
        'overrides not an object',
        () => ({ ...p11Request(), ruleSet: { preset: 'single-winner', overrides: ['x'] } }),
        'ruleSet.overrides',
      ],
      ['bad decimal pack price', () => withBid({ packPrice: '12,5' }), 'bids[0].packPrice'],
      ['pack price as a number', () => withBid({ packPrice: 200 }), 'bids[0].packPrice'],
      ['too many decimals', () => withBid({ packPrice: '1.1234567' }), 'bids[0].packPrice'],
      ['pack size zero', () => withBid({ packSize: 0 }), 'bids[0].packSize'],
      ['pack size fraction', () => withBid({ packSize: 1.5 }), 'bids[0].packSize'],
      ['pack size as a string', () => withBid({ packSize: '7' }), 'bids[0].packSize'],
      ['bad strength', () => withBid({ strength: '-30' }), 'bids[0].strength'],
      ['bad strength unit', () => withBid({ strengthUnit: 'kg' }), 'bids[0].strengthUnit'],
      ['bad dosage form', () => withBid({ dosageForm: 'suppository' }), 'bids[0].dosageForm'],
      [
        'bad submittedAt',
        () => withBid({ submittedAt: '2026-02-30T08:00:00Z' }),
        'bids[0].submittedAt',
      ],
      [
        'submittedAt without zone',
        () => withBid({ submittedAt: '2026-01-01T08:00:00' }),
        'bids[0].submittedAt',
      ],
      ['date only', () => withBid({ submittedAt: '2026-01-01' }), 'bids[0].submittedAt'],
      ['bad capacity', () => withBid({ capacity: '1e6' }), 'bids[0].capacity'],
      [
        'acceptsRevival not a boolean',
        () => withBid({ acceptsRevival: 'yes' }),
        'bids[0].acceptsRevival',
      ],
      ['numeric id', () => withBid({ id: 1 }), 'bids[0].id'],
      ['empty supplier id', () => withBid({ supplierId: '' }), 'bids[0].supplierId'],
      ['missing pack price', () => without(['bids', 'packPrice']), 'bids[0].packPrice'],
      ['missing supplier', () => without(['bids', 'supplierId']), 'bids[0].supplierId'],
      ['missing lot', () => without(['lot']), 'lot'],
      ['missing representative', () => without(['lot', 'representative']), 'lot.representative'],
      [
        'missing representative pack size',
        () => without(['lot', 'representative', 'packSize']),
        'lot.representative.packSize',
      ],
      ['missing demand', () => without(['demand']), 'demand'],
      ['missing bids', () => without(['bids']), 'bids'],
      ['bids not a list', () => ({ ...p11Request(), bids: {} }), 'bids'],
      [
        'zero max price',
        () => ({ ...p11Request(), lot: { ...lot10mg(), maxValidUnitPrice: '0' } }),
        'lot.maxValidUnitPrice',
      ],
      [
        'bad class',
        () => ({ ...p11Request(), lot: { ...lot10mg(), dosageFormClass: 'pills' } }),
        'lot.dosageFormClass',
      ],
      [
        'zero representative strength',
        () => ({
          ...p11Request(),
          lot: {
            ...lot10mg(),
            representative: {
              strength: '0',
              strengthUnit: 'mg',
              dosageForm: 'tablet',
              packSize: 7,
            },
          },
        }),
        'lot.representative.strength',
      ],
      ['bad demand', () => ({ ...p11Request(), demand: { total: 'lots' } }), 'demand.total'],
      ['unknown bid field', () => withBid({ colour: 'red' }), 'bids[0].colour'],
      ['unknown top-level field', () => ({ ...p11Request(), roundId: '1' }), 'roundId'],
      [
        'unknown lot field',
        () => ({ ...p11Request(), lot: { ...lot10mg(), name: 'x' } }),
        'lot.name',
      ],
      [
        'more than 2,000 bids',
        () => ({
          ...p11Request(),
          bids: Array.from({ length: 2001 }, (_, i) => bid(`b${i}`, '1')),
        }),
        'bids',
      ],
    ])('%s', async (_, body, field) => {
      const res = await post(body()).expect(400);
      expectError(res, 400, 'COMMON.VALIDATION_FAILED', field);
      expect(res.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    it.each<[string, Json, string]>([
      ['unknown parameter', { maxWinners: 3 }, 'maxWinners'],
      ['decimal as a number', { ratioToAnchor: 1.8 }, 'ratioToAnchor'],
      ['bad decimal', { dropFromMax: '0,5' }, 'dropFromMax'],
      ['bad anchor mode', { anchor: 'mean' }, 'anchor'],
      ['bad cap', { winnerCap: 0 }, 'winnerCap'],
      [
        'unknown form factor',
        { dosageFormFactors: { suppository: '1.1' } },
        'dosageFormFactors.suppository',
      ],
    ])('override: %s', async (_, overrides, parameter) => {
      const res = await post({
        ...p11Request(),
        ruleSet: { preset: 'national-batch-7', overrides },
      }).expect(400);
      expectError(res, 400, 'PROCUREMENT.RULE_SET_INVALID', parameter);
      expect(res.body.details.parameter).toBe(parameter);
    });

    it('two bids with one id', async () => {
      const res = await post(
        simulation('national-batch-7', [bid('x', '2'), bid('y', '3'), bid('x', '4')]),
      ).expect(400);
      expectError(res, 400, 'PROCUREMENT.DUPLICATE_BID_ID', 'bids[2].id');
    });
  });

  describe('who may simulate', () => {
    const allowed: Role[] = ['admin', 'procurement_officer'];

    it.each(ROLES.map((r) => [r, allowed.includes(r)] as const))(
      '%s allowed=%s',
      async (role, ok) => {
        const res = await post(p11Request(), bearer(cast.users[role].token));
        if (ok) {
          expect(res.status).toBe(200);
          expect(res.body).toEqual(P11_RESPONSE);
        } else expectError(res, 403, 'COMMON.FORBIDDEN', 'procurement_officer');
      },
    );

    it('without a token: 401', async () => {
      const res = await t.http().post(URL).send(p11Request());
      expectError(res, 401, 'COMMON.UNAUTHENTICATED');
    });

    it('an API key: 403', async () => {
      const { key } = await makeApiKey(t, cast.authority, ['catalog:read']);
      const res = await t.http().post(URL).set('X-Api-Key', key).send(p11Request());
      expectError(res, 403, 'COMMON.FORBIDDEN');
    });
  });
});

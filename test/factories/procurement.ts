import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { Region } from '../../src/modules/identity/regions/region.entity';
import { makeDrug } from './catalog';
import { makeOrganisation, makeRegion, makeRegionTree, makeUser } from './identity';
import { bearer, TestApp, uniq } from '../setup/test-app';

/**
 * A procurement cast in a fresh region tree: an authority with an officer and an auditor,
 * public hospitals in two counties (one private hospital that may opt in), and suppliers each
 * making one drug of the lot's generic, all with logins.
 */
export async function makeProcurementCast(
  t: TestApp,
  opts: { hospitals?: number; suppliers?: number } = {},
) {
  const regions = await makeRegionTree(t);
  const thirdCounty = await makeRegion(t, { parent: regions.city });
  const authority = await makeOrganisation(t, 'authority', { regionCode: regions.city.code });
  const officer = await makeUser(t, authority, ['procurement_officer']);
  const auditor = await makeUser(t, authority, ['auditor']);
  const counties: Region[] = [regions.county, regions.otherCounty, thirdCounty];
  const hospitals: Array<{ org: Organisation; token: string }> = [];
  for (let i = 0; i < (opts.hospitals ?? 3); i++) {
    const org = await makeOrganisation(t, 'hospital', {
      regionCode: counties[i % counties.length].code,
      name: `第${i + 1}人民医院 ${uniq(4)}`,
    });
    hospitals.push({ org, token: (await makeUser(t, org, ['hospital_user'])).token });
  }
  const privateOrg = await makeOrganisation(t, 'hospital', {
    regionCode: regions.county.code,
    hospitalKind: 'private_hospital',
  });
  const privateHospital = {
    org: privateOrg,
    token: (await makeUser(t, privateOrg, ['hospital_user'])).token,
  };
  const suppliers: Array<{ org: Organisation; token: string; product: Product }> = [];
  for (let i = 0; i < (opts.suppliers ?? 3); i++) {
    const org = await makeOrganisation(t, 'manufacturer', { name: `药业${i + 1} ${uniq(4)}` });
    const product = await makeDrug(t, {
      manufacturer: org,
      name: '阿托伐他汀钙片',
      strength: '20',
      strengthUnit: 'mg',
      dosageForm: 'tablet',
      packSize: 7,
      consistencyEvaluated: true,
    });
    suppliers.push({ org, token: (await makeUser(t, org, ['supplier_user'])).token, product });
  }
  return { regions, counties, authority, officer, auditor, hospitals, privateHospital, suppliers };
}

export type ProcurementCast = Awaited<ReturnType<typeof makeProcurementCast>>;

const HOUR = 3600 * 1000;

/** A timeline around `now`: demand open now, bidding in a day, opening just after the deadline. */
export function timelineFrom(now: Date) {
  const at = (hours: number) => new Date(now.getTime() + hours * HOUR).toISOString();
  return {
    demandOpensAt: at(-1),
    demandClosesAt: at(24),
    biddingOpensAt: at(25),
    biddingClosesAt: at(48),
    openingAt: at(49),
    publicityDays: 3,
    contractStart: new Date(now.getTime() + 30 * 24 * HOUR).toISOString().slice(0, 10),
  };
}

export async function presetId(t: TestApp, token: string, name: string): Promise<string> {
  const res = await t
    .http()
    .get(`/api/v1/procurement/rule-sets?name=${name}&latest=true`)
    .set(bearer(token))
    .expect(200);
  return (res.body as { items: Array<{ id: string }> }).items[0].id;
}

/** A draft round over the cast's city, with one lot admitting every supplier's product. */
export async function makeRoundWithLot(
  t: TestApp,
  cast: ProcurementCast,
  opts: { preset?: string; now?: Date; maxValidUnitPrice?: string } = {},
) {
  const token = cast.officer.token;
  const round = await t
    .http()
    .post('/api/v1/procurement/rounds')
    .set(bearer(token))
    .send({
      name: `阿托伐他汀带量采购 ${uniq(4)}`,
      level: 'city',
      category: 'drug',
      ruleSetId: await presetId(t, token, opts.preset ?? 'national-batch-7'),
      participants: { scope: 'region', regionCode: cast.regions.city.code },
      timeline: timelineFrom(opts.now ?? new Date()),
    })
    .expect(201);
  const lot = await t
    .http()
    .post(`/api/v1/procurement/rounds/${round.body.id}/lots`)
    .set(bearer(token))
    .send({
      code: 'L001',
      name: '阿托伐他汀钙 口服常释剂型',
      dosageFormClass: 'oral_solid',
      representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet', packSize: 7 },
      maxValidUnitPrice: opts.maxValidUnitPrice ?? '3.000000',
      admittedProductIds: cast.suppliers.map((s) => s.product.id),
    })
    .expect(201);
  return {
    round: round.body as { id: string; code: string; timeline: ReturnType<typeof timelineFrom> },
    lot: lot.body as { id: string; code: string },
  };
}

export async function transition(
  t: TestApp,
  token: string,
  roundId: string,
  action: string,
  expected = 200,
) {
  return t
    .http()
    .post(`/api/v1/procurement/rounds/${roundId}/transitions`)
    .set(bearer(token))
    .send({ action, ...(action === 'cancel' ? { reason: 'test cancellation' } : {}) })
    .expect(expected);
}

/**
 * A round played to `awarded` through the API: every hospital reports demand, every supplier
 * signs and bids (pack prices 10.50, 14.00, 17.50 … over 7 tablets), the clock passes each
 * time point. `clock` is the app's movable clock.
 */
export async function playAwardedRound(
  t: TestApp,
  cast: ProcurementCast,
  clock: { now(): Date; passes(at: Date | string, byMs?: number): void; advance(ms: number): void },
) {
  const officer = cast.officer.token;
  const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
  const api = (path: string) => `/api/v1/procurement${path}`;
  await transition(t, officer, round.id, 'open_demand');
  for (const h of cast.hospitals)
    await t
      .http()
      .put(api(`/rounds/${round.id}/demand/${lot.id}`))
      .set(bearer(h.token))
      .send({ quantity: '7000' })
      .expect(200);
  clock.passes(round.timeline.demandClosesAt);
  await transition(t, officer, round.id, 'close_demand');
  clock.passes(round.timeline.biddingOpensAt);
  await transition(t, officer, round.id, 'open_bidding');
  const bids: Array<{ id: string; code: string }> = [];
  for (const [i, s] of cast.suppliers.entries()) {
    await t
      .http()
      .post(api(`/rounds/${round.id}/commitment`))
      .set(bearer(s.token))
      .expect(201);
    const res = await t
      .http()
      .post(api(`/rounds/${round.id}/bids`))
      .set(bearer(s.token))
      .send({
        lotId: lot.id,
        productId: s.product.id,
        packPrice: (10.5 + 3.5 * i).toFixed(2),
        capacity: '100000',
        preferredRegions: [],
      })
      .expect(201);
    bids.push(res.body.bid as { id: string; code: string });
  }
  clock.passes(round.timeline.openingAt);
  await transition(t, officer, round.id, 'open');
  await transition(t, officer, round.id, 'publish');
  clock.advance(round.timeline.publicityDays * 24 * 3600 * 1000 + 1000);
  await transition(t, officer, round.id, 'award');
  return { round, lot, bids };
}

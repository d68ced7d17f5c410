import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { bearer, TestApp } from '../setup/test-app';
import { makeDrug, makeListingPrice } from './catalog';
import { deliveryLine, ordersApi, placedOrder } from './execution';
import { makeOrganisation, makeRegionTree, makeUser } from './identity';
import { openAccount } from './settlement';

interface Party {
  org: Organisation;
  token: string;
  userId: string;
}

/**
 * A settlement cast in a fresh region tree: a city authority with three fund officers and an
 * auditor, a hospital in a county, two suppliers, each with a login, and a drug listed in the
 * province at 31.85 a pack.
 */
export async function makeSettlementCast(t: TestApp) {
  const regions = await makeRegionTree(t);
  const authority = await makeOrganisation(t, 'authority', { regionCode: regions.city.code });
  const officer = async () => {
    const u = await makeUser(t, authority, ['fund_officer']);
    return { token: u.token, userId: u.user.id };
  };
  const party = async (
    org: Organisation,
    role: 'hospital_user' | 'supplier_user',
  ): Promise<Party> => {
    const u = await makeUser(t, org, [role]);
    return { org, token: u.token, userId: u.user.id };
  };
  const hospital = await party(
    await makeOrganisation(t, 'hospital', { regionCode: regions.county.code }),
    'hospital_user',
  );
  const supplierA = await party(
    await makeOrganisation(t, 'manufacturer', { regionCode: regions.province.code }),
    'supplier_user',
  );
  const supplierB = await party(
    await makeOrganisation(t, 'distributor', { regionCode: regions.province.code }),
    'supplier_user',
  );
  const drug = await makeDrug(t, { packSize: 28 });
  await makeListingPrice(t, drug, regions.province.code, {
    packPrice: '31.85',
    validFrom: '2020-01-01',
  });
  const auditor = await makeUser(t, authority, ['auditor']);
  return {
    regions,
    authority,
    officers: [await officer(), await officer(), await officer()],
    auditor: { token: auditor.token },
    hospital,
    suppliers: [supplierA, supplierB],
    drug,
    fund: await openAccount(t, { type: 'fund', regionCode: regions.city.code }),
    settlement: await openAccount(t, { type: 'hospital_settlement', ownerId: hospital.org.id }),
  };
}

export type SettlementCast = Awaited<ReturnType<typeof makeSettlementCast>>;

export interface AcceptedLineRow {
  id: string;
  amount: string;
}

/** Who accepts the deliveries and what they list, when not the settlement cast's own. */
export interface Buyer {
  hospital: { token: string };
  drug: { id: string };
}

/**
 * Accepted delivery lines of the listed drug, one order per quantity (an order lists a product
 * once), each delivered in full and accepted.
 */
export async function acceptedDelivery(
  t: TestApp,
  cast: Buyer,
  supplier: { org: Organisation; token: string },
  quantities: string[],
): Promise<AcceptedLineRow[]> {
  const rows: AcceptedLineRow[] = [];
  for (const quantity of quantities) {
    const order = await placedOrder(t, cast.hospital.token, supplier.org, [
      { productId: cast.drug.id, quantity },
    ]);
    const delivery = await t
      .http()
      .post(ordersApi(`/${order.id}/deliveries`))
      .set(bearer(supplier.token))
      .send({ lines: order.lines.map((l) => deliveryLine(l.id, l.quantity)) })
      .expect(201);
    const lines = delivery.body.lines as Array<{ id: string; amount: string }>;
    await t
      .http()
      .post(`/api/v1/execution/deliveries/${delivery.body.id}/acceptance`)
      .set(bearer(cast.hospital.token))
      .send({ lines: lines.map((l) => ({ deliveryLineId: l.id, decision: 'accepted' })) })
      .expect(200);
    rows.push(...lines.map((l) => ({ id: l.id, amount: l.amount })));
  }
  return rows;
}

export const statementsApi = (path = '') => `/api/v1/settlement${path}`;

export interface StatementLineBody {
  id: string;
  deliveryLineId: string;
  amount: string;
  status: string;
}

/** A statement as `GET settlement/statements/:id` answers it. */
export interface StatementBody {
  id: string;
  code: string;
  hospitalId: string;
  supplierId: string;
  period: string;
  status: string;
  amount: string;
  disputedAmount: string;
  lineCount: number;
  reconciliationDeadline: string;
  hospitalConfirmedBy: string | null;
  supplierConfirmedBy: string | null;
  reviewLevel: number;
  reviewCycle: number;
  lines: StatementLineBody[];
}

/** A line's payment deadline as `GET settlement/deadlines` lists it. */
export interface DeadlineBody {
  deliveryLineId: string;
  statementId: string | null;
  disputed: boolean;
}

/**
 * Calls on the settlement API. `app` and `officer` are read at each call, so a spec may build
 * these before its app starts; `officer` is the fund officer reading statements and deadlines.
 */
export function statementCalls(app: () => TestApp, officer: () => string) {
  const get = (token: string, path: string, expected = 200) =>
    app().http().get(statementsApi(path)).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object = {}, expected = 200) =>
    app().http().post(statementsApi(path)).set(bearer(token)).send(body).expect(expected);
  const detail = async (id: string) =>
    (await get(officer(), `/statements/${id}`)).body as StatementBody;
  /** A statement's lines as [delivery line, amount, status]. */
  const lines = async (id: string) =>
    (await detail(id)).lines.map((l) => [l.deliveryLineId, l.amount, l.status]);
  const deadlines = async (hospitalId: string) =>
    (
      (await get(officer(), `/deadlines?pageSize=200&hospitalId=${hospitalId}`)).body as {
        items: DeadlineBody[];
      }
    ).items;
  return { get, post, detail, lines, deadlines };
}

/** Confirms a statement by its hospital and supplier, then approves it at all three levels. */
export async function approveStatement(
  t: TestApp,
  cast: { hospital: { token: string }; officers: Array<{ token: string }> },
  id: string,
  supplier: { token: string },
): Promise<void> {
  const post = (token: string, path: string) =>
    t.http().post(statementsApi(path)).set(bearer(token)).send({}).expect(200);
  await post(cast.hospital.token, `/statements/${id}/confirm`);
  await post(supplier.token, `/statements/${id}/confirm`);
  for (const o of cast.officers) await post(o.token, `/statements/${id}/approve`);
}

/** Pays an approved statement (a fund officer's token); answers the payment. */
export async function payStatement(
  t: TestApp,
  token: string,
  id: string,
  idempotencyKey: string,
  body: { bankReference?: string } = {},
): Promise<Record<string, unknown>> {
  const res = await t
    .http()
    .post(statementsApi(`/statements/${id}/pay`))
    .set(bearer(token))
    .set('Idempotency-Key', idempotencyKey)
    .send(body)
    .expect(201);
  return res.body as Record<string, unknown>;
}

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

/**
 * Accepted delivery lines of the listed drug, one order per quantity (an order lists a product
 * once), each delivered in full and accepted.
 */
export async function acceptedDelivery(
  t: TestApp,
  cast: SettlementCast,
  supplier: Party,
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

import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { Product } from '../../src/modules/catalog/products/product.entity';
import { bearer, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';
import { makeDrug, makeListingPrice } from './catalog';
import { makeOrganisation, makeUser } from './identity';
import { makeProcurementCast, playAwardedRound } from './procurement';

export interface AgreementRow {
  id: string;
  hospitalId: string;
  supplierId: string;
  productId: string;
  packPrice: string;
  startDate: string;
}

export interface OrderLineBody {
  productId: string;
  quantity: string;
  unitPrice?: string;
  priceReason?: string;
}

/**
 * An execution cast: an awarded round (agreements between the cast's hospitals and winners),
 * the clock moved onto the agreements' first day, a distributor with a login, a non-VBP product
 * listed in the province.
 */
export async function makeExecutionCast(t: TestApp, clock: TestClock) {
  const cast = await makeProcurementCast(t);
  const { round, lot } = await playAwardedRound(t, cast, clock);
  const res = await t
    .http()
    .get(`/api/v1/procurement/rounds/${round.id}/agreements?pageSize=200`)
    .set(bearer(cast.officer.token))
    .expect(200);
  const agreements = (res.body as { items: AgreementRow[] }).items;
  // Agreements start on the contract start, a business date in China time.
  clock.passes(`${agreements[0].startDate}T00:00:00+08:00`);
  const distributorOrg = await makeOrganisation(t, 'distributor');
  const distributor = {
    org: distributorOrg,
    token: (await makeUser(t, distributorOrg, ['supplier_user'])).token,
  };
  const listed: Product = await makeDrug(t, { name: `氨氯地平片 ${lot.code}`, packSize: 28 });
  await makeListingPrice(t, listed, cast.regions.province.code, {
    packPrice: '31.85',
    validFrom: '2020-01-01',
  });
  return { ...cast, round, lot, agreements, distributor, listed };
}

export type ExecutionCast = Awaited<ReturnType<typeof makeExecutionCast>>;

export function ordersApi(path = ''): string {
  return `/api/v1/execution/orders${path}`;
}

export async function createOrder(
  t: TestApp,
  token: string,
  supplier: Organisation,
  lines: OrderLineBody[],
  expected = 201,
) {
  return t
    .http()
    .post(ordersApi())
    .set(bearer(token))
    .send({ supplierId: supplier.id, lines })
    .expect(expected);
}

export async function placedOrder(
  t: TestApp,
  token: string,
  supplier: Organisation,
  lines: OrderLineBody[],
) {
  const created = await createOrder(t, token, supplier, lines);
  const placed = await t
    .http()
    .post(ordersApi(`/${created.body.id}/place`))
    .set(bearer(token))
    .expect(200);
  return placed.body as {
    id: string;
    code: string;
    status: string;
    lines: Array<{ id: string; productId: string; quantity: string; unitPrice: string }>;
  };
}

export function deliveryLine(orderLineId: string, quantity: string, over: object = {}) {
  return {
    orderLineId,
    quantity,
    batchNumber: 'B20260101',
    expiryDate: '2099-12-31',
    invoiceNumber: 'INV-0001',
    ...over,
  };
}

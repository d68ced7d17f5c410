import { Clock } from '../../src/common/clock';
import { makeProcurementCast, playAwardedRound, ProcurementCast } from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

type Role = 'officer' | 'auditor' | 'hospital' | 'supplier';
const ROLES: Role[] = ['officer', 'auditor', 'hospital', 'supplier'];

/**
 * Tenant isolation (§1, §N) over every procurement read of an awarded round, for the people of
 * another region tree: its authority sees nothing of the round (404), its hospital and supplier
 * see the public announcement and results but none of the round's hospitals' data.
 */
describe('procurement tenant isolation: every endpoint × every outside role', () => {
  let t: TestApp;
  let clock: TestClock;
  let home: ProcurementCast;
  let outside: ProcurementCast;
  let played: Awaited<ReturnType<typeof playAwardedRound>>;

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { ROUND_TIMER_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    home = await makeProcurementCast(t);
    outside = await makeProcurementCast(t, { hospitals: 1, suppliers: 1 });
    played = await playAwardedRound(t, home, clock);
  });
  afterAll(() => t.close());

  const token = (role: Role): string =>
    role === 'officer'
      ? outside.officer.token
      : role === 'auditor'
        ? outside.auditor.token
        : role === 'hospital'
          ? outside.hospitals[0].token
          : outside.suppliers[0].token;

  /** Expected status per role; 'empty' = 200 with no item of the round's tenants. */
  type Expect = number | 'empty';
  const round = () => played.round.id;
  const lot = () => played.lot.id;
  const NONE: Record<Role, Expect> = { officer: 404, auditor: 404, hospital: 403, supplier: 403 };
  const endpoints: Array<[string, () => string, Record<Role, Expect>]> = [
    [
      'round',
      () => `/rounds/${round()}`,
      { officer: 404, auditor: 404, hospital: 200, supplier: 200 },
    ],
    [
      'lots',
      () => `/rounds/${round()}/lots`,
      { officer: 404, auditor: 404, hospital: 200, supplier: 200 },
    ],
    ['participants', () => `/rounds/${round()}/participants`, { ...NONE, hospital: 'empty' }],
    ['demand', () => `/rounds/${round()}/demand`, { ...NONE, hospital: 'empty' }],
    [
      'demand form',
      () => `/rounds/${round()}/demand/form`,
      { officer: 403, auditor: 403, hospital: 404, supplier: 403 },
    ],
    ['completeness', () => `/rounds/${round()}/demand/completeness`, NONE],
    [
      'results',
      () => `/rounds/${round()}/results`,
      { officer: 404, auditor: 404, hospital: 200, supplier: 200 },
    ],
    [
      'result versions',
      () => `/rounds/${round()}/lots/${lot()}/results`,
      { officer: 404, auditor: 404, hospital: 200, supplier: 200 },
    ],
    ['decision trace', () => `/rounds/${round()}/lots/${lot()}/results/1/trace`, NONE],
    ['objections', () => `/rounds/${round()}/objections`, { ...NONE, supplier: 'empty' }],
    [
      'agreements',
      () => `/rounds/${round()}/agreements`,
      { officer: 404, auditor: 404, hospital: 'empty', supplier: 'empty' },
    ],
    [
      'agreed volumes',
      () => `/rounds/${round()}/agreed-volumes`,
      { officer: 404, auditor: 404, hospital: 'empty', supplier: 'empty' },
    ],
    [
      'supply regions',
      () => `/rounds/${round()}/lots/${lot()}/supply-regions`,
      { officer: 404, auditor: 404, hospital: 200, supplier: 200 },
    ],
    [
      'bids',
      () => `/rounds/${round()}/bids`,
      { officer: 404, auditor: 404, hospital: 403, supplier: 'empty' },
    ],
    [
      'a bid',
      () => `/bids/${played.bids[0].id}`,
      { officer: 404, auditor: 404, hospital: 403, supplier: 404 },
    ],
    [
      'bid versions',
      () => `/bids/${played.bids[0].id}/versions`,
      { officer: 404, auditor: 404, hospital: 403, supplier: 404 },
    ],
    ['bid counts', () => `/rounds/${round()}/bid-counts`, NONE],
    [
      'agreed-volume export',
      () => `/rounds/${round()}/exports/agreed-volumes?format=json`,
      { officer: 404, auditor: 404, hospital: 'empty', supplier: 'empty' },
    ],
    ['decision-trace export', () => `/rounds/${round()}/exports/decision-trace?format=json`, NONE],
  ];
  const matrix = endpoints.flatMap(([name, path, expected]) =>
    ROLES.map((role) => [name, role, path, expected[role]] as const),
  );

  it.each(matrix)('%s as the outside %s', async (_name, role, path, expected) => {
    const res = await t
      .http()
      .get(`/api/v1/procurement${path()}`)
      .set(bearer(token(role)));
    const text = JSON.stringify(res.body ?? res.text);
    if (expected === 'empty') {
      expect(res.status).toBe(200);
      const items = Array.isArray(res.body)
        ? res.body
        : ((res.body.items ?? res.body.rows ?? []) as unknown[]);
      expect(items).toEqual([]);
    } else {
      expect(res.status).toBe(expected);
    }
    // Whatever the answer, no hospital of the round and no demand figure appears in it.
    for (const h of home.hospitals) expect(text).not.toContain(`"hospitalId":"${h.org.id}"`);
    // The figure as a number of its own: a region code such as 417000 holds the digits too.
    expect(text).not.toMatch(/(?<!\d)7000(\.0+)?(?!\d)/);
  });

  it.each(ROLES)('the outside %s cannot act on the round', async (role) => {
    const res = await t
      .http()
      .post(`/api/v1/procurement/rounds/${round()}/transitions`)
      .set(bearer(token(role)))
      .send({ action: 'start_execution' });
    expect([403, 404]).toContain(res.status);
    const lotRes = await t
      .http()
      .post(`/api/v1/procurement/bids/${played.bids[0].id}/exclude`)
      .set(bearer(token(role)))
      .send({ reason: 'outsider' });
    expect([403, 404]).toContain(lotRes.status);
  });
});

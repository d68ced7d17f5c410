import { Clock } from '../../src/common/clock';
import { JobHandlerRegistry } from '../../src/jobs/handler-registry';
import { PaymentStandardsOnAwardJob } from '../../src/modules/settlement/standards/payment-standards-on-award.job';
import { PaymentStandardsService } from '../../src/modules/settlement/standards/payment-standards.service';
import { makeListingPrice } from '../factories/catalog';
import { makeUser } from '../factories/identity';
import { makeProcurementCast, playAwardedRound, ProcurementCast } from '../factories/procurement';
import { bearer, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const API = '/api/v1/settlement/payment-standards';

interface StandardBody {
  id: string;
  productId: string;
  unitPrice: string;
  rule: string;
  sourceRoundId: string | null;
}

/**
 * §S5 the award's job is lost (a crash between the award's commit and its enqueue, here a
 * handler that does nothing): the periodic sweep finds the awarded round without a standards run
 * and sets its standards; a second sweep changes nothing.
 */
describe('payment standards sweep (§S5)', () => {
  let t: TestApp;
  const clock = new TestClock();
  let cast: ProcurementCast;
  let round: { id: string };
  let city: string;
  const lostJob = {
    queue: 'settlement',
    name: 'payment-standards-on-award',
    handle: () => Promise.resolve(),
  };

  beforeAll(async () => {
    t = await startApp(
      { PAYMENT_STANDARDS_SWEEP_SECONDS: '86400' },
      {
        providers: [
          { provide: Clock, useValue: clock },
          { provide: PaymentStandardsOnAwardJob, useValue: lostJob },
        ],
      },
    );
    cast = await makeProcurementCast(t);
    city = cast.regions.city.code;
    for (const [i, s] of cast.suppliers.entries())
      await makeListingPrice(t, s.product, cast.regions.province.code, {
        packPrice: ['21', '28', '35'][i],
        validFrom: '2020-01-01',
      });
    ({ round } = await playAwardedRound(t, cast, clock));
    await t.idle();
  });
  afterAll(() => t.close());

  const standardsOfRound = async () => {
    const items: StandardBody[] = [];
    for (const s of cast.suppliers) {
      const res = await t
        .http()
        .get(`${API}?productId=${s.product.id}&regionCode=${city}`)
        .set(bearer(cast.hospitals[0].token))
        .expect(200);
      items.push(...(res.body.items as StandardBody[]));
    }
    return items.filter((s) => s.sourceRoundId === round.id);
  };

  it('is scheduled every PAYMENT_STANDARDS_SWEEP_SECONDS', () => {
    expect(t.app.get(JobHandlerRegistry).schedules()).toContainEqual({
      queue: 'settlement',
      name: 'payment-standards-sweep',
      everyMs: 86_400_000,
    });
  });

  it('sets the standards the lost award job did not, once', async () => {
    // The award committed, its job did nothing: no standards.
    expect(await standardsOfRound()).toEqual([]);

    const sweep = t.app.get(JobHandlerRegistry).get('settlement', 'payment-standards-sweep');
    expect(sweep).toBeDefined();
    await sweep!.handle({});
    const set = await standardsOfRound();
    const [p1, p2, p3] = cast.suppliers.map((s) => s.product.id);
    // The same figures the award's own job sets (standards.e2e-spec): winners at 1.50 and 2.00 a
    // tablet, the third (5.00 ≥ 2 × 2.00) cut by 30 % to 3.50.
    expect(Object.fromEntries(set.map((s) => [s.productId, [s.unitPrice, s.rule]]))).toEqual({
      [p1]: ['1.500000', 'winning_price'],
      [p2]: ['2.000000', 'winning_price'],
      [p3]: ['3.500000', 'high_price_cut'],
    });

    // The run is recorded: the endpoint answers it rather than setting again.
    const analyst = (await makeUser(t, cast.authority, ['pricing_analyst'])).token;
    const rerun = await t
      .http()
      .post(`${API}/run`)
      .set(bearer(analyst))
      .send({ roundId: round.id })
      .expect(200);
    expect(rerun.body).toMatchObject({ roundId: round.id, createdNow: false });

    // A second sweep leaves the round alone.
    const again = await t.app.get(PaymentStandardsService).sweep();
    expect(again.set).not.toContain(round.id);
    expect(again.failed.map((f) => f.roundId)).not.toContain(round.id);
    expect(again.checked).toBeGreaterThanOrEqual(1);
    expect((await standardsOfRound()).map((s) => s.id).sort()).toEqual(set.map((s) => s.id).sort());
  });
});

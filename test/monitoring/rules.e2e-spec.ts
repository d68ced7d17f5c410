import { makeCast } from '../factories/identity';
import { monitoringApi } from '../factories/monitoring';
import { bearer, startApp, TestApp } from '../setup/test-app';

type Json = Record<string, unknown>;

/**
 * §M3 rules as data over HTTP: the nine seeded rules, who reads and who changes them, parameter
 * validation naming the field, versions and the audit trail. Changes are made to
 * `non_supply_region` and undone, so evaluations elsewhere keep the defaults.
 */
describe('monitoring rules', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let analyst: string;

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    analyst = cast.users.pricing_analyst.token;
  });
  afterAll(() => t.close());

  const rule = async (code: string): Promise<Json> =>
    (
      await t
        .http()
        .get(monitoringApi(`/rules/${code}`))
        .set(bearer(analyst))
        .expect(200)
    ).body as Json;

  it('lists the nine rules with their §M3 defaults', async () => {
    const res = await t.http().get(monitoringApi('/rules')).set(bearer(analyst)).expect(200);
    const rules = res.body as Json[];
    expect(rules.map((r) => r.code)).toEqual([
      'above_contract',
      'listing_multiple',
      'non_supply_region',
      'cross_region_low',
      'abrupt_change',
      'peer_outlier',
      'price_spread',
      'abnormally_low',
      'quantity_spike',
    ]);
    expect(rules.find((r) => r.code === 'peer_outlier')).toMatchObject({
      enabled: true,
      parameters: { threshold: '3.5', minPeers: 5 },
      scope: { categories: [], regionCodes: [], genericKeys: [] },
    });
    expect(rules.find((r) => r.code === 'listing_multiple')?.parameters).toEqual({
      yellowAbove: '1.5',
      red1From: '2',
      red2From: '5',
      red3From: '10',
    });
  });

  it('listing_multiple: the seeded yellow floor of 1 × was moved to 1.5 × as version 2', async () => {
    const versions = (
      await t
        .http()
        .get(monitoringApi('/rules/listing_multiple/versions'))
        .set(bearer(analyst))
        .expect(200)
    ).body as Array<{ version: number; changedBy: string | null; parameters: Json }>;
    // Both written by the system (migrations), not by an analyst.
    expect(
      versions.filter((v) => v.version <= 2).map((v) => [v.version, v.changedBy, v.parameters]),
    ).toEqual([
      [2, null, { yellowAbove: '1.5', red1From: '2', red2From: '5', red3From: '10' }],
      [1, null, { yellowAbove: '1', red1From: '2', red2From: '5', red3From: '10' }],
    ]);
  });

  it.each(['admin', 'supervisor', 'auditor', 'procurement_officer', 'fund_officer'] as const)(
    '%s reads the rules but may not change them',
    async (role) => {
      const token = cast.users[role].token;
      await t.http().get(monitoringApi('/rules/peer_outlier')).set(bearer(token)).expect(200);
      await t
        .http()
        .patch(monitoringApi('/rules/non_supply_region'))
        .set(bearer(token))
        .send({ enabled: false })
        .expect(403);
    },
  );

  it.each(['hospital_user', 'supplier_user'] as const)('%s may not read them', async (role) => {
    await t.http().get(monitoringApi('/rules')).set(bearer(cast.users[role].token)).expect(403);
  });

  it.each([
    [{ parameters: { multiple: 'lots' } }, 'parameters.multiple', 'RULE_PARAMETERS_INVALID'],
    [{ parameters: { multiple: '0.5' } }, 'parameters.multiple', 'RULE_PARAMETERS_INVALID'],
    [{ parameters: { ratio: '2' } }, 'parameters.ratio', 'RULE_PARAMETERS_INVALID'],
    [{ scope: { regionCodes: ['3201'] } }, 'scope.regionCodes', 'RULE_SCOPE_INVALID'],
    [
      { severityOverrides: { red_1: 'crimson' } },
      'severityOverrides.red_1',
      'RULE_SEVERITY_INVALID',
    ],
  ])('refuses %j with a 400 naming %s', async (body, field, code) => {
    const res = await t
      .http()
      .patch(monitoringApi('/rules/non_supply_region'))
      .set(bearer(analyst))
      .send(body)
      .expect(400);
    expect(res.body).toMatchObject({ code: `MONITORING.${code}`, details: { field } });
    expect(res.body.message).toContain(field);
  });

  it('refuses unknown rules and unknown body fields', async () => {
    await t.http().get(monitoringApi('/rules/no_such_rule')).set(bearer(analyst)).expect(404);
    await t
      .http()
      .patch(monitoringApi('/rules/non_supply_region'))
      .set(bearer(analyst))
      .send({ colour: 'red' })
      .expect(400);
  });

  it('versions and audits every change; a stale expectedVersion is a 409', async () => {
    const before = await rule('non_supply_region');
    const version = before.version as number;
    try {
      const res = await t
        .http()
        .patch(monitoringApi('/rules/non_supply_region'))
        .set(bearer(analyst))
        .send({
          parameters: { multiple: '2' },
          severityOverrides: { red_1: 'red_2' },
          scope: { regionCodes: [cast.regions.city.code] },
          expectedVersion: version,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        version: version + 1,
        parameters: { multiple: '2' },
        severityOverrides: { red_1: 'red_2' },
        scope: { regionCodes: [cast.regions.city.code] },
        updatedBy: cast.users.pricing_analyst.user.id,
      });
      expect(await rule('non_supply_region')).toMatchObject({ version: version + 1 });
      const stale = await t
        .http()
        .patch(monitoringApi('/rules/non_supply_region'))
        .set(bearer(analyst))
        .send({ enabled: false, expectedVersion: version })
        .expect(409);
      expect(stale.body).toMatchObject({ code: 'MONITORING.RULE_VERSION_CONFLICT' });

      const versions = (
        await t
          .http()
          .get(monitoringApi('/rules/non_supply_region/versions'))
          .set(bearer(cast.users.auditor.token))
          .expect(200)
      ).body as Json[];
      expect(versions[0]).toMatchObject({ version: version + 1, parameters: { multiple: '2' } });
      expect(versions[1]).toMatchObject({ version, parameters: before.parameters });

      const audit = await t.dataSource.query(
        "SELECT action, entity_id FROM audit_log WHERE action = 'monitoring.rule.update' AND entity_id = 'non_supply_region'",
      );
      expect((audit as unknown[]).length).toBeGreaterThan(0);
    } finally {
      await t
        .http()
        .patch(monitoringApi('/rules/non_supply_region'))
        .set(bearer(analyst))
        .send({
          enabled: true,
          parameters: before.parameters,
          scope: before.scope,
          severityOverrides: before.severityOverrides,
        })
        .expect(200);
    }
  });
});

import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { canonicalJson } from '../../src/common/canonical-json';
import { ActorResolver } from '../../src/common/auth/actor-resolver';
import { Role, ROLES } from '../../src/common/auth/roles';
import { RuleSet } from '../../src/modules/procurement/rule-sets/rule-set.entity';
import { RuleSetsService } from '../../src/modules/procurement/rule-sets/rule-sets.service';
import {
  applyOverrides,
  PRESET_NAMES,
  presetParameters,
  resolveRuleSet,
} from '../../src/modules/procurement/selection/domain/rule-set';
import { makeApiKey, makeCast } from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';

type Json = Record<string, unknown>;

const URL = '/api/v1/procurement/rule-sets';

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  for (const w of words) expect(res.body.message).toContain(w);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fits the name pattern and never clashes on a shared database. */
function newName(prefix = 'rs'): string {
  return `${prefix}-${uniq(10).toLowerCase()}`;
}

describe('procurement: rule sets (§P6.7)', () => {
  let t: TestApp;
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };

  const post = (body: unknown, auth = officer) =>
    t
      .http()
      .post(URL)
      .set(auth)
      .send(body as object);
  const list = (query: Json, auth = officer) => t.http().get(URL).query(query).set(auth);
  const auditOf = async (id: string): Promise<Json[]> =>
    (
      await t
        .http()
        .get('/api/v1/audit/events')
        .query({ entityType: 'rule_set', entityId: id, pageSize: 200 })
        .set(bearer(t.adminToken))
        .expect(200)
    ).body.items;

  beforeAll(async () => {
    t = await startApp();
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
  });
  afterAll(() => t.close());

  describe('presets seeded at start-up', () => {
    it.each(PRESET_NAMES)(
      '%s is version 1 with the engine preset parameters, audited as the system',
      async (name) => {
        const res = await list({ name }).expect(200);
        expect(res.body.total).toBe(1);
        const [row] = res.body.items;
        const parameters = presetParameters(name);
        expect(row).toMatchObject({
          name,
          version: 1,
          basedOn: name,
          parameters,
          parametersSha256: sha256(canonicalJson(parameters)),
          createdBy: null,
        });
        const read = await t.http().get(`${URL}/${row.id}`).set(officer).expect(200);
        expect(read.body).toEqual(row);
        const events = await auditOf(row.id);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'rule_set.created',
          actorKind: 'system',
          after: { name, version: 1, parameters, parametersSha256: row.parametersSha256 },
        });
      },
    );

    it('seeding again, even twice at once, adds nothing', async () => {
      const service = t.app.get(RuleSetsService);
      await Promise.all([service.onApplicationBootstrap(), service.onApplicationBootstrap()]);
      for (const name of PRESET_NAMES) {
        const res = await list({ name }).expect(200);
        expect(res.body.total).toBe(1);
      }
    });
  });

  describe('POST /procurement/rule-sets', () => {
    it('creates version 1 from a preset, then version 2 from it; both kept and audited', async () => {
      const name = newName();
      const overrides = { ratioToAnchor: '1.5', winnerCap: 8, lowPriceExemption: false };
      const first = await post({
        name,
        description: 'Provincial oral solids',
        basedOn: { preset: 'national-batch-10' },
        overrides,
      }).expect(201);
      const v1Parameters = resolveRuleSet('national-batch-10', overrides);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^\d+$/),
        name,
        version: 1,
        description: 'Provincial oral solids',
        basedOn: 'national-batch-10',
        parameters: v1Parameters,
        parametersSha256: sha256(canonicalJson(v1Parameters)),
        createdAt: expect.any(String),
        createdBy: cast.users.procurement_officer.user.id,
      });
      expect(first.body.parameters.ratioToAnchor).toEqual({ enabled: true, value: '1.5' });

      const second = await post(
        { name, basedOn: { ruleSetId: first.body.id }, overrides: { revival: false } },
        bearer(cast.users.admin.token),
      ).expect(201);
      const v2Parameters = applyOverrides(v1Parameters, { revival: false });
      expect(second.body).toMatchObject({
        name,
        version: 2,
        description: null,
        basedOn: `${name}@1`,
        parameters: v2Parameters,
        parametersSha256: sha256(canonicalJson(v2Parameters)),
        createdBy: cast.users.admin.user.id,
      });
      expect(second.body.parameters).toMatchObject({
        ratioToAnchor: { enabled: true, value: '1.5' },
        winnerCap: { enabled: true, value: 8 },
        revival: false,
      });

      const third = await post({ name, basedOn: { preset: 'single-winner' } }).expect(201);
      expect(third.body).toMatchObject({
        version: 3,
        basedOn: 'single-winner',
        parameters: presetParameters('single-winner'),
      });

      for (const created of [first, second, third]) {
        const read = await t.http().get(`${URL}/${created.body.id}`).set(officer).expect(200);
        expect(read.body).toEqual(created.body);
      }
      const all = await list({ name }).expect(200);
      expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 50 });
      expect(all.body.items).toEqual([first.body, second.body, third.body]);
      const latest = await list({ name, latest: 'true' }).expect(200);
      expect(latest.body).toMatchObject({ total: 1, items: [third.body] });
      const desc = await list({ name, order: 'desc' }).expect(200);
      expect(desc.body.items.map((r: Json) => r.version)).toEqual([3, 2, 1]);
      const paged = await list({ name, pageSize: 2, page: 2 }).expect(200);
      expect(paged.body).toMatchObject({ total: 3, items: [third.body] });

      const [event] = await auditOf(second.body.id);
      expect(event).toMatchObject({
        action: 'rule_set.created',
        actorKind: 'user',
        actorId: cast.users.admin.user.id,
        after: {
          name,
          version: 2,
          basedOn: `${name}@1`,
          parameters: v2Parameters,
          parametersSha256: second.body.parametersSha256,
        },
      });
      expect(await auditOf(first.body.id)).toEqual([
        expect.objectContaining({
          action: 'rule_set.created',
          actorId: cast.users.procurement_officer.user.id,
        }),
      ]);
    });

    it('writers of one name at once get consecutive versions, or a 409 to retry', async () => {
      // Straight to the service: HTTP requests seldom overlap inside the database.
      const service = t.app.get(RuleSetsService);
      const actor = await t.app.get(ActorResolver).fromAccessToken(cast.users.admin.token);
      if (!actor) throw new Error('admin token did not resolve');
      const create = (name: string) =>
        service.create(actor, { name, basedOn: { preset: 'national-batch-7' } });
      for (let round = 0; round < 3; round++) {
        const name = newName();
        const pair = await Promise.all([create(name), create(name)]);
        expect(pair.map((r) => r.version).sort()).toEqual([1, 2]);
      }
      const name = newName();
      const results = await Promise.allSettled([create(name), create(name), create(name)]);
      const versions = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.version] : []));
      for (const r of results)
        if (r.status === 'rejected')
          expect(r.reason).toMatchObject({ code: 'PROCUREMENT.RULE_SET_VERSION_CONFLICT' });
      expect(versions.sort()).toEqual(versions.map((_, i) => i + 1));
      expect(versions.length).toBeGreaterThanOrEqual(2);
      const stored = await list({ name }).expect(200);
      expect(stored.body.items.map((r: Json) => r.version)).toEqual(versions);
    });

    it('latest=true lists one version per name, sorted by name then version', async () => {
      const res = await list({ latest: 'true', pageSize: 200 }).expect(200);
      const names = res.body.items.map((r: Json) => r.name as string);
      expect(new Set(names).size).toBe(names.length);
      expect([...names].sort()).toEqual(names);
      const everything = await list({ pageSize: 200 }).expect(200);
      const keys = everything.body.items.map((r: Json) => [r.name, r.version]);
      const sorted = [...keys].sort((x, y) => (x[0] === y[0] ? x[1] - y[1] : x[0] < y[0] ? -1 : 1));
      expect(keys).toEqual(sorted);
    });

    it.each<[string, Json, string]>([
      ['a bad value', { ratioToAnchor: 'abc' }, 'ratioToAnchor'],
      ['an unknown parameter', { ratioToAnchr: '1.8' }, 'ratioToAnchr'],
      ['a bad nested value', { dosageFormFactors: { tablet: '-1' } }, 'dosageFormFactors.tablet'],
      ['a list out of range', { agreedVolumeRatios: ['0.5', '1.5'] }, 'agreedVolumeRatios[1]'],
    ])('an override with %s: 400 naming it, nothing stored', async (_, overrides, parameter) => {
      const name = newName();
      const res = await post({ name, basedOn: { preset: 'national-batch-7' }, overrides });
      expectError(res, 400, 'PROCUREMENT.RULE_SET_INVALID', parameter);
      expect(res.body.details.parameter).toBe(parameter);
      expect((await list({ name }).expect(200)).body.total).toBe(0);
    });

    it('an invalid override on a stored rule set: 400 naming it, no new version', async () => {
      const name = newName();
      const v1 = await post({ name, basedOn: { preset: 'national-batch-7' } }).expect(201);
      const res = await post({
        name,
        basedOn: { ruleSetId: v1.body.id },
        overrides: { winnerCap: 0 },
      });
      expectError(res, 400, 'PROCUREMENT.RULE_SET_INVALID', 'winnerCap');
      expect((await list({ name }).expect(200)).body.total).toBe(1);
    });

    const basisCases: [string, Json, number, string, string[]][] = [
      [
        'an unknown ruleSetId',
        { basedOn: { ruleSetId: '999999999' } },
        404,
        'PROCUREMENT.RULE_SET_NOT_FOUND',
        ['basedOn.ruleSetId', '999999999'],
      ],
      [
        'an unknown preset',
        { basedOn: { preset: 'national-batch-8' } },
        400,
        'PROCUREMENT.RULE_SET_BASIS_INVALID',
        ['basedOn.preset', 'national-batch-8'],
      ],
      [
        'both a preset and a ruleSetId',
        { basedOn: { preset: 'single-winner', ruleSetId: '1' } },
        400,
        'PROCUREMENT.RULE_SET_BASIS_INVALID',
        ['basedOn', 'not both'],
      ],
      ['an empty basedOn', { basedOn: {} }, 400, 'PROCUREMENT.RULE_SET_BASIS_INVALID', ['basedOn']],
      ['no basedOn', {}, 400, 'COMMON.VALIDATION_FAILED', ['basedOn']],
      [
        'a non-numeric ruleSetId',
        { basedOn: { ruleSetId: 'abc' } },
        400,
        'COMMON.VALIDATION_FAILED',
        ['basedOn.ruleSetId'],
      ],
      [
        'an unknown field',
        { basedOn: { preset: 'single-winner' }, parameters: {} },
        400,
        'COMMON.VALIDATION_FAILED',
        ['parameters'],
      ],
      [
        'overrides that are not an object',
        { basedOn: { preset: 'single-winner' }, overrides: ['ratioToAnchor'] },
        400,
        'COMMON.VALIDATION_FAILED',
        ['overrides'],
      ],
    ];
    it.each(
      basisCases.map(([label, body, status, code, words]) => ({
        label,
        body,
        status,
        code,
        words,
      })),
    )('$label: $status $code', async ({ body, status, code, words }) => {
      const name = newName();
      const res = await post({ name, ...body });
      expectError(res, status, code, ...words);
      expect((await list({ name }).expect(200)).body.total).toBe(0);
    });

    it.each(['ab', 'Upper-case', 'with space', '-leading-dash', 'a@1', 'x'.repeat(65)])(
      'name %s: 400 naming the field',
      async (name) => {
        const res = await post({ name, basedOn: { preset: 'national-batch-7' } });
        expectError(res, 400, 'COMMON.VALIDATION_FAILED', 'name');
      },
    );

    it.each(PRESET_NAMES)('name %s is reserved for the preset: 400', async (name) => {
      const res = await post({ name, basedOn: { preset: name } });
      expectError(res, 400, 'PROCUREMENT.RULE_SET_NAME_RESERVED', name);
      expect((await list({ name }).expect(200)).body.total).toBe(1);
    });
  });

  describe('GET /procurement/rule-sets', () => {
    it.each(['12345678901', 'abc'])('GET /%s: 404 RULE_SET_NOT_FOUND', async (id) => {
      const res = await t.http().get(`${URL}/${id}`).set(officer);
      expectError(res, 404, 'PROCUREMENT.RULE_SET_NOT_FOUND', id);
    });

    it.each<[Json, string]>([
      [{ latest: 'maybe' }, 'latest'],
      [{ pageSize: 201 }, 'pageSize'],
      [{ order: 'sideways' }, 'order'],
      [{ colour: 'red' }, 'colour'],
    ])('bad query %j: 400 naming the field', async (query, field) => {
      expectError(await list(query), 400, 'COMMON.VALIDATION_FAILED', field);
    });
  });

  describe('getFrozen (what a round freezes)', () => {
    it('returns the exact parameters and digest, and refuses a row altered behind its back', async () => {
      const name = newName();
      const created = await post({
        name,
        basedOn: { preset: 'national-batch-11' },
        overrides: { anchorMeanShare: '0.6' },
      }).expect(201);
      const service = t.app.get(RuleSetsService);
      expect(await service.getFrozen(created.body.id)).toEqual({
        id: created.body.id,
        name,
        version: 1,
        parameters: resolveRuleSet('national-batch-11', { anchorMeanShare: '0.6' }),
        sha256: created.body.parametersSha256,
      });
      await expect(service.getFrozen('999999999')).rejects.toMatchObject({
        code: 'PROCUREMENT.RULE_SET_NOT_FOUND',
      });

      const repo = t.dataSource.getRepository(RuleSet);
      const stored = await repo.findOneByOrFail({ id: created.body.id });
      // Restored afterwards: the MySQL database is shared, and lists must stay readable.
      try {
        await repo.update(
          { id: stored.id },
          { parametersJson: stored.parametersJson.replace('"0.6"', '"0.7"') },
        );
        await expect(service.getFrozen(stored.id)).rejects.toThrow(
          `Rule set ${name}@1: stored parameters do not match their SHA-256`,
        );
      } finally {
        await repo.update({ id: stored.id }, { parametersJson: stored.parametersJson });
      }
      expect((await service.getFrozen(stored.id)).parameters.anchorMeanShare).toBe('0.6');
    });
  });

  describe('who may read and create', () => {
    const creators: Role[] = ['admin', 'procurement_officer'];
    const outsiders: Role[] = ['hospital_user', 'supplier_user'];

    it.each(ROLES.map((r) => [r] as const))('%s', async (role) => {
      const auth = bearer(cast.users[role].token);
      const name = newName();
      const created = await post({ name, basedOn: { preset: 'national-batch-7' } }, auth);
      const listed = await list({ name: 'national-batch-7' }, auth);
      const presetId = (await list({ name: 'national-batch-7' }).expect(200)).body.items[0].id;
      const read = await t.http().get(`${URL}/${presetId}`).set(auth);
      if (outsiders.includes(role)) {
        expectError(listed, 403, 'COMMON.FORBIDDEN');
        expectError(read, 403, 'COMMON.FORBIDDEN');
        expectError(created, 403, 'COMMON.FORBIDDEN');
        return;
      }
      expect(listed.status).toBe(200);
      expect(listed.body.items[0].name).toBe('national-batch-7');
      expect(read.status).toBe(200);
      if (creators.includes(role)) {
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ name, version: 1 });
      } else {
        expectError(created, 403, 'COMMON.FORBIDDEN', 'procurement_officer');
        expect((await list({ name }).expect(200)).body.total).toBe(0);
      }
    });

    it('without a token: 401', async () => {
      expectError(await t.http().get(URL), 401, 'COMMON.UNAUTHENTICATED');
      expectError(await t.http().post(URL).send({}), 401, 'COMMON.UNAUTHENTICATED');
    });

    it('an API key: 403', async () => {
      const { key } = await makeApiKey(t, cast.authority, ['catalog:read']);
      expectError(await t.http().get(URL).set('X-Api-Key', key), 403, 'COMMON.FORBIDDEN');
    });
  });
});

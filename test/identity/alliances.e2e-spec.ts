import { makeCast, makeOrganisation, makeRegionTree, makeUser } from '../factories/identity';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { auditEvents, BOOT_TIMEOUT, expectError } from './support';

describe('alliances', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let cast: Awaited<ReturnType<typeof makeCast>>;
  let officer: { Authorization: string };
  beforeAll(async () => {
    t = await startApp();
    admin = bearer(t.adminToken);
    cast = await makeCast(t);
    officer = bearer(cast.users.procurement_officer.token);
  }, BOOT_TIMEOUT);
  afterAll(() => t.close());

  const code = () => `AL-${uniq(10)}`;
  const create = (auth: { Authorization: string }, body: object) =>
    t.http().post('/api/v1/alliances').set(auth).send(body);
  const addMember = (auth: { Authorization: string }, id: string, body: object) =>
    t.http().post(`/api/v1/alliances/${id}/members`).set(auth).send(body);

  it('a platform admin creates an alliance led by an authority; it reads back and is audited', async () => {
    const body = {
      code: code(),
      name: '  Yangtze delta  ',
      leadOrgId: cast.authority.id,
      description: 'joint buying',
    };
    const res = await create(admin, body).expect(201);
    expect(res.body).toMatchObject({
      code: body.code,
      name: 'Yangtze delta',
      description: 'joint buying',
      leadOrganisation: { id: cast.authority.id, code: cast.authority.code, type: 'authority' },
      members: [],
    });
    const read = await t.http().get(`/api/v1/alliances/${res.body.id}`).set(admin).expect(200);
    expect(read.body).toEqual(res.body);
    const events = await auditEvents(t, 'alliance', res.body.id);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'alliance.created',
        after: {
          code: body.code,
          name: 'Yangtze delta',
          leadOrgId: cast.authority.id,
          description: 'joint buying',
        },
      }),
    ]);
  });

  it('a procurement officer leads by default with its own organisation', async () => {
    const res = await create(officer, { code: code(), name: 'City alliance' }).expect(201);
    expect(res.body.leadOrganisation.id).toBe(cast.authority.id);
  });

  it('refuses a non-authority lead (400 ALLIANCE_LEAD_INVALID), one out of scope (404), an inactive one (409)', async () => {
    expectError(
      await create(admin, { code: code(), name: 'x', leadOrgId: cast.hospital.id }),
      400,
      'IDENTITY.ALLIANCE_LEAD_INVALID',
      'leadOrgId',
    );
    const elsewhere = await makeRegionTree(t);
    const foreign = await makeOrganisation(t, 'authority', { regionCode: elsewhere.city.code });
    expectError(
      await create(officer, { code: code(), name: 'x', leadOrgId: foreign.id }),
      404,
      'IDENTITY.ORGANISATION_NOT_FOUND',
    );
    const inactive = await makeOrganisation(t, 'authority', {
      regionCode: cast.regions.county.code,
      status: 'inactive',
    });
    expectError(
      await create(admin, { code: code(), name: 'x', leadOrgId: inactive.id }),
      409,
      'IDENTITY.ORGANISATION_INACTIVE',
    );
  });

  it('refuses a duplicate code with 409 DUPLICATE_ALLIANCE_CODE naming it', async () => {
    const body = { code: code(), name: 'x', leadOrgId: cast.authority.id };
    await create(admin, body).expect(201);
    expectError(await create(admin, body), 409, 'IDENTITY.DUPLICATE_ALLIANCE_CODE', body.code);
  });

  it.each([
    ['code', { code: 'al-lower', name: 'x' }],
    ['name', { code: 'AL-OK-1', name: '' }],
    ['leadOrgId', { code: 'AL-OK-1', name: 'x', leadOrgId: 'abc' }],
    ['members', { code: 'AL-OK-1', name: 'x', members: [] }],
  ])('400 VALIDATION_FAILED naming %s', async (field, body) => {
    expectError(await create(admin, body), 400, 'COMMON.VALIDATION_FAILED', field);
  });

  it('updates name, description and lead; reads back; audits before/after; 404 for unknown ids', async () => {
    const created = await create(officer, {
      code: code(),
      name: 'Before',
      description: 'd',
    }).expect(201);
    const lead = await makeOrganisation(t, 'authority', { regionCode: cast.regions.county.code });
    const res = await t
      .http()
      .patch(`/api/v1/alliances/${created.body.id}`)
      .set(officer)
      .send({ name: 'After', description: null, leadOrgId: lead.id })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'After',
      description: null,
      leadOrganisation: { id: lead.id },
    });
    const read = await t
      .http()
      .get(`/api/v1/alliances/${created.body.id}`)
      .set(officer)
      .expect(200);
    expect(read.body).toEqual(res.body);
    const events = await auditEvents(t, 'alliance', created.body.id);
    expect(events[1]).toMatchObject({
      action: 'alliance.updated',
      before: { name: 'Before', description: 'd', leadOrgId: cast.authority.id },
      after: { name: 'After', description: null, leadOrgId: lead.id },
    });
    expectError(
      await t
        .http()
        .patch(`/api/v1/alliances/${created.body.id}`)
        .set(officer)
        .send({ leadOrgId: cast.manufacturer.id }),
      400,
      'IDENTITY.ALLIANCE_LEAD_INVALID',
    );
    expectError(
      await t
        .http()
        .patch(`/api/v1/alliances/${created.body.id}`)
        .set(officer)
        .send({ code: 'NEW' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'code',
    );
    expectError(
      await t.http().patch('/api/v1/alliances/99999999').set(officer).send({ name: 'x' }),
      404,
      'IDENTITY.ALLIANCE_NOT_FOUND',
    );
    expectError(
      await t.http().get('/api/v1/alliances/x1').set(officer),
      404,
      'IDENTITY.ALLIANCE_NOT_FOUND',
    );
  });

  describe('members', () => {
    let allianceId: string;
    beforeAll(async () => {
      allianceId = (await create(officer, { code: code(), name: 'Members' }).expect(201)).body.id;
    });

    it('adds a region and a hospital, lists them in the detail, audits both; removes one', async () => {
      const region = await addMember(officer, allianceId, {
        type: 'region',
        regionCode: cast.regions.county.code,
      }).expect(201);
      expect(region.body).toMatchObject({
        type: 'region',
        regionCode: cast.regions.county.code,
        regionName: cast.regions.county.name,
        organisation: null,
      });
      const hospital = await addMember(officer, allianceId, {
        type: 'hospital',
        organisationId: cast.otherHospital.id,
      }).expect(201);
      expect(hospital.body).toMatchObject({
        type: 'hospital',
        regionCode: null,
        organisation: { id: cast.otherHospital.id, code: cast.otherHospital.code },
      });
      const detail = await t.http().get(`/api/v1/alliances/${allianceId}`).set(officer).expect(200);
      expect(detail.body.members).toEqual([region.body, hospital.body]);

      await t
        .http()
        .delete(`/api/v1/alliances/${allianceId}/members/${region.body.id}`)
        .set(officer)
        .expect(204);
      const after = await t.http().get(`/api/v1/alliances/${allianceId}`).set(officer).expect(200);
      expect(after.body.members.map((m: { id: string }) => m.id)).toEqual([hospital.body.id]);
      expectError(
        await t
          .http()
          .delete(`/api/v1/alliances/${allianceId}/members/${region.body.id}`)
          .set(officer),
        404,
        'IDENTITY.ALLIANCE_MEMBER_NOT_FOUND',
      );

      const events = await auditEvents(t, 'alliance', allianceId);
      expect(events.map((e) => e.action)).toEqual([
        'alliance.created',
        'alliance.member_added',
        'alliance.member_added',
        'alliance.member_removed',
      ]);
      expect(events[3].before).toEqual({
        memberId: region.body.id,
        type: 'region',
        regionCode: cast.regions.county.code,
        organisationId: null,
      });
    });

    it('refuses duplicates with 409 DUPLICATE_ALLIANCE_MEMBER', async () => {
      const id = (await create(officer, { code: code(), name: 'Dupes' }).expect(201)).body.id;
      await addMember(officer, id, { type: 'region', regionCode: cast.regions.city.code }).expect(
        201,
      );
      expectError(
        await addMember(officer, id, { type: 'region', regionCode: cast.regions.city.code }),
        409,
        'IDENTITY.DUPLICATE_ALLIANCE_MEMBER',
        cast.regions.city.code,
      );
      await addMember(officer, id, { type: 'hospital', organisationId: cast.hospital.id }).expect(
        201,
      );
      expectError(
        await addMember(officer, id, { type: 'hospital', organisationId: cast.hospital.id }),
        409,
        'IDENTITY.DUPLICATE_ALLIANCE_MEMBER',
        cast.hospital.code,
      );
    });

    it('refuses invalid members: 400 ALLIANCE_MEMBER_INVALID, 404 out of scope, 409 inactive', async () => {
      expectError(
        await addMember(officer, allianceId, {
          type: 'hospital',
          organisationId: cast.manufacturer.id,
        }),
        400,
        'IDENTITY.ALLIANCE_MEMBER_INVALID',
        'organisationId',
      );
      expectError(
        await addMember(officer, allianceId, {
          type: 'region',
          regionCode: cast.regions.city.code,
          organisationId: cast.hospital.id,
        }),
        400,
        'IDENTITY.ALLIANCE_MEMBER_INVALID',
        'organisationId',
      );
      expectError(
        await addMember(officer, allianceId, { type: 'hospital' }),
        400,
        'IDENTITY.ALLIANCE_MEMBER_INVALID',
        'organisationId',
      );
      expectError(
        await addMember(officer, allianceId, { type: 'region' }),
        400,
        'IDENTITY.ALLIANCE_MEMBER_INVALID',
        'regionCode',
      );
      expectError(
        await addMember(officer, allianceId, { type: 'county', regionCode: '320000' }),
        400,
        'COMMON.VALIDATION_FAILED',
        'type',
      );
      expectError(
        await addMember(officer, allianceId, {
          type: 'region',
          regionCode: cast.regions.province.code,
        }),
        404,
        'IDENTITY.REGION_NOT_FOUND',
      );
      const elsewhere = await makeRegionTree(t);
      const foreign = await makeOrganisation(t, 'hospital', { regionCode: elsewhere.county.code });
      expectError(
        await addMember(officer, allianceId, { type: 'hospital', organisationId: foreign.id }),
        404,
        'IDENTITY.ORGANISATION_NOT_FOUND',
      );
      const closed = await makeOrganisation(t, 'hospital', {
        regionCode: cast.regions.county.code,
        status: 'inactive',
      });
      expectError(
        await addMember(officer, allianceId, { type: 'hospital', organisationId: closed.id }),
        409,
        'IDENTITY.ORGANISATION_INACTIVE',
      );
      expectError(
        await addMember(officer, '99999999', {
          type: 'region',
          regionCode: cast.regions.county.code,
        }),
        404,
        'IDENTITY.ALLIANCE_NOT_FOUND',
      );
      const detail = await t.http().get(`/api/v1/alliances/${allianceId}`).set(officer).expect(200);
      expect(
        detail.body.members.map((m: { organisation: { id: string } | null }) => m.organisation?.id),
      ).not.toContain(foreign.id);
    });
  });

  describe('visibility', () => {
    let viaRegion: string;
    let direct: string;
    let unrelated: string;
    let platformLed: string;
    // Every alliance of this block carries the tag, so lists stay small on a shared database.
    const tag = `V${uniq(8)}`;
    beforeAll(async () => {
      viaRegion = (await create(officer, { code: code(), name: `${tag} via region` }).expect(201))
        .body.id;
      await addMember(officer, viaRegion, {
        type: 'region',
        regionCode: cast.regions.city.code,
      }).expect(201);
      direct = (await create(officer, { code: code(), name: `${tag} direct` }).expect(201)).body.id;
      await addMember(officer, direct, {
        type: 'hospital',
        organisationId: cast.hospital.id,
      }).expect(201);
      unrelated = (await create(officer, { code: code(), name: `${tag} unrelated` }).expect(201))
        .body.id;
      await addMember(officer, unrelated, {
        type: 'region',
        regionCode: cast.regions.otherCounty.code,
      }).expect(201);
      const platform = await t.http().get('/api/v1/auth/me').set(admin).expect(200);
      platformLed = (
        await create(admin, {
          code: code(),
          name: `${tag} platform`,
          leadOrgId: platform.body.organisation.id,
        }).expect(201)
      ).body.id;
    });

    const listIds = async (auth: { Authorization: string }) => {
      const res = await t.http().get('/api/v1/alliances').query({ q: tag }).set(auth).expect(200);
      return res.body.items.map((a: { id: string }) => a.id);
    };

    it('a member hospital sees alliances it belongs to directly or through a region, read only', async () => {
      const hospital = bearer(cast.users.hospital_user.token);
      const ids = await listIds(hospital);
      expect(ids).toEqual(expect.arrayContaining([viaRegion, direct]));
      expect(ids).not.toContain(unrelated);
      expect(ids).not.toContain(platformLed);
      await t.http().get(`/api/v1/alliances/${viaRegion}`).set(hospital).expect(200);
      expectError(
        await t.http().get(`/api/v1/alliances/${unrelated}`).set(hospital),
        404,
        'IDENTITY.ALLIANCE_NOT_FOUND',
      );
      expectError(
        await t.http().patch(`/api/v1/alliances/${direct}`).set(hospital).send({ name: 'mine' }),
        403,
        'COMMON.FORBIDDEN',
      );
    });

    it('suppliers see none; authorities see those led from their scope; the platform sees all', async () => {
      const supplier = bearer(cast.users.supplier_user.token);
      expect(await listIds(supplier)).toEqual([]);
      expectError(
        await t.http().get(`/api/v1/alliances/${direct}`).set(supplier),
        404,
        'IDENTITY.ALLIANCE_NOT_FOUND',
      );

      const auditor = bearer(cast.users.auditor.token);
      const seen = await listIds(auditor);
      expect(seen).toEqual(expect.arrayContaining([viaRegion, direct, unrelated]));
      expect(seen).not.toContain(platformLed);
      expectError(
        await t.http().get(`/api/v1/alliances/${platformLed}`).set(auditor),
        404,
        'IDENTITY.ALLIANCE_NOT_FOUND',
      );

      const countyAuthority = await makeOrganisation(t, 'authority', {
        regionCode: cast.regions.otherCounty.code,
      });
      const countyUser = bearer(
        (await makeUser(t, countyAuthority, ['procurement_officer'])).token,
      );
      expectError(
        await t.http().get(`/api/v1/alliances/${viaRegion}`).set(countyUser),
        404,
        'IDENTITY.ALLIANCE_NOT_FOUND',
      );

      expect(await listIds(admin)).toEqual(
        expect.arrayContaining([viaRegion, direct, unrelated, platformLed]),
      );
    });

    it('filters by q and leadOrgId and sorts', async () => {
      const res = await t
        .http()
        .get('/api/v1/alliances')
        .query({ leadOrgId: cast.authority.id, q: 'dir', sort: 'name' })
        .set(officer)
        .expect(200);
      expect(res.body.items.map((a: { id: string }) => a.id)).toEqual([direct]);
      expectError(
        await t.http().get('/api/v1/alliances').query({ sort: 'members' }).set(officer),
        400,
        'COMMON.VALIDATION_FAILED',
        'sort',
      );
    });
  });
});

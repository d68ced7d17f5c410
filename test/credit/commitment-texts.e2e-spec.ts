import { createHash } from 'node:crypto';
import { Response } from 'supertest';
import { Clock } from '../../src/common/clock';
import { SEED_COMMITMENT_TEXT } from '../../src/modules/credit/ratings/domain/seed-schemes';
import { makeUser } from '../factories/identity';
import {
  makeProcurementCast,
  makeRoundWithLot,
  ProcurementCast,
  transition,
} from '../factories/procurement';
import { bearer, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

function expectError(res: Response, status: number, code: string, ...words: string[]) {
  expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({
    status,
    code,
  });
  for (const w of words) expect((res.body as { message: string }).message).toContain(w);
}

interface TextView {
  version: string;
  title: string;
  body: string;
  sha256: string;
  publishedAt: string;
  publishedBy: string | null;
  current: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * §K4 the integrity commitment text (信用承诺书) in versions: a supervisor publishes one, round
 * and general commitments then sign it and record it, and signatures of an earlier version stay
 * valid and say so. The text is global state: on a shared database another run may have
 * published before, so the test reads the version in force instead of assuming the seeded one.
 */
describe('credit: commitment text versions (§K4)', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: ProcurementCast;
  let supervisor: { user: { id: string }; token: string };
  let admin: string;

  const api = (path: string) => `/api/v1${path}`;
  const post = (token: string, path: string, body: object = {}) =>
    t.http().post(api(path)).set(bearer(token)).send(body);
  const get = (token: string, path: string) => t.http().get(api(path)).set(bearer(token));
  const current = async () =>
    (await get(cast.hospitals[0].token, '/credit/commitment-texts/current').expect(200))
      .body as TextView;
  const history = async () =>
    (await get(cast.suppliers[0].token, '/credit/commitment-texts').expect(200)).body as TextView[];
  const newText = () => ({
    version: `T${uniq(8)}`,
    title: '医药企业价格和营销行为信用承诺书',
    body: `本企业郑重承诺：遵守医药价格和招采相关法律法规（修订 ${uniq(6)}）。`,
  });

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp({}, { providers: [{ provide: Clock, useValue: clock }] });
    cast = await makeProcurementCast(t, { hospitals: 1, suppliers: 3 });
    supervisor = await makeUser(t, cast.authority, ['supervisor']);
    admin = (await makeUser(t, cast.authority, ['admin'])).token;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('keeps the seeded text as the first version, published by nobody', async () => {
    const all = await history();
    expect(all[all.length - 1]).toEqual({
      version: SEED_COMMITMENT_TEXT.version,
      title: SEED_COMMITMENT_TEXT.title,
      body: SEED_COMMITMENT_TEXT.body,
      sha256: SEED_COMMITMENT_TEXT.sha256,
      publishedAt: expect.any(String),
      publishedBy: null,
      current: all.length === 1,
    });
    expect(all.filter((v) => v.current)).toEqual([all[0]]);
    expect(await current()).toEqual(all[0]);
  });

  it('publishes a version that new signatures record; earlier ones stay valid', async () => {
    const [a, b, c] = cast.suppliers;
    const { round, lot } = await makeRoundWithLot(t, cast, { now: clock.now() });
    await transition(t, cast.officer.token, round.id, 'open_demand');
    const before = await current();

    // Supplier a signs the round and the general commitment under the version in force.
    const signedA = await post(a.token, `/procurement/rounds/${round.id}/commitment`).expect(201);
    expect(signedA.body).toMatchObject({
      roundId: round.id,
      supplierId: a.org.id,
      textVersion: before.version,
      textSha256: before.sha256,
      textCurrent: true,
    });
    await post(a.token, '/credit/commitments', { version: before.version }).expect(201);

    const draft = newText();
    const published = await post(supervisor.token, '/credit/commitment-texts', {
      ...draft,
      body: `\n  ${draft.body}  \n`,
    }).expect(201);
    // Stored trimmed; the digest is of the words stored.
    expect(published.body).toEqual({
      version: draft.version,
      title: draft.title,
      body: draft.body,
      sha256: sha256(draft.body),
      publishedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      publishedBy: supervisor.user.id,
      current: true,
    });
    const v2 = published.body as TextView;

    expect(await current()).toEqual(v2);
    const legacy = await get(a.token, '/credit/commitment-text').expect(200);
    expect(legacy.body).toEqual(v2);
    const all = await history();
    expect(all.slice(0, 2)).toEqual([v2, { ...before, current: false }]);
    expect(all.filter((v) => v.current).map((v) => v.version)).toEqual([v2.version]);

    const events = await get(
      cast.auditor.token,
      `/audit/events?entityType=credit_commitment_text&actorId=${supervisor.user.id}`,
    ).expect(200);
    expect(events.body.items).toEqual([
      expect.objectContaining({
        action: 'credit_commitment_text.published',
        before: { version: before.version, sha256: before.sha256 },
        after: { version: v2.version, title: v2.title, sha256: v2.sha256 },
      }),
    ]);

    // Supplier b read the earlier text: its signature is refused until it signs the new one.
    expectError(
      await post(b.token, `/procurement/rounds/${round.id}/commitment`, {
        version: before.version,
      }),
      409,
      'PROCUREMENT.COMMITMENT_TEXT_OUTDATED',
      'version',
      v2.version,
    );
    expectError(
      await post(b.token, `/procurement/rounds/${round.id}/commitment`, { version: 'no such!' }),
      400,
      'COMMON.VALIDATION_FAILED',
      'version',
    );
    await get(b.token, `/procurement/rounds/${round.id}/commitment`).expect(404);
    const signedB = await post(b.token, `/procurement/rounds/${round.id}/commitment`, {
      version: v2.version,
    }).expect(201);
    expect(signedB.body).toMatchObject({
      supplierId: b.org.id,
      textVersion: v2.version,
      textSha256: v2.sha256,
      textCurrent: true,
    });
    // Without a version, the signature takes the one in force.
    const signedC = await post(c.token, `/procurement/rounds/${round.id}/commitment`).expect(201);
    expect(signedC.body).toMatchObject({ textVersion: v2.version, textCurrent: true });

    // Supplier a's signature still names the earlier version, and signing again answers it.
    const mine = await get(a.token, `/procurement/rounds/${round.id}/commitment`).expect(200);
    expect(mine.body).toEqual({
      ...(signedA.body as object),
      textVersion: before.version,
      textSha256: before.sha256,
      textCurrent: false,
    });
    const again = await post(a.token, `/procurement/rounds/${round.id}/commitment`).expect(201);
    expect(again.body).toEqual(mine.body);
    // A retry naming the version it signed answers that signature too; a round is signed once.
    const retried = await post(a.token, `/procurement/rounds/${round.id}/commitment`, {
      version: before.version,
    }).expect(201);
    expect(retried.body).toEqual(mine.body);
    expectError(
      await post(a.token, `/procurement/rounds/${round.id}/commitment`, { version: v2.version }),
      409,
      'PROCUREMENT.COMMITMENT_ALREADY_SIGNED',
      'version',
      before.version,
    );

    // The general commitment: a retry of the earlier version answers its signature, no longer
    // in force; an unsigned earlier version is not signable; the new one is signed anew.
    const retriedGeneral = await post(a.token, '/credit/commitments', {
      version: before.version,
    }).expect(201);
    expect(retriedGeneral.body).toMatchObject({
      textVersion: before.version,
      textCurrent: false,
    });
    expectError(
      await post(b.token, '/credit/commitments', { version: before.version }),
      404,
      'CREDIT.COMMITMENT_TEXT_NOT_FOUND',
      v2.version,
    );
    const general = await post(a.token, '/credit/commitments', { version: v2.version }).expect(201);
    expect(general.body).toMatchObject({ textVersion: v2.version, textCurrent: true });

    const listed = await get(supervisor.token, `/credit/suppliers/${a.org.id}/commitments`).expect(
      200,
    );
    expect(listed.body).toEqual({
      supplierId: a.org.id,
      general: [
        expect.objectContaining({
          textVersion: before.version,
          textSha256: before.sha256,
          textCurrent: false,
        }),
        expect.objectContaining({ textVersion: v2.version, textCurrent: true }),
      ],
      rounds: [
        {
          roundId: round.id,
          roundCode: round.code,
          roundName: expect.stringContaining('阿托伐他汀'),
          textVersion: before.version,
          textSha256: before.sha256,
          textCurrent: false,
          signedBy: (signedA.body as { signedBy: string }).signedBy,
          signedAt: (signedA.body as { signedAt: string }).signedAt,
        },
      ],
    });
    const ofB = await get(b.token, `/credit/suppliers/${b.org.id}/commitments`).expect(200);
    expect(ofB.body).toMatchObject({
      general: [],
      rounds: [{ roundId: round.id, textVersion: v2.version, textCurrent: true }],
    });

    // The earlier version's signature still admits supplier a to bidding.
    clock.passes(round.timeline.demandClosesAt);
    await transition(t, cast.officer.token, round.id, 'close_demand');
    clock.passes(round.timeline.biddingOpensAt);
    await transition(t, cast.officer.token, round.id, 'open_bidding');
    await post(a.token, `/procurement/rounds/${round.id}/bids`, {
      lotId: lot.id,
      productId: a.product.id,
      packPrice: '10.50',
      capacity: '100000',
      preferredRegions: [],
    }).expect(201);
  });

  it.each<[string, object, number, string, string[]]>([
    [
      'nothing',
      { version: undefined, title: undefined, body: undefined },
      400,
      'COMMON.VALIDATION_FAILED',
      ['version', 'title', 'body'],
    ],
    ['no body', { body: undefined }, 400, 'COMMON.VALIDATION_FAILED', ['body']],
    ['a blank body', { body: ' \n\t ' }, 400, 'COMMON.VALIDATION_FAILED', ['body']],
    ['a body that is no string', { body: 42 }, 400, 'COMMON.VALIDATION_FAILED', ['body']],
    [
      'a body over 20 000 characters',
      { body: '诚'.repeat(20_001) },
      400,
      'COMMON.VALIDATION_FAILED',
      ['body', '20000'],
    ],
    ['a blank title', { title: '  ' }, 400, 'COMMON.VALIDATION_FAILED', ['title']],
    ['a long title', { title: 'x'.repeat(201) }, 400, 'COMMON.VALIDATION_FAILED', ['title']],
    ['a bad version', { version: '2026 版' }, 400, 'COMMON.VALIDATION_FAILED', ['version']],
    ['a long version', { version: 'v'.repeat(33) }, 400, 'COMMON.VALIDATION_FAILED', ['version']],
    ['an unknown field', { text: 'x' }, 400, 'COMMON.VALIDATION_FAILED', ['text']],
  ])('refuses a text with %s', async (_case, over, status, code, words) => {
    const before = await history();
    expectError(
      await post(supervisor.token, '/credit/commitment-texts', { ...newText(), ...over }),
      status,
      code,
      ...words,
    );
    expect(await history()).toEqual(before);
  });

  it('refuses a version already published and the words already in force', async () => {
    const before = await history();
    expectError(
      await post(supervisor.token, '/credit/commitment-texts', {
        ...newText(),
        version: SEED_COMMITMENT_TEXT.version,
      }),
      409,
      'CREDIT.COMMITMENT_TEXT_VERSION_TAKEN',
      'version',
      SEED_COMMITMENT_TEXT.version,
    );
    expectError(
      await post(supervisor.token, '/credit/commitment-texts', {
        ...newText(),
        body: `${before[0].body}\n`,
      }),
      409,
      'CREDIT.COMMITMENT_TEXT_UNCHANGED',
      'body',
      before[0].version,
    );
    expect(await history()).toEqual(before);
  });

  it('lets only supervisors publish, and anyone signed in read', async () => {
    const before = await history();
    const others = {
      admin,
      procurement_officer: cast.officer.token,
      auditor: cast.auditor.token,
      hospital_user: cast.hospitals[0].token,
      supplier_user: cast.suppliers[0].token,
    };
    for (const token of Object.values(others))
      expectError(
        await post(token, '/credit/commitment-texts', newText()),
        403,
        'COMMON.FORBIDDEN',
        'supervisor',
      );
    const anonymous = await t.http().post(api('/credit/commitment-texts')).send(newText());
    expect(anonymous.status).toBe(401);
    await t.http().get(api('/credit/commitment-texts')).expect(401);
    for (const token of [...Object.values(others), supervisor.token]) {
      await get(token, '/credit/commitment-texts/current').expect(200);
      await get(token, '/credit/commitment-texts').expect(200);
    }
    expect(await history()).toEqual(before);
  });
});

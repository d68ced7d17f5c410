import { randomInt } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import {
  acceptedDelivery,
  approveStatement,
  makeSettlementCast,
  payStatement,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { openAccount } from '../factories/settlement';
import { downloadTemplate, fillSheet, loadWorkbook, settled, upload } from '../imports/workbooks';
import { bearer, binary, startApp, TestApp, uniq } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const KIND = 'settlement.bank-results';
const SHEET = '回盘 Results';
/** Well-formed 统一社会信用代码 unique to this run (the column is unique across a shared database). */
const creditCode = () =>
  `9132${String(randomInt(0, 10_000)).padStart(4, '0')}${uniq(10).replace(/[IOSVZ]/g, 'A')}`;
const CREDIT_CODES = [creditCode(), creditCode()];

interface Json {
  [key: string]: unknown;
}

/**
 * §S3.5 the bank batch over HTTP. Two approved statements are paid without a bank reference:
 * A 414.05 (10 + 3 packs × 31.85) and B 637.00 (20 × 31.85), so the fund owes both suppliers.
 * The first instruction file (xlsx) carries both; the bank pays A and refuses B; the next file
 * (csv) carries B again, and the bank pays it. The fund starts at 2000.00 (credited to the
 * hospital) and ends at 2000.00 − 414.05 − 637.00 = 948.95.
 */
describe('settlement bank batches', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let other: SettlementCast;
  let statementA: string;
  let statementB: string;
  let firstBatch: string;
  let firstResults: Buffer;

  const api = statementsApi;
  const officer = () => cast.officers[0].token;
  const get = (token: string, path: string, expected: number) =>
    t.http().get(api(path)).set(bearer(token)).expect(expected);
  const instruct = (token: string, query: string, expected: number) =>
    t
      .http()
      .get(api(`/payment-instructions${query}`))
      .set(bearer(token))
      .buffer(true)
      .parse(binary)
      .expect(expected);
  const balanceOf = async (accountId: string) =>
    ((await get(officer(), `/accounts/${accountId}`, 200)).body as Json).balance;
  const payableOf = async (i: 0 | 1) =>
    balanceOf(
      (await openAccount(t, { type: 'supplier_payable', ownerId: cast.suppliers[i].org.id })).id,
    );
  const paymentOf = async (statementId: string) =>
    ((await get(officer(), `/payments?statementId=${statementId}`, 200)).body as { items: Json[] })
      .items[0];
  const ledgerOk = async () =>
    expect((await get(officer(), '/ledger/check', 200)).body).toMatchObject({ ok: true });
  const importResults = async (batchId: string, rows: unknown[][]) => {
    const template = await downloadTemplate(t, officer(), KIND, `?contextId=${batchId}`);
    const file = await fillSheet(template, SHEET, rows as never);
    const res = await upload(t, officer(), KIND, file, 'results.xlsx', `?contextId=${batchId}`);
    expect(res.status).toBe(202);
    return { file, done: (await settled(t, officer(), res.body.id as string)).body as Json };
  };

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-06-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    other = await makeSettlementCast(t);
    await acceptedDelivery(t, cast, cast.suppliers[0], ['10', '3']);
    await acceptedDelivery(t, cast, cast.suppliers[1], ['20']);
    clock.passes('2027-07-01T09:00:00+08:00');
    await t
      .http()
      .post(api('/statements/generate'))
      .set(bearer(officer()))
      .send({ period: '2027-06' })
      .expect(200);
    const list = await get(
      officer(),
      `/statements?period=2027-06&hospitalId=${cast.hospital.org.id}`,
      200,
    );
    const items = list.body.items as Array<{ id: string; supplierId: string }>;
    statementA = items.find((s) => s.supplierId === cast.suppliers[0].org.id)!.id;
    statementB = items.find((s) => s.supplierId === cast.suppliers[1].org.id)!.id;
    await t
      .http()
      .post(api('/journals'))
      .set(bearer(officer()))
      .set('Idempotency-Key', `credit-${cast.hospital.org.id}`)
      .send({
        memo: '医保结算 2027-06',
        lines: [
          { accountCode: cast.fund.code, debit: '2000.00' },
          { accountCode: cast.settlement.code, credit: '2000.00' },
        ],
      })
      .expect(201);
    // A formula in a payee name must reach the bank's files as text.
    await t.dataSource
      .getRepository(Organisation)
      .update({ id: cast.suppliers[0].org.id }, { name: '=HYPERLINK("http://x")' });
    for (const [i, creditCode] of CREDIT_CODES.entries())
      await t.dataSource
        .getRepository(Organisation)
        .update({ id: cast.suppliers[i].org.id }, { creditCode });
  });
  afterAll(() => t.close());

  it('refuses an empty batch, and non fund officers', async () => {
    const empty = await instruct(officer(), '', 409);
    expect(JSON.parse((empty.body as Buffer).toString('utf8'))).toMatchObject({
      code: 'SETTLEMENT.BANK_BATCH_EMPTY',
    });
    await instruct(cast.hospital.token, '', 403);
    await instruct(cast.auditor.token, '', 403);
    await instruct(officer(), '?format=pdf', 400);
    await instruct(officer(), '?status=paid', 400);
  });

  it('exports the instructed payments as an xlsx batch whose hash is recorded', async () => {
    for (const [id, supplier] of [
      [statementA, 0],
      [statementB, 1],
    ] as const) {
      await approveStatement(t, cast, id, cast.suppliers[supplier]);
      await payStatement(t, officer(), id, `pay-${id}`);
    }
    // Instructed: the fund owes the suppliers; the fund's money has not moved.
    expect(await payableOf(0)).toBe('414.05');
    expect(await payableOf(1)).toBe('637.00');
    expect(await balanceOf(cast.fund.id)).toBe('2000.00');

    const res = await instruct(officer(), '?status=instructed&format=xlsx', 200);
    const body = res.body as Buffer;
    expect(res.headers['content-type']).toContain('spreadsheetml');
    firstBatch = res.headers['x-bank-batch-id'];
    const sha = createHash('sha256').update(body).digest('hex');
    expect(res.headers['x-file-sha256']).toBe(sha);
    const sheet = (await loadWorkbook(body)).worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const paymentA = await paymentOf(statementA);
    const paymentB = await paymentOf(statementB);
    const code = (id: unknown) => `ZF${String(id).padStart(8, '0')}`;
    expect(rows[0][0]).toBe('支付编号 Payment code');
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      [code(paymentA.id), `'=HYPERLINK("http://x")`, CREDIT_CODES[0], '414.05'],
      [code(paymentB.id), cast.suppliers[1].org.name, CREDIT_CODES[1], '637.00'],
    ]);
    expect(String(rows[1][6])).toMatch(/^集采货款 2027-06 JS202706-/);

    const batch = (await get(officer(), `/payment-batches/${firstBatch}`, 200)).body as Json;
    expect(batch).toMatchObject({
      format: 'xlsx',
      status: 'open',
      paymentCount: 2,
      totalAmount: '1051.05',
      fileSha256: sha,
    });
    // Both payments now await the bank in this batch: no second file takes them.
    await instruct(officer(), '', 409);
  });

  it('imports the bank’s results all or nothing: paid clears the payable, failed keeps it', async () => {
    clock.passes('2027-07-03T09:00:00+08:00');
    const paymentA = await paymentOf(statementA);
    const paymentB = await paymentOf(statementB);
    const code = (id: unknown) => `ZF${String(id).padStart(8, '0')}`;
    // A broken file writes nothing.
    const bad = await importResults(firstBatch, [
      [code(paymentA.id), 'paid', 'BOC-0702-1', '2027-07-02', null],
      [code(paymentB.id), 'paid', null, '2027-07-02', null],
      ['ZF99999999', 'failed', null, null, 'x'],
      [code(paymentA.id), 'failed', null, null, 'dup'],
      [code(paymentA.id).slice(0, 3), 'lost', null, '2027-07-40', null],
    ]);
    expect(bad.done).toMatchObject({ status: 'failed_validation', rowsWritten: 0 });
    expect((bad.done.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
      [3, 'bankReference'],
      [4, 'paymentCode'],
      [5, 'paymentCode'],
      [6, 'paymentCode'],
      [6, 'result'],
    ]);
    expect(await payableOf(0)).toBe('414.05');

    const good = await importResults(firstBatch, [
      [code(paymentA.id), 'paid', 'BOC-0702-1', '2027-07-02', null],
      [code(paymentB.id), 'FAILED', null, null, '收款账户名称不符'],
    ]);
    firstResults = good.file;
    expect(good.done).toMatchObject({ status: 'committed', rowsWritten: 2, problems: [] });
    // A: Dr payable 414.05 / Cr fund 414.05 → payable 0.00, fund 2000.00 − 414.05 = 1585.95.
    expect(await payableOf(0)).toBe('0.00');
    expect(await balanceOf(cast.fund.id)).toBe('1585.95');
    // B failed: no journal, the fund still owes the supplier.
    expect(await payableOf(1)).toBe('637.00');
    expect(await paymentOf(statementA)).toMatchObject({
      status: 'paid',
      bankReference: 'BOC-0702-1',
      paidAt: '2027-07-01T16:00:00.000Z',
    });
    expect(await paymentOf(statementB)).toMatchObject({ status: 'failed', bankReference: null });
    const batch = (await get(officer(), `/payment-batches/${firstBatch}`, 200)).body as Json;
    expect(batch.status).toBe('closed');
    expect(
      (batch.items as Json[]).map((i) => [i.result, i.bankReference, i.failureReason]),
    ).toEqual([
      ['paid', 'BOC-0702-1', null],
      ['failed', null, '收款账户名称不符'],
    ]);
    await ledgerOk();
  });

  it('refuses the same file twice, and a different reference for a paid payment', async () => {
    const again = await upload(
      t,
      officer(),
      KIND,
      firstResults,
      'results.xlsx',
      `?contextId=${firstBatch}`,
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('IMPORTS.DUPLICATE_FILE');
    const paymentA = await paymentOf(statementA);
    const paymentB = await paymentOf(statementB);
    const code = (id: unknown) => `ZF${String(id).padStart(8, '0')}`;
    const conflict = await importResults(firstBatch, [
      [code(paymentA.id), 'paid', 'BOC-OTHER', '2027-07-02', null],
      [code(paymentB.id), 'paid', 'BOC-0702-2', '2027-07-02', null],
    ]);
    expect(conflict.done).toMatchObject({ status: 'failed_validation' });
    expect((conflict.done.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
      [2, 'bankReference'],
      [3, 'result'],
    ]);
    // The same answers again change nothing.
    const same = await importResults(firstBatch, [
      [code(paymentA.id), 'paid', 'BOC-0702-1', '2027-07-02', null],
      [code(paymentB.id), 'failed', null, null, '收款账户名称不符'],
    ]);
    expect(same.done).toMatchObject({ status: 'committed' });
    expect(await balanceOf(cast.fund.id)).toBe('1585.95');
  });

  it('retries a failed payment in the next batch, as csv', async () => {
    const res = await instruct(officer(), '?format=csv', 200);
    const body = res.body as Buffer;
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['x-file-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    const text = body.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n');
    const paymentB = await paymentOf(statementB);
    expect(lines).toHaveLength(2);
    expect(lines[0].split(',')[0]).toBe('支付编号 Payment code');
    expect(lines[1].split(',').slice(0, 5)).toEqual([
      `ZF${String(paymentB.id).padStart(8, '0')}`,
      cast.suppliers[1].org.name,
      CREDIT_CODES[1],
      cast.suppliers[1].org.code,
      '637.00',
    ]);
    const batchId = res.headers['x-bank-batch-id'];
    expect(batchId).not.toBe(firstBatch);
    clock.passes('2027-07-05T09:00:00+08:00');
    const future = await importResults(batchId, [
      [`ZF${String(paymentB.id).padStart(8, '0')}`, 'paid', 'BOC-0705-1', '2027-07-06', null],
    ]);
    expect((future.done.problems as Json[]).map((p) => p.column)).toEqual(['paidDate']);
    const done = await importResults(batchId, [
      [`ZF${String(paymentB.id).padStart(8, '0')}`, 'paid', 'BOC-0705-1', '2027-07-05', null],
    ]);
    expect(done.done).toMatchObject({ status: 'committed' });
    // Fund: 1585.95 − 637.00 = 948.95; both payables cleared.
    expect(await payableOf(1)).toBe('0.00');
    expect(await balanceOf(cast.fund.id)).toBe('948.95');
    expect(await paymentOf(statementB)).toMatchObject({
      status: 'paid',
      bankReference: 'BOC-0705-1',
    });
    await ledgerOk();
  });

  it('keeps batches to their authority', async () => {
    const outsider = other.officers[0].token;
    const res = await get(outsider, `/payment-batches/${firstBatch}`, 404);
    expect(res.body.code).toBe('SETTLEMENT.BANK_BATCH_NOT_FOUND');
    const template = await t
      .http()
      .get(`/api/v1/imports/templates/${KIND}?contextId=${firstBatch}`)
      .set(bearer(outsider))
      .expect(404);
    expect(template.body.code).toBe('SETTLEMENT.BANK_BATCH_NOT_FOUND');
    await t.http().get(`/api/v1/imports/templates/${KIND}`).set(bearer(officer())).expect(400);
    await t
      .http()
      .get(`/api/v1/imports/templates/${KIND}?contextId=${firstBatch}`)
      .set(bearer(cast.hospital.token))
      .expect(403);
    // Nothing of the other authority's scope awaits the bank.
    await instruct(outsider, '', 409);
  });

  it('lists disputes by status in the caller’s scope', async () => {
    await acceptedDelivery(t, cast, cast.suppliers[1], ['2', '4']);
    clock.passes('2027-08-01T09:00:00+08:00');
    await t
      .http()
      .post(api('/statements/generate'))
      .set(bearer(officer()))
      .send({ period: '2027-07' })
      .expect(200);
    const list = await get(
      officer(),
      `/statements?period=2027-07&hospitalId=${cast.hospital.org.id}`,
      200,
    );
    const statement = (list.body.items as Json[])[0];
    const detail = (await get(officer(), `/statements/${String(statement.id)}`, 200)).body as Json;
    const lines = detail.lines as Json[];
    const dispute = async (lineId: unknown) =>
      (
        await t
          .http()
          .post(api(`/statements/${String(statement.id)}/lines/${String(lineId)}/dispute`))
          .set(bearer(cast.hospital.token))
          .send({ reason: '数量与验收单不符' })
          .expect(201)
      ).body as Json;
    const first = await dispute(lines[0].id);
    const second = await dispute(lines[1].id);
    await t
      .http()
      .post(api(`/disputes/${String(second.id)}/resolve`))
      .set(bearer(officer()))
      .send({ outcome: 'reject', note: '核实无误' })
      .expect(200);
    const ids = async (token: string, query: string) =>
      ((await get(token, `/disputes${query}`, 200)).body.items as Json[]).map((d) => d.id);
    const mine = `&hospitalId=${cast.hospital.org.id}`;
    expect(await ids(officer(), `?status=open${mine}`)).toEqual([first.id]);
    expect(await ids(officer(), `?status=resolved${mine}`)).toEqual([second.id]);
    expect(await ids(officer(), `?period=2027-07${mine}`)).toEqual([first.id, second.id]);
    expect(await ids(officer(), `?period=2027-06${mine}`)).toEqual([]);
    expect(await ids(cast.suppliers[1].token, '')).toEqual([first.id, second.id]);
    expect(await ids(cast.suppliers[0].token, '')).toEqual([]);
    expect(await ids(other.officers[0].token, `?supplierId=${cast.suppliers[1].org.id}`)).toEqual(
      [],
    );
    const page = (await get(officer(), `/disputes?status=open${mine}`, 200)).body as Json;
    expect(page).toMatchObject({ total: 1 });
    expect((page.items as Json[])[0]).toMatchObject({
      statementId: statement.id,
      period: '2027-07',
      supplierId: cast.suppliers[1].org.id,
      amount: expect.any(String),
    });
    await get(officer(), '/disputes?status=pending', 400);
    await get(cast.auditor.token, '/disputes', 200);
  });
});

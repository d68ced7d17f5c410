import { createHash } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import {
  acceptedDelivery,
  approveStatement,
  makeSettlementCast,
  payStatement,
  SettlementCast,
  statementsApi,
} from '../factories/statements';
import { downloadTemplate, fillSheet, settled, upload } from '../imports/workbooks';
import { bearer, binary, startApp, TestApp } from '../setup/test-app';
import { TestClock } from '../setup/test-clock';

const KIND = 'settlement.bank-results';
const SHEET = '回盘 Results';

type Json = Record<string, unknown>;

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
const code = (id: unknown) => `ZF${String(id).padStart(8, '0')}`;

/**
 * §S3.5 managing instruction batches: list them, download a batch's file again (the same bytes
 * and hash), cancel one the bank has not answered — its payments go in the next file and no
 * result file may answer it — and refuse to cancel one the bank has answered.
 */
describe('settlement bank batches: list, re-download, cancel', () => {
  let t: TestApp;
  let clock: TestClock;
  let cast: SettlementCast;
  let other: SettlementCast;
  let payments: string[];
  let first: { id: string; body: Buffer };
  let second: { id: string; body: Buffer };

  const api = statementsApi;
  const officer = () => cast.officers[0].token;
  const get = (token: string, path: string, expected: number) =>
    t.http().get(api(path)).set(bearer(token)).expect(expected);
  const post = (token: string, path: string, body: object, expected: number) =>
    t.http().post(api(path)).set(bearer(token)).send(body).expect(expected);
  const download = (token: string, path: string, expected: number) =>
    t.http().get(api(path)).set(bearer(token)).buffer(true).parse(binary).expect(expected);
  const errorOf = (res: { body: unknown }) =>
    (JSON.parse((res.body as Buffer).toString('utf8')) as Json).code;
  const instruct = async (format: 'xlsx' | 'csv') => {
    const res = await download(officer(), `/payment-instructions?format=${format}`, 200);
    return { id: res.headers['x-bank-batch-id'], body: res.body as Buffer };
  };
  const batchIds = async (query: string, token = officer()) =>
    ((await get(token, `/payment-batches${query}`, 200)).body.items as Json[]).map((b) => b.id);
  const auditActions = async (batchId: string) =>
    (
      (
        await t
          .http()
          .get(`/api/v1/audit/events?entityType=bank_batch&entityId=${batchId}`)
          .set(bearer(cast.auditor.token))
          .expect(200)
      ).body.items as Array<{ action: string }>
    ).map((e) => e.action);

  beforeAll(async () => {
    clock = new TestClock();
    t = await startApp(
      { RECONCILIATION_CHECK_SECONDS: '86400' },
      { providers: [{ provide: Clock, useValue: clock }] },
    );
    clock.passes('2027-06-10T10:00:00+08:00');
    cast = await makeSettlementCast(t);
    other = await makeSettlementCast(t);
    await acceptedDelivery(t, cast, cast.suppliers[0], ['10']);
    await acceptedDelivery(t, cast, cast.suppliers[1], ['20']);
    clock.passes('2027-07-01T09:00:00+08:00');
    await post(officer(), '/statements/generate', { period: '2027-06' }, 200);
    const list = await get(
      officer(),
      `/statements?period=2027-06&hospitalId=${cast.hospital.org.id}`,
      200,
    );
    payments = [];
    for (const s of list.body.items as Array<{ id: string; supplierId: string }>) {
      const supplier = cast.suppliers.find((p) => p.org.id === s.supplierId)!;
      await approveStatement(t, cast, s.id, supplier);
      const paid = await payStatement(t, officer(), s.id, `batches-${s.id}`);
      payments.push(String(paid.id));
    }
    payments.sort((a, b) => Number(a) - Number(b));
    first = await instruct('xlsx');
  });
  afterAll(() => t.close());

  it('downloads a batch’s file again, byte for byte, with its recorded hash', async () => {
    const again = await download(officer(), `/payment-batches/${first.id}/file`, 200);
    expect(Buffer.compare(again.body as Buffer, first.body)).toBe(0);
    expect(again.headers['x-file-sha256']).toBe(sha256(first.body));
    expect(again.headers['x-bank-batch-id']).toBe(first.id);
    expect(again.headers['content-type']).toContain('spreadsheetml');
    expect((await get(officer(), `/payment-batches/${first.id}`, 200)).body).toMatchObject({
      fileSha256: sha256(first.body),
    });
    expect(await auditActions(first.id)).toContain('bank_batch.downloaded_again');

    expect(
      errorOf(await download(other.officers[0].token, `/payment-batches/${first.id}/file`, 404)),
    ).toBe('SETTLEMENT.BANK_BATCH_NOT_FOUND');
    await download(cast.hospital.token, `/payment-batches/${first.id}/file`, 403);
  });

  it('refuses to cancel without a reason, for others, or elsewhere', async () => {
    const blank = await post(
      officer(),
      `/payment-batches/${first.id}/cancel`,
      { reason: '  ' },
      400,
    );
    expect(blank.body.code).toBe('SETTLEMENT.BANK_BATCH_CANCEL_REASON_REQUIRED');
    await post(officer(), `/payment-batches/${first.id}/cancel`, {}, 400);
    await post(cast.hospital.token, `/payment-batches/${first.id}/cancel`, { reason: 'x' }, 403);
    const elsewhere = await post(
      other.officers[0].token,
      `/payment-batches/${first.id}/cancel`,
      { reason: 'x' },
      404,
    );
    expect(elsewhere.body.code).toBe('SETTLEMENT.BANK_BATCH_NOT_FOUND');
    const unknown = await post(
      officer(),
      '/payment-batches/999999999/cancel',
      { reason: 'x' },
      404,
    );
    expect(unknown.body.code).toBe('SETTLEMENT.BANK_BATCH_NOT_FOUND');
  });

  it('cancels a batch the bank has not answered: its payments go in the next file', async () => {
    const cancelled = await post(
      officer(),
      `/payment-batches/${first.id}/cancel`,
      { reason: '收款账户信息待更正' },
      200,
    );
    expect(cancelled.body).toMatchObject({
      id: first.id,
      status: 'cancelled',
      cancelledBy: expect.any(String),
      cancelReason: '收款账户信息待更正',
      cancelledAt: expect.any(String),
    });
    expect((cancelled.body.items as Json[]).map((i) => [i.paymentId, i.result])).toEqual(
      payments.map((p) => [p, 'cancelled']),
    );
    // Again: the same answer, nothing more recorded.
    const again = await post(
      officer(),
      `/payment-batches/${first.id}/cancel`,
      { reason: 'y' },
      200,
    );
    expect(again.body).toMatchObject({ status: 'cancelled', cancelReason: '收款账户信息待更正' });
    expect((await auditActions(first.id)).filter((a) => a === 'bank_batch.cancelled')).toHaveLength(
      1,
    );

    // Its file is not handed out again; no result file may answer it.
    expect(errorOf(await download(officer(), `/payment-batches/${first.id}/file`, 409))).toBe(
      'SETTLEMENT.BANK_BATCH_CANCELLED',
    );
    const template = await t
      .http()
      .get(`/api/v1/imports/templates/${KIND}?contextId=${first.id}`)
      .set(bearer(officer()))
      .buffer(true)
      .parse(binary)
      .expect(409);
    expect(errorOf(template)).toBe('SETTLEMENT.BANK_BATCH_CANCELLED');

    // Both payments are in the next file.
    second = await instruct('csv');
    expect(second.id).not.toBe(first.id);
    const lines = second.body.toString('utf8').trim().split(/\r?\n/).slice(1);
    expect(lines.map((l) => l.split(',')[0].replace(/"/g, ''))).toEqual(payments.map(code));
  });

  it('refuses a result file for a cancelled batch, and cancelling a batch the bank answered', async () => {
    // A result file made for the second batch, sent as the first (cancelled) batch's answer.
    const template = await downloadTemplate(t, officer(), KIND, `?contextId=${second.id}`);
    const file = await fillSheet(template, SHEET, [
      [code(payments[0]), 'paid', 'BOC-0702-9', '2027-07-01', null],
    ] as never);
    const refused = await upload(
      t,
      officer(),
      KIND,
      file,
      'results.xlsx',
      `?contextId=${first.id}`,
    );
    expect({ status: refused.status, code: (refused.body as Json).code }).toEqual({
      status: 409,
      code: 'SETTLEMENT.BANK_BATCH_CANCELLED',
    });

    const res = await upload(t, officer(), KIND, file, 'results.xlsx', `?contextId=${second.id}`);
    expect(res.status).toBe(202);
    expect((await settled(t, officer(), (res.body as Json).id as string)).body).toMatchObject({
      status: 'committed',
    });
    const answered = await post(
      officer(),
      `/payment-batches/${second.id}/cancel`,
      { reason: 'x' },
      409,
    );
    expect(answered.body.code).toBe('SETTLEMENT.BANK_BATCH_HAS_RESULTS');
    expect((await get(officer(), `/payment-batches/${second.id}`, 200)).body).toMatchObject({
      status: 'open',
      cancelledAt: null,
    });
  });

  it('lists batches by status and creation date, paged, in the caller’s organisation', async () => {
    expect(await batchIds('')).toEqual([first.id, second.id]);
    expect(await batchIds('?order=desc')).toEqual([second.id, first.id]);
    expect(await batchIds('?status=cancelled')).toEqual([first.id]);
    expect(await batchIds('?status=open')).toEqual([second.id]);
    expect(await batchIds('?status=closed')).toEqual([]);
    // Both were made on 1 July 2027, China time.
    expect(await batchIds('?from=2027-07-01&to=2027-07-01')).toEqual([first.id, second.id]);
    expect(await batchIds('?from=2027-07-02')).toEqual([]);
    expect(await batchIds('?to=2027-06-30')).toEqual([]);
    const paged = (await get(officer(), '/payment-batches?pageSize=1&page=2', 200)).body as Json;
    expect(paged).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect((paged.items as Json[]).map((b) => b.id)).toEqual([second.id]);
    expect((paged.items as Json[])[0]).toMatchObject({
      format: 'csv',
      paymentCount: 2,
      fileSha256: sha256(second.body),
    });
    expect((paged.items as Json[])[0]).not.toHaveProperty('items');
    expect(await batchIds('', other.officers[0].token)).toEqual([]);

    for (const [query, field] of [
      ['?from=2027-02-30', 'from'],
      ['?to=July', 'to'],
      ['?from=2027-07-02&to=2027-07-01', 'to'],
    ]) {
      const bad = await get(officer(), `/payment-batches${query}`, 400);
      expect(bad.body).toMatchObject({ code: 'SETTLEMENT.BANK_BATCH_QUERY_INVALID' });
      expect(bad.body.message).toContain(field);
    }
    await get(officer(), '/payment-batches?status=lost', 400);
    await get(cast.auditor.token, '/payment-batches', 403);
  });

  it('refuses to hand out a file it no longer holds or whose bytes changed', async () => {
    await t.dataSource.query('UPDATE settlement_bank_batch_files SET body = ? WHERE batch_id = ?', [
      Buffer.from('tampered'),
      second.id,
    ]);
    const changed = await download(officer(), `/payment-batches/${second.id}/file`, 409);
    expect(errorOf(changed)).toBe('SETTLEMENT.BANK_BATCH_FILE_UNAVAILABLE');
    await t.dataSource.query('DELETE FROM settlement_bank_batch_files WHERE batch_id = ?', [
      second.id,
    ]);
    const missing = await download(officer(), `/payment-batches/${second.id}/file`, 409);
    expect(errorOf(missing)).toBe('SETTLEMENT.BANK_BATCH_FILE_UNAVAILABLE');
  });
});

import { AuditContent, chainHash, ChainedRow, GENESIS_HASH, verifySegment } from './audit-chain';

function content(id: number, action = 'x.created'): AuditContent {
  return {
    id: String(id),
    occurredAt: '2026-01-01T00:00:00.000Z',
    actorKind: 'user',
    actorId: '1',
    actorName: 'admin',
    orgId: '1',
    action,
    entityType: 'thing',
    entityId: String(id),
    before: null,
    after: '{"a":1}',
    requestId: 'req-1',
  };
}

function chain(n: number): ChainedRow[] {
  const rows: ChainedRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const c = content(i);
    const hash = chainHash(prev, c);
    rows.push({ ...c, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit chain', () => {
  const start = { id: '0', hash: GENESIS_HASH };

  it('accepts an intact chain and returns its last link', () => {
    const rows = chain(5);
    const result = verifySegment(rows, start);
    expect(result.broken).toBeNull();
    expect(result.last).toEqual({ id: '5', hash: rows[4].hash });
  });

  it('hash depends on every field and on the previous hash', () => {
    const c = content(1);
    const base = chainHash(GENESIS_HASH, c);
    expect(chainHash('1'.repeat(64), c)).not.toBe(base);
    for (const key of Object.keys(c) as (keyof AuditContent)[]) {
      const changed = { ...c, [key]: `${String(c[key])}!` };
      expect(chainHash(GENESIS_HASH, changed)).not.toBe(base);
    }
  });

  it.each([
    ['edited content', (rows: ChainedRow[]) => (rows[2].after = '{"a":2}'), '3', 'hash_mismatch'],
    [
      'recomputed hash of an edited row',
      (rows: ChainedRow[]) => {
        rows[2].after = '{"a":2}';
        const { prevHash: _p, hash: _h, ...c } = rows[2];
        rows[2].hash = chainHash(rows[2].prevHash, c);
      },
      '4',
      'prev_hash_mismatch',
    ],
    ['deleted row', (rows: ChainedRow[]) => rows.splice(1, 1), '3', 'sequence_gap'],
  ])('names the first broken link after %s', (_name, tamper, id, reason) => {
    const rows = chain(5);
    tamper(rows);
    const { broken } = verifySegment(rows, start);
    expect(broken).toMatchObject({ id, reason });
  });
});

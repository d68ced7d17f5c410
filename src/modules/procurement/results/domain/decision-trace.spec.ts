import { presetParameters } from '../../selection/domain/rule-set';
import { ENGINE_VERSION } from '../../selection/domain/select';
import { DecisionTrace, replay, runTrace, traceDigest } from './decision-trace';

function bid(id: string, supplierId: string, packPrice: string, submittedAt: string) {
  return {
    id,
    bidId: id.slice(1),
    productId: `p${id}`,
    supplierId,
    packPrice,
    packSize: 7,
    strength: '20',
    strengthUnit: 'mg',
    dosageForm: 'tablet',
    submittedAt,
    capacity: '1000.000',
  };
}

function trace(): DecisionTrace {
  const input: Omit<DecisionTrace, 'output' | 'engineVersion'> = {
    round: { id: '1', code: 'R2026-0001' },
    lot: { id: '2', code: 'L001' },
    ruleSet: { id: '3', name: 'national-batch-10', version: 1, sha256: 'x'.repeat(64) },
    lotOverrides: null,
    parameters: presetParameters('national-batch-10'),
    lotInput: {
      maxValidUnitPrice: '3.000000',
      representative: { strength: '20', strengthUnit: 'mg', dosageForm: 'tablet' },
      dosageFormClass: 'oral_solid',
    },
    bids: [
      bid('B1', 's1', '10.5000', '2026-01-01T08:00:00.000Z'),
      bid('B2', 's2', '14.0000', '2026-01-01T08:00:01.000Z'),
      bid('B3', 's3', '17.5000', '2026-01-01T08:00:02.000Z'),
    ],
    revivalAnswers: { B3: true },
    excluded: [],
  };
  return { engineVersion: ENGINE_VERSION, ...input, output: runTrace(input) };
}

describe('decision trace replay (§P7)', () => {
  it('reproduces a stored result, revival answers included', () => {
    const stored = trace();
    // Batch 10: the highest bidder is excluded in the first pass and revives at 2.0.
    expect(stored.output.winners).toEqual(['B1', 'B2', 'B3']);
    expect(stored.output.bids[2]).toMatchObject({
      outcome: 'revived',
      awardedUnitComparablePrice: '2.000000',
    });
    expect(replay(stored)).toEqual({
      reproduced: true,
      storedEngineVersion: ENGINE_VERSION,
      storedOutputSha256: traceDigest(stored.output),
      replayedOutputSha256: traceDigest(stored.output),
      differingBids: [],
    });
  });

  it('survives a JSON round trip, as stored in the database', () => {
    const stored = JSON.parse(JSON.stringify(trace())) as DecisionTrace;
    expect(replay(stored).reproduced).toBe(true);
  });

  it.each<[string, (t: DecisionTrace) => void, string[]]>([
    ['an altered stored outcome', (t) => (t.output.bids[1].outcome = 'lost'), ['B2']],
    ['an altered input price', (t) => (t.bids[0].packPrice = '15.4000'), ['B1', 'B2', 'B3']],
    ['a dropped revival answer', (t) => (t.revivalAnswers = {}), ['B3']],
  ])('names the bids that differ after %s', (_, tamper, differing) => {
    const stored = trace();
    tamper(stored);
    const outcome = replay(stored);
    expect(outcome.reproduced).toBe(false);
    expect(outcome.differingBids).toEqual(differing);
  });
});

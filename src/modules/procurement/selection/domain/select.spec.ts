import { DomainError } from '../../../../common/errors/domain-error';
import { Decimal } from '../../../../database/decimal';
import { DosageFormClass } from '../../../catalog/products/domain/dosage-forms';
import { resolveRuleSet } from './rule-set';
import {
  BidInput,
  ENGINE_VERSION,
  LotInput,
  Outcome,
  SelectionResult,
  selectWinners,
} from './select';

/**
 * Unless a case says otherwise, every bid is one 10 mg tablet per pack against a 10 mg tablet
 * representative, so its pack price is its unit comparable price and the arithmetic in the
 * comments works on the prices as written.
 */

const T0 = Date.parse('2026-01-01T08:00:00Z');

function lot(maxValidUnitPrice = '10', dosageFormClass: DosageFormClass = 'oral_solid'): LotInput {
  return {
    maxValidUnitPrice,
    representative: { strength: '10', strengthUnit: 'mg', dosageForm: 'tablet' },
    dosageFormClass,
  };
}

interface BidOpts {
  supplier?: string;
  /** Minutes after T0. */
  at?: number;
  capacity?: string;
  revive?: boolean;
  packSize?: number;
  strength?: string;
  strengthUnit?: string;
  dosageForm?: string;
}

function bid(id: string, packPrice: string, o: BidOpts = {}): BidInput {
  return {
    id,
    supplierId: o.supplier ?? `s-${id}`,
    packPrice,
    packSize: o.packSize ?? 1,
    strength: o.strength ?? '10',
    strengthUnit: o.strengthUnit ?? 'mg',
    dosageForm: o.dosageForm ?? 'tablet',
    submittedAt: new Date(T0 + (o.at ?? 0) * 60_000),
    capacity: o.capacity ?? '1000',
    acceptsRevival: o.revive,
  };
}

type Row = [
  id: string,
  rank: number | null,
  outcome: Outcome,
  awarded: string | null,
  reasons: string[],
];

function rows(r: SelectionResult): Row[] {
  return r.bids.map((b) => [b.id, b.rank, b.outcome, b.awardedUnitComparablePrice, b.reasons]);
}

function run(
  preset: string,
  bids: BidInput[],
  overrides: Record<string, unknown> = {},
  l: LotInput = lot(),
) {
  return selectWinners(l, resolveRuleSet(preset, overrides), bids);
}

describe('§P11 example through the engine', () => {
  it('one 30 mg tablet bid of 200.00 per 7 wins on ratio and drop', () => {
    const r = selectWinners(
      {
        maxValidUnitPrice: '112.3267',
        representative: { strength: '30', strengthUnit: 'mg', dosageForm: 'tablet' },
        dosageFormClass: 'oral_solid',
      },
      resolveRuleSet('national-batch-7', { ratioToAnchor: '1.8' }),
      [bid('b1', '200.00', { supplier: 's1', packSize: 7, strength: '30', capacity: '1000000' })],
    );
    // 200.00 / 7 = 28.5714285… → 28.571429, the only valid price, so also the anchor.
    // ratio: 28.571429 ≤ 1.8 × 28.571429 ✓; drop: 28.571429 ≤ 112.3267 × (1 − 0.5) = 56.16335 ✓;
    // exemption: 28.571429 > 0.10 ✗. One valid bidder: no highest exclusion; cap 10.
    expect(r).toEqual({
      engineVersion: ENGINE_VERSION,
      anchorPrice: '28.571429',
      validBidders: 1,
      revivalPrice: null,
      bids: [
        {
          id: 'b1',
          supplierId: 's1',
          unitPrice: '28.571429',
          unitComparablePrice: '28.571429',
          valid: true,
          rank: 1,
          outcome: 'won',
          awardedUnitComparablePrice: '28.571429',
          reasons: ['ratio_to_anchor', 'drop_from_max'],
        },
      ],
      winners: ['b1'],
      agreedVolumeRatio: '0.5',
      termYears: 1,
    });
  });
});

describe('§P6.2 win conditions (national-batch-7, max 10)', () => {
  it('ratio, drop and highest exclusion, boundaries included', () => {
    // anchor = lowest = 2; ratio: ≤ 1.8 × 2 = 3.6; drop: ≤ 10 × (1 − 0.5) = 5.
    // All five qualify; 5 valid bidders → at most min(10, 5 − 1) = 4 win; the 5th is the highest.
    const r = run('national-batch-7', [
      bid('p2', '2'),
      bid('p3', '3'),
      bid('p36', '3.6'),
      bid('p4', '4'),
      bid('p5', '5'),
    ]);
    expect(r.anchorPrice).toBe('2.000000');
    expect(r.validBidders).toBe(5);
    expect(rows(r)).toEqual<Row[]>([
      ['p2', 1, 'won', '2.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['p3', 2, 'won', '3.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['p36', 3, 'won', '3.600000', ['ratio_to_anchor', 'drop_from_max']],
      ['p4', 4, 'won', '4.000000', ['drop_from_max']],
      ['p5', 5, 'lost', null, ['drop_from_max', 'highest_price_excluded']],
    ]);
    // 4 winners → 80 %, 3 years
    expect(r.winners).toEqual(['p2', 'p3', 'p36', 'p4']);
    expect([r.agreedVolumeRatio, r.termYears]).toEqual(['0.8', 3]);
  });

  it('a bid meeting no condition does not qualify', () => {
    // anchor 2: ratio ≤ 3.6 holds for 2 only; drop ≤ 5 for 2 and 3.61; 5.01 and 6 meet nothing.
    const r = run('national-batch-7', [
      bid('a', '2'),
      bid('b', '3.61'),
      bid('c', '5.01'),
      bid('d', '6'),
    ]);
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['b', 2, 'won', '3.610000', ['drop_from_max']],
      ['c', 3, 'lost', null, ['not_qualifying']],
      ['d', 4, 'lost', null, ['not_qualifying']],
    ]);
    // 2 winners → 60 %, 1 year
    expect([r.agreedVolumeRatio, r.termYears]).toEqual(['0.6', 1]);
  });

  it('the drop test is exact at its boundary: 1 − 56.16335 / 112.3267 = 0.5', () => {
    const r = run(
      'national-batch-7',
      [bid('a', '20'), bid('b', '56.16335'), bid('c', '56.163351'), bid('d', '100')],
      {},
      lot('112.3267'),
    );
    // anchor 20: ratio ≤ 36; drop ≤ 112.3267 × 0.5 = 56.16335
    expect(rows(r).map(([id, , , , reasons]) => [id, reasons])).toEqual([
      ['a', ['ratio_to_anchor', 'drop_from_max']],
      ['b', ['drop_from_max']],
      ['c', ['not_qualifying']],
      ['d', ['not_qualifying']],
    ]);
  });

  it('the low-price exemption lets cheap bids win beyond the ratio (batch 10 without revival)', () => {
    // anchor 0.05: ratio ≤ 0.09; exemption (oral solid) ≤ 0.10; drop is off in batch 10.
    const r = run(
      'national-batch-10',
      [bid('a', '0.05'), bid('b', '0.09'), bid('c', '0.10'), bid('d', '0.11'), bid('e', '0.12')],
      { revival: false },
    );
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '0.050000', ['ratio_to_anchor', 'low_price_exemption']],
      ['b', 2, 'won', '0.090000', ['ratio_to_anchor', 'low_price_exemption']],
      ['c', 3, 'won', '0.100000', ['low_price_exemption']],
      ['d', 4, 'lost', null, ['not_qualifying']],
      ['e', 5, 'lost', null, ['not_qualifying']],
    ]);
  });

  it.each<[DosageFormClass, string, string, boolean]>([
    ['oral_solid', '0.10', '0.100001', true],
    ['small_volume_injection', '1.00', '1.000001', true],
    ['large_volume_injection', '2.00', '2.000001', true],
    // `other` has no threshold: nothing is exempt
    ['other', '0.10', '0.100001', false],
  ])('%s: %s is exempt=%s, %s never', (dosageFormClass, at, above, exempt) => {
    // anchor 0.001 → ratio ≤ 0.0018, so only the exemption can admit `at`; 50 is the highest.
    const r = run(
      'national-batch-10',
      [bid('low', '0.001'), bid('at', at), bid('above', above), bid('high', '50')],
      { revival: false },
      lot('100', dosageFormClass),
    );
    const reasons = Object.fromEntries(r.bids.map((b) => [b.id, b.reasons]));
    expect(reasons.at).toEqual(exempt ? ['low_price_exemption'] : ['not_qualifying']);
    expect(reasons.above).toEqual(['not_qualifying']);
  });

  it('the exemption switched off by override admits nothing', () => {
    const r = run('national-batch-10', [bid('a', '0.05'), bid('b', '0.10'), bid('c', '1')], {
      revival: false,
      lowPriceExemption: false,
    });
    expect(r.bids.map((b) => b.reasons)).toEqual([
      ['ratio_to_anchor'],
      ['not_qualifying'],
      ['not_qualifying'],
    ]);
  });

  it('with every condition off nobody wins and nothing is agreed', () => {
    const r = run('national-batch-7', [bid('a', '1'), bid('b', '2')], {
      ratioToAnchor: false,
      dropFromMax: null,
      lowPriceExemption: false,
    });
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'lost', null, ['not_qualifying']],
      ['b', 2, 'lost', null, ['not_qualifying']],
    ]);
    expect([r.winners, r.agreedVolumeRatio, r.termYears]).toEqual([[], '0', 0]);
  });
});

describe('§P6.1 anchor modes', () => {
  const bids = () => [
    bid('p1', '1'),
    bid('p3', '3'),
    bid('p4', '4', { revive: true }),
    bid('p8', '8'),
    // second bid of p1's supplier: not part of the mean (one price per supplier)
    bid('dup', '9', { supplier: 's-p1' }),
  ];

  it('anchor: max(lowest, 0.5 × mean of one price per supplier) (national-batch-11)', () => {
    // mean of 1, 3, 4, 8 = 4 → 0.5 × 4 = 2 > 1 → anchor 2 → ratio ≤ 3.6: 1 and 3 win.
    // (Counting the duplicate 9 would give mean 5, anchor 2.5 and let 4 qualify.)
    // Revival at the highest winning price 3: p4 accepts, p8 does not.
    const r = run('national-batch-11', bids());
    expect(r.anchorPrice).toBe('2.000000');
    expect(r.validBidders).toBe(4);
    expect(r.revivalPrice).toBe('3.000000');
    expect(rows(r)).toEqual<Row[]>([
      ['p1', 1, 'won', '1.000000', ['ratio_to_anchor']],
      ['p3', 2, 'won', '3.000000', ['ratio_to_anchor']],
      ['p4', 3, 'revived', '3.000000', ['not_qualifying', 'revival_accepted']],
      ['p8', 4, 'lost', null, ['not_qualifying', 'revival_declined']],
      ['dup', 5, 'lost', null, ['duplicate_supplier']],
    ]);
    expect(r.winners).toEqual(['p1', 'p3', 'p4']);
  });

  it('lowest: the same bids under national-batch-10 anchor on 1', () => {
    // anchor 1 → ratio ≤ 1.8: only 1 wins; revival at 1.8 × 1 = 1.8 for p4.
    const r = run('national-batch-10', bids());
    expect(r.anchorPrice).toBe('1.000000');
    expect(r.revivalPrice).toBe('1.800000');
    expect(rows(r).map(([id, , outcome, awarded]) => [id, outcome, awarded])).toEqual([
      ['p1', 'won', '1.000000'],
      ['p3', 'lost', null],
      ['p4', 'revived', '1.800000'],
      ['p8', 'lost', null],
      ['dup', 'lost', null],
    ]);
  });

  it('anchor falls back to the lowest when it is above half the mean', () => {
    // mean of 2, 2.2, 2.4 = 2.2 → 0.5 × 2.2 = 1.1 < 2 → anchor 2
    const r = run('national-batch-11', [bid('a', '2'), bid('b', '2.2'), bid('c', '2.4')]);
    expect(r.anchorPrice).toBe('2.000000');
  });

  it('the anchor is rounded to 6 decimals', () => {
    // share 1: mean(1, 1, 1.000001) = 3.000001 / 3 = 1.000000333… > 1 → 1.000000
    const r = run(
      'national-batch-11',
      [bid('a', '1'), bid('b', '1', { supplier: 'x' }), bid('c', '1.000001')],
      {
        anchorMeanShare: '1',
      },
    );
    expect(r.anchorPrice).toBe('1.000000');
  });

  it('anchorMeanShare override: 0.75 × mean(1, 3, 4, 8) = 3 → ratio ≤ 5.4 admits 4', () => {
    const r = run('national-batch-11', bids(), { anchorMeanShare: '0.75', revival: false });
    expect(r.anchorPrice).toBe('3.000000');
    expect(r.winners).toEqual(['p1', 'p3', 'p4']);
  });
});

describe('§P6.3 winner cap and highest-price exclusion', () => {
  it('12 qualifiers: the cap cuts rank 11, the highest-price rule rank 12', () => {
    // prices 1.00, 1.05 … 1.55: all ≤ 1.8 × 1 and ≤ 5. 12 valid bidders → limit min(10, 11) = 10.
    const bids = Array.from({ length: 12 }, (_, i) =>
      bid(`b${i + 1}`, new Decimal('0.05').times(i).plus(1).toFixed(2)),
    );
    const r = run('national-batch-7', bids);
    expect(r.winners).toEqual(bids.slice(0, 10).map((b) => b.id));
    expect(r.bids[10].reasons).toEqual(['ratio_to_anchor', 'drop_from_max', 'winner_cap']);
    expect(r.bids[11].reasons).toEqual([
      'ratio_to_anchor',
      'drop_from_max',
      'highest_price_excluded',
    ]);
  });

  it.each<[string, Record<string, unknown>, string[], string[]]>([
    // cap 3, 5 bidders: limit min(3, 4) = 3 → rank 4 cap, rank 5 highest
    ['cap 3', { winnerCap: 3 }, ['a', 'b', 'c'], ['winner_cap', 'highest_price_excluded']],
    // cap 3 without highest exclusion: both cut by the cap
    [
      'cap 3, no exclusion',
      { winnerCap: 3, excludeHighest: false },
      ['a', 'b', 'c'],
      ['winner_cap', 'winner_cap'],
    ],
    // no cap: limit 4 → only rank 5 is cut
    ['no cap', { winnerCap: null }, ['a', 'b', 'c', 'd'], ['highest_price_excluded']],
    // no cap, no exclusion: all five win
    ['no limits', { winnerCap: false, excludeHighest: false }, ['a', 'b', 'c', 'd', 'e'], []],
    // cap 4 = validBidders − 1: rank 5 is the highest bidder, so the exclusion names it
    ['cap 4', { winnerCap: 4 }, ['a', 'b', 'c', 'd'], ['highest_price_excluded']],
  ])('%s', (_, overrides, winners, cutReasons) => {
    const r = run(
      'national-batch-7',
      [bid('a', '2'), bid('b', '2.5'), bid('c', '3'), bid('d', '3.5'), bid('e', '3.6')],
      overrides,
    );
    expect(r.winners).toEqual(winners);
    expect(r.bids.slice(winners.length).map((b) => b.reasons.at(-1))).toEqual(cutReasons);
  });

  it('two valid bidders: the higher never wins', () => {
    const r = run('national-batch-7', [bid('a', '2'), bid('b', '2.5')]);
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['b', 2, 'lost', null, ['ratio_to_anchor', 'drop_from_max', 'highest_price_excluded']],
    ]);
  });

  it('a duplicate does not make its supplier a second bidder', () => {
    // one supplier, two bids: one valid bidder, so nothing is excluded as highest
    const r = run('national-batch-7', [
      bid('a', '2', { supplier: 's' }),
      bid('b', '2.5', { supplier: 's' }),
    ]);
    expect(r.validBidders).toBe(1);
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['b', 2, 'lost', null, ['ratio_to_anchor', 'drop_from_max', 'duplicate_supplier']],
    ]);
  });
});

describe('§P6.5 ties and §P6.6 one win per supplier', () => {
  it('equal prices rank by earlier submission, then larger capacity, then bid id', () => {
    // single-winner: all four at 2 qualify (2 ≤ 1 × 2); cap 1 → rank 1 wins, the rest hit the cap
    const r = run('single-winner', [
      bid('late', '2', { at: 5 }),
      bid('early-small', '2', { capacity: '100' }),
      bid('early-big', '2', { capacity: '200' }),
      bid('early-small-2', '2', { capacity: '100' }),
    ]);
    expect(rows(r)).toEqual<Row[]>([
      ['late', 4, 'lost', null, ['ratio_to_anchor', 'winner_cap']],
      ['early-small', 2, 'lost', null, ['ratio_to_anchor', 'winner_cap']],
      ['early-big', 1, 'won', '2.000000', ['ratio_to_anchor']],
      ['early-small-2', 3, 'lost', null, ['ratio_to_anchor', 'winner_cap']],
    ]);
  });

  it('ties are on the converted price: 20 mg at 3.40 equals 10 mg at 2.00', () => {
    // 3.40 / 1.7 = 2.000000; the 20 mg bid was submitted first
    const r = run('single-winner', [
      bid('ten', '2.00', { at: 1 }),
      bid('twenty', '3.40', { strength: '20' }),
    ]);
    expect(rows(r).map(([id, rank, outcome]) => [id, rank, outcome])).toEqual([
      ['ten', 2, 'lost'],
      ['twenty', 1, 'won'],
    ]);
  });

  it('a supplier wins once, with its best-ranked product; its others lose as duplicates', () => {
    // s1 bids 2.5 and 2; s2 3; s3 4. Ranked 2 (s1), 2.5 (s1), 3 (s2), 4 (s3): 3 bidders →
    // limit 2: s1's 2 and s2's 3 win; s3 is the highest; s1's 2.5 is a duplicate.
    const r = run('national-batch-7', [
      bid('s1-b', '2.5', { supplier: 's1' }),
      bid('s1-a', '2', { supplier: 's1' }),
      bid('s2', '3', { supplier: 's2' }),
      bid('s3', '4', { supplier: 's3' }),
    ]);
    expect(r.validBidders).toBe(3);
    expect(rows(r)).toEqual<Row[]>([
      ['s1-b', 2, 'lost', null, ['ratio_to_anchor', 'drop_from_max', 'duplicate_supplier']],
      ['s1-a', 1, 'won', '2.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['s2', 3, 'won', '3.000000', ['ratio_to_anchor', 'drop_from_max']],
      ['s3', 4, 'lost', null, ['drop_from_max', 'highest_price_excluded']],
    ]);
    expect(r.winners).toEqual(['s1-a', 's2']);
  });

  it('a supplier’s invalid bid does not stop its valid one', () => {
    const r = run('national-batch-7', [
      bid('bad', '0', { supplier: 's1' }),
      bid('good', '3', { supplier: 's1' }),
    ]);
    expect(rows(r)).toEqual<Row[]>([
      ['bad', null, 'invalid', null, ['non_positive_price']],
      ['good', 1, 'won', '3.000000', ['ratio_to_anchor', 'drop_from_max']],
    ]);
  });
});

describe('§P6.4 revival (national-batch-10)', () => {
  it('several winners: losers accepting take the highest winning price', () => {
    // anchor 2, ratio ≤ 3.6: 2, 3, 3.5 win (limit min(10, 3) = 3); 4 meets nothing.
    // 4 accepts the highest winning price 3.5; 4 winners → 80 %, 3 years.
    const r = run('national-batch-10', [
      bid('a', '2'),
      bid('b', '3'),
      bid('c', '3.5'),
      bid('d', '4', { revive: true }),
    ]);
    expect(r.revivalPrice).toBe('3.500000');
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor']],
      ['b', 2, 'won', '3.000000', ['ratio_to_anchor']],
      ['c', 3, 'won', '3.500000', ['ratio_to_anchor']],
      ['d', 4, 'revived', '3.500000', ['not_qualifying', 'revival_accepted']],
    ]);
    expect(r.winners).toEqual(['a', 'b', 'c', 'd']);
    expect([r.agreedVolumeRatio, r.termYears]).toEqual(['0.8', 3]);
  });

  it('one winner: revival at 1.8 × its price', () => {
    // anchor 2, ratio ≤ 3.6: only 2 wins; revival at 1.8 × 2 = 3.6; 2 winners → 60 %, 1 year
    const r = run('national-batch-10', [
      bid('a', '2'),
      bid('b', '4', { revive: true }),
      bid('c', '5', { revive: false }),
      bid('d', '6'),
    ]);
    expect(r.revivalPrice).toBe('3.600000');
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor']],
      ['b', 2, 'revived', '3.600000', ['not_qualifying', 'revival_accepted']],
      ['c', 3, 'lost', null, ['not_qualifying', 'revival_declined']],
      ['d', 4, 'lost', null, ['not_qualifying', 'revival_declined']],
    ]);
    expect([r.agreedVolumeRatio, r.termYears]).toEqual(['0.6', 1]);
  });

  it('revivalSingleWinnerRatio override: 1.5 × 2 = 3', () => {
    const r = run('national-batch-10', [bid('a', '2'), bid('b', '4', { revive: true })], {
      revivalSingleWinnerRatio: '1.5',
    });
    expect(r.bids[1].awardedUnitComparablePrice).toBe('3.000000');
  });

  it('revival is not limited by the cap and revives cut qualifiers too', () => {
    // cap 1: 2 wins; 2.5, 3, 3.2 qualify (≤ 3.6) but hit the cap; 4 meets nothing.
    // One winner → revival at 1.8 × 2 = 3.6 for all who accept; a bid already below 3.6 keeps
    // its own price (2.5, 3, 3.2); 4 comes down to 3.6. 5 winners → 80 %.
    const r = run(
      'national-batch-10',
      [
        bid('a', '2'),
        bid('b', '2.5', { revive: true }),
        bid('c', '3', { revive: true }),
        bid('d', '3.2', { revive: true }),
        bid('e', '4', { revive: true }),
      ],
      { winnerCap: 1 },
    );
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor']],
      ['b', 2, 'revived', '2.500000', ['ratio_to_anchor', 'winner_cap', 'revival_accepted']],
      ['c', 3, 'revived', '3.000000', ['ratio_to_anchor', 'winner_cap', 'revival_accepted']],
      ['d', 4, 'revived', '3.200000', ['ratio_to_anchor', 'winner_cap', 'revival_accepted']],
      ['e', 5, 'revived', '3.600000', ['not_qualifying', 'revival_accepted']],
    ]);
    expect(r.agreedVolumeRatio).toBe('0.8');
  });

  it('the bidder excluded as highest may revive, never above its own price', () => {
    // 10 and 15 (max 100): both ≤ 1.8 × 10 = 18; two bidders → 15 is excluded; it accepts
    // revival at 1.8 × 10 = 18, which is above its own 15, so it is awarded at 15.
    const r = run(
      'national-batch-10',
      [bid('a', '10'), bid('b', '15', { revive: true })],
      {},
      lot('100'),
    );
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '10.000000', ['ratio_to_anchor']],
      [
        'b',
        2,
        'revived',
        '15.000000',
        ['ratio_to_anchor', 'highest_price_excluded', 'revival_accepted'],
      ],
    ]);
  });

  it('duplicates and invalid bids never revive', () => {
    const r = run('national-batch-10', [
      bid('a', '2', { supplier: 's1' }),
      bid('a2', '5', { supplier: 's1', revive: true }),
      bid('bad', '11', { revive: true }),
      bid('c', '5', { revive: true }),
    ]);
    expect(rows(r)).toEqual<Row[]>([
      ['a', 1, 'won', '2.000000', ['ratio_to_anchor']],
      ['a2', 2, 'lost', null, ['duplicate_supplier']],
      ['bad', null, 'invalid', null, ['above_max_valid_price']],
      ['c', 3, 'revived', '3.600000', ['not_qualifying', 'revival_accepted']],
    ]);
  });

  it('without any first-pass winner there is nothing to revive at', () => {
    const r = run(
      'national-batch-10',
      [bid('a', '2', { revive: true }), bid('b', '3', { revive: true })],
      {
        ratioToAnchor: false,
        lowPriceExemption: false,
      },
    );
    expect(r.revivalPrice).toBeNull();
    expect(r.bids.map((b) => [b.outcome, b.reasons])).toEqual([
      ['lost', ['not_qualifying']],
      ['lost', ['not_qualifying']],
    ]);
  });

  it('revival answers given as an option take precedence over the bids’ own flags', () => {
    const r = selectWinners(
      lot(),
      resolveRuleSet('national-batch-10'),
      [bid('a', '2'), bid('b', '4', { revive: false }), bid('c', '5', { revive: true })],
      { revivalAnswers: { b: true, c: false } },
    );
    expect(r.bids.map((b) => b.outcome)).toEqual(['won', 'revived', 'lost']);
  });

  it('revival off (batch 7): losers get no revival reason', () => {
    const r = run('national-batch-7', [bid('a', '2'), bid('b', '6', { revive: true })]);
    expect(r.bids[1].reasons).toEqual(['not_qualifying']);
    expect(r.revivalPrice).toBeNull();
  });
});

describe('invalid bids', () => {
  it('are unranked, uncounted and never the anchor', () => {
    // max 10: 10.000001 is above it, exactly 10 is not. Valid: 3 and 10 → anchor 3.
    const r = run('national-batch-7', [
      bid('zero', '0'),
      bid('neg', '-1'),
      bid('above', '10.000001'),
      bid('at-max', '10'),
      bid('ml', '1', { strength: '10', strengthUnit: 'ml' }),
      bid('iu', '1', { strength: '10', strengthUnit: 'IU' }),
      bid('ok', '3'),
    ]);
    expect(r.anchorPrice).toBe('3.000000');
    expect(r.validBidders).toBe(2);
    expect(rows(r)).toEqual<Row[]>([
      ['zero', null, 'invalid', null, ['non_positive_price']],
      ['neg', null, 'invalid', null, ['non_positive_price']],
      ['above', null, 'invalid', null, ['above_max_valid_price']],
      // 10 > 1.8 × 3 = 5.4 and 10 > 5 → not qualifying; it is also the highest
      ['at-max', 2, 'lost', null, ['not_qualifying']],
      ['ml', null, 'invalid', null, ['incomparable_strength']],
      ['iu', null, 'invalid', null, ['incomparable_strength']],
      ['ok', 1, 'won', '3.000000', ['ratio_to_anchor', 'drop_from_max']],
    ]);
    expect(r.bids.find((b) => b.id === 'ml')).toMatchObject({
      unitPrice: '1.000000',
      unitComparablePrice: null,
      valid: false,
    });
  });

  it('the maximum is compared with the converted price', () => {
    // 20 mg at 17 per tablet → 17 / 1.7 = 10 ≤ 10: valid; at 17.000002 → 10.000001…: invalid
    const r = run('national-batch-7', [
      bid('a', '17', { strength: '20' }),
      bid('b', '17.000002', { strength: '20' }),
    ]);
    expect(r.bids.map((b) => [b.unitComparablePrice, b.valid])).toEqual([
      ['10.000000', true],
      ['10.000001', false],
    ]);
  });

  it('no bids at all', () => {
    expect(run('national-batch-7', [])).toEqual({
      engineVersion: ENGINE_VERSION,
      anchorPrice: null,
      validBidders: 0,
      revivalPrice: null,
      bids: [],
      winners: [],
      agreedVolumeRatio: '0',
      termYears: 0,
    });
  });

  it('refuses two bids with one id', () => {
    let error: unknown;
    try {
      run('national-batch-7', [bid('a', '1'), bid('b', '2'), bid('a', '3')]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'PROCUREMENT.DUPLICATE_BID_ID',
      status: 400,
      details: { field: 'bids[2].id', id: 'a' },
    });
  });
});

describe('each preset on one lot', () => {
  // prices 1, 1.7, 1.9, 2.5, 6 (max 10, oral solid); only 1.9 accepts revival
  const bids = () => [
    bid('p1', '1'),
    bid('p17', '1.7'),
    bid('p19', '1.9', { revive: true }),
    bid('p25', '2.5'),
    bid('p6', '6'),
  ];

  it.each<[string, string, Record<string, Outcome>, string, number]>([
    // anchor 1: ratio ≤ 1.8 (1, 1.7), drop ≤ 5 (1 … 2.5) → 4 qualify, limit 4; 6 meets nothing
    [
      'national-batch-7',
      '1.000000',
      { p1: 'won', p17: 'won', p19: 'won', p25: 'won', p6: 'lost' },
      '0.8',
      3,
    ],
    // ratio only: 1, 1.7 win; 1.9 revives at 1.7; 3 winners → 70 %, 2 years
    [
      'national-batch-10',
      '1.000000',
      { p1: 'won', p17: 'won', p19: 'revived', p25: 'lost', p6: 'lost' },
      '0.7',
      2,
    ],
    // mean 13.1 / 5 = 2.62 → 0.5 × 2.62 = 1.31 → ratio ≤ 2.358: 1, 1.7, 1.9 win
    [
      'national-batch-11',
      '1.310000',
      { p1: 'won', p17: 'won', p19: 'won', p25: 'lost', p6: 'lost' },
      '0.7',
      2,
    ],
    // only the lowest: 1 ≤ 1 × 1; everything else is above it
    [
      'single-winner',
      '1.000000',
      { p1: 'won', p17: 'lost', p19: 'lost', p25: 'lost', p6: 'lost' },
      '0.5',
      1,
    ],
  ])('%s', (preset, anchor, outcomes, ratio, years) => {
    const r = run(preset, bids());
    expect(r.anchorPrice).toBe(anchor);
    expect(Object.fromEntries(r.bids.map((b) => [b.id, b.outcome]))).toEqual(outcomes);
    expect([r.agreedVolumeRatio, r.termYears]).toEqual([ratio, years]);
  });

  it('batch 10 revives 1.9 at the highest winning price 1.7', () => {
    const r = run('national-batch-10', bids());
    expect(r.bids[2]).toMatchObject({
      outcome: 'revived',
      awardedUnitComparablePrice: '1.700000',
      reasons: ['not_qualifying', 'revival_accepted'],
    });
  });

  it('single-winner reasons', () => {
    expect(run('single-winner', bids()).bids.map((b) => b.reasons)).toEqual([
      ['ratio_to_anchor'],
      ['not_qualifying'],
      ['not_qualifying'],
      ['not_qualifying'],
      ['not_qualifying'],
    ]);
  });
});

describe('determinism', () => {
  const bids = [
    bid('a', '2', { supplier: 's1' }),
    bid('b', '2', { supplier: 's2', at: 1 }),
    bid('c', '2', { supplier: 's3', capacity: '5000' }),
    bid('d', '3.4', { supplier: 's1', strength: '20' }),
    bid('e', '4', { supplier: 's4', revive: true }),
    bid('f', '0', { supplier: 's5' }),
    bid('g', '3', { supplier: 's6', revive: true }),
  ];

  it('the same input gives the same output', () => {
    const params = resolveRuleSet('national-batch-11');
    expect(selectWinners(lot(), params, bids)).toEqual(selectWinners(lot(), params, bids));
  });

  it('input order changes only the order of the listed bids', () => {
    const params = resolveRuleSet('national-batch-10');
    const forward = selectWinners(lot(), params, bids);
    const backward = selectWinners(lot(), params, [...bids].reverse());
    expect(backward.winners).toEqual(forward.winners);
    expect(backward.anchorPrice).toBe(forward.anchorPrice);
    expect([...backward.bids].reverse()).toEqual(forward.bids);
  });
});

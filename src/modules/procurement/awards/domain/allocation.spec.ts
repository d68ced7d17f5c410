import {
  allocate,
  AllocationHospital,
  AllocationInput,
  AllocationResult,
  AllocationWinner,
  RegionAssignment,
} from './allocation';

/**
 * Winners are named by bid id `b<n>` and, unless a case says otherwise, offer product `p<n>`.
 * Region codes are real-looking 6-digit codes so code order is visible in the expectations.
 */

function winner(
  bidId: string,
  rank: number,
  preferredRegions: string[] = [],
  productId = bidId.replace('b', 'p'),
): AllocationWinner {
  return { bidId, supplierId: `s-${bidId}`, productId, rank, preferredRegions };
}

function hospital(
  hospitalId: string,
  regionCode: string,
  demand: string,
  brandProductId: string | null = null,
): AllocationHospital {
  return { hospitalId, regionCode, demand, brandProductId };
}

/** One hospital of demand 1 per region code: enough to make the region exist. */
function inRegions(...codes: string[]): AllocationHospital[] {
  return codes.map((code, i) => hospital(`h${i}`, code, '1'));
}

type RegionRow = [code: string, primary: string | null, backups: string[]];

function regions(rows: RegionRow[]): RegionAssignment[] {
  return rows.map(([regionCode, primaryBidId, backupBidIds]) => ({
    regionCode,
    primaryBidId,
    backupBidIds,
  }));
}

describe('§P9 supply regions: round-robin picks in rank order, backups in rank order', () => {
  it.each<[string, AllocationWinner[], string[], RegionRow[]]>([
    [
      // picks: b1 → 120000 (1st choice); b2 → 130000 (120000 taken); b3 → 110000 (120000 taken);
      // b1 again → both its choices taken → lowest left, 140000.
      'preferences conflicting',
      [
        winner('b1', 1, ['120000', '110000']),
        winner('b2', 2, ['120000', '130000']),
        winner('b3', 3, ['120000', '110000']),
      ],
      ['110000', '120000', '130000', '140000'],
      [
        ['110000', 'b3', ['b1', 'b2']],
        ['120000', 'b1', ['b2', 'b3']],
        ['130000', 'b2', ['b1', 'b3']],
        ['140000', 'b1', ['b2', 'b3']],
      ],
    ],
    [
      // The same winners handed over in reverse: picks still go by rank, not input order.
      'winners out of rank order',
      [
        winner('b3', 3, ['120000', '110000']),
        winner('b2', 2, ['120000', '130000']),
        winner('b1', 1, ['120000', '110000']),
      ],
      ['140000', '130000', '120000', '110000'],
      [
        ['110000', 'b3', ['b1', 'b2']],
        ['120000', 'b1', ['b2', 'b3']],
        ['130000', 'b2', ['b1', 'b3']],
        ['140000', 'b1', ['b2', 'b3']],
      ],
    ],
    [
      // picks: b1 → 330000; b2 (no preferences) → 310000; b1 (list used up) → 320000;
      // b2 → 340000; b1 → 350000.
      'preference lists exhausted: code order',
      [winner('b1', 1, ['330000']), winner('b2', 2)],
      ['350000', '340000', '330000', '320000', '310000'],
      [
        ['310000', 'b2', ['b1']],
        ['320000', 'b1', ['b2']],
        ['330000', 'b1', ['b2']],
        ['340000', 'b2', ['b1']],
        ['350000', 'b1', ['b2']],
      ],
    ],
    [
      // 999999 has no hospital in this lot, so b1's first usable choice is 440000; b2 wanted it.
      'preferred regions without hospitals are skipped',
      [winner('b1', 1, ['999999', '440000']), winner('b2', 2, ['440000'])],
      ['450000', '440000'],
      [
        ['440000', 'b1', ['b2']],
        ['450000', 'b2', ['b1']],
      ],
    ],
    [
      // picks: b1 → 520000; b2 → 510000 (520000 taken); every region has a primary, so b3 and
      // b4 never pick and are backups everywhere.
      'more winners than regions',
      [
        winner('b1', 1, ['520000']),
        winner('b2', 2, ['520000']),
        winner('b3', 3, ['510000']),
        winner('b4', 4),
      ],
      ['520000', '510000'],
      [
        ['510000', 'b2', ['b1', 'b3', 'b4']],
        ['520000', 'b1', ['b2', 'b3', 'b4']],
      ],
    ],
    [
      // Ranks need not be consecutive (a duplicate supplier's bid can sit between winners).
      'ranks with gaps',
      [winner('b7', 7, ['620000']), winner('b2', 2, ['620000'])],
      ['610000', '620000', '630000'],
      [
        ['610000', 'b7', ['b2']],
        ['620000', 'b2', ['b7']],
        ['630000', 'b2', ['b7']],
      ],
    ],
    [
      'a single winner supplies every region and backs up none',
      [winner('b1', 1, ['720000'])],
      ['730000', '710000', '720000'],
      [
        ['710000', 'b1', []],
        ['720000', 'b1', []],
        ['730000', 'b1', []],
      ],
    ],
    [
      'no winner: no primary, no backup',
      [],
      ['820000', '810000'],
      [
        ['810000', null, []],
        ['820000', null, []],
      ],
    ],
    ['no hospital: no region', [winner('b1', 1, ['910000'])], [], []],
  ])('%s', (_name, winners, codes, expected) => {
    expect(allocate({ winners, hospitals: inRegions(...codes), ratio: '0.5' }).regions).toEqual(
      regions(expected),
    );
  });

  it('regions are the distinct codes of all hospitals, zero-demand ones included', () => {
    const result = allocate({
      winners: [winner('b1', 1), winner('b2', 2)],
      hospitals: [
        hospital('h1', '110000', '10'),
        hospital('h2', '110000', '20'),
        hospital('h3', '120000', '0'),
      ],
      ratio: '0.6',
    });
    expect(result.regions).toEqual(
      regions([
        ['110000', 'b1', ['b2']],
        ['120000', 'b2', ['b1']],
      ]),
    );
    expect(result.hospitals.map((h) => h.hospitalId)).toEqual(['h1', 'h2']);
    expect(result.totals).toEqual([
      { bidId: 'b1', agreedQuantity: '18', hospitals: 2 },
      { bidId: 'b2', agreedQuantity: '0', hospitals: 0 },
    ]);
  });
});

describe('§P9 hospitals: brand-specified demand first, the rest by region', () => {
  // Regions: b1 picks 110000, b2 picks 120000 (110000 taken), b3 gets none. Ratio 0.7.
  const winners = [
    winner('b1', 1, ['110000']),
    winner('b2', 2, ['110000', '120000']),
    winner('b3', 3, ['120000']),
  ];
  const result = allocate({
    winners,
    ratio: '0.7',
    hospitals: [
      hospital('h6', '110000', '100'),
      hospital('h2', '110000', '200', 'p2'),
      hospital('h3', '120000', '300', 'p3'),
      hospital('h4', '120000', '400', 'p9'),
      hospital('h5', '120000', '0', 'p1'),
      hospital('h1', '110000', '50', 'p1'),
    ],
  });

  it.each([
    // region primary: 100 × 0.7 = 70
    ['h6', 'b1', '100', '70', false],
    // brand p2 wins: b2, although 110000 is b1's region; 200 × 0.7 = 140
    ['h2', 'b2', '200', '140', true],
    // brand p3 goes to b3, which has no region; 300 × 0.7 = 210
    ['h3', 'b3', '300', '210', true],
    // brand p9 did not win: ordinary demand of 120000, so b2; 400 × 0.7 = 280
    ['h4', 'b2', '400', '280', false],
    // brand p1 is also the region primary's product: still brand-specified; 50 × 0.7 = 35
    ['h1', 'b1', '50', '35', true],
  ])('%s → %s, declared %s, agreed %s, brand %s', (id, bidId, declared, agreed, brand) => {
    expect(result.hospitals.find((h) => h.hospitalId === id)).toEqual({
      hospitalId: id,
      regionCode: id === 'h3' || id === 'h4' ? '120000' : '110000',
      bidId,
      declared,
      agreedQuantity: agreed,
      brandSpecified: brand,
    });
  });

  it('keeps input order and skips zero demand, brand or not', () => {
    expect(result.hospitals.map((h) => h.hospitalId)).toEqual(['h6', 'h2', 'h3', 'h4', 'h1']);
  });

  it('totals per winner in rank order: b1 70 + 35, b2 140 + 280, b3 210', () => {
    expect(result.totals).toEqual([
      { bidId: 'b1', agreedQuantity: '105', hospitals: 2 },
      { bidId: 'b2', agreedQuantity: '420', hospitals: 2 },
      { bidId: 'b3', agreedQuantity: '210', hospitals: 1 },
    ]);
    expect(result.totalAgreed).toBe('735');
  });

  it('a product offered by two winners takes brand demand to the better-ranked one', () => {
    const shared = allocate({
      winners: [winner('b1', 2, ['110000'], 'p1'), winner('b2', 1, ['120000'], 'p1')],
      hospitals: [hospital('h1', '110000', '10', 'p1'), hospital('h2', '120000', '10', null)],
      ratio: '0.6',
    });
    expect(shared.hospitals.map((h) => [h.hospitalId, h.bidId, h.brandSpecified])).toEqual([
      ['h1', 'b2', true],
      ['h2', 'b2', false],
    ]);
  });

  it('no winner: no hospital rows, no totals, nothing agreed', () => {
    expect(
      allocate({
        winners: [],
        hospitals: [hospital('h1', '110000', '10', 'p1'), hospital('h2', '120000', '20')],
        ratio: '0',
      }),
    ).toEqual<AllocationResult>({
      regions: regions([
        ['110000', null, []],
        ['120000', null, []],
      ]),
      hospitals: [],
      totals: [],
      totalAgreed: '0',
    });
  });

  it('no hospital: every winner has a zero total', () => {
    expect(
      allocate({ winners: [winner('b2', 2), winner('b1', 1)], hospitals: [], ratio: '0.6' }),
    ).toEqual<AllocationResult>({
      regions: [],
      hospitals: [],
      totals: [
        { bidId: 'b1', agreedQuantity: '0', hospitals: 0 },
        { bidId: 'b2', agreedQuantity: '0', hospitals: 0 },
      ],
      totalAgreed: '0',
    });
  });
});

describe('§P9 agreed quantity = declared × ratio, half up to whole smallest units', () => {
  it.each([
    // 7 × 0.5 = 3.5 → 4
    ['7', '0.5', '7', '4'],
    // 5 × 0.5 = 2.5 → 3 (half up, not half even)
    ['5', '0.5', '5', '3'],
    // 1 × 0.5 = 0.5 → 1
    ['1', '0.5', '1', '1'],
    // 1234.5 × 0.8 = 987.6 → 988
    ['1234.5', '0.8', '1234.5', '988'],
    // 1234.375 × 0.8 = 987.5 → 988
    ['1234.375', '0.8', '1234.375', '988'],
    // 1234.365 × 0.8 = 987.492 → 987
    ['1234.365', '0.8', '1234.365', '987'],
    // 255.5 × 0.7 = 178.85 → 179
    ['255.5', '0.7', '255.5', '179'],
    // 358.75 × 0.6 = 215.25 → 215
    ['358.75', '0.6', '358.75', '215'],
    // 1.001 × 0.5 = 0.5005 → 1
    ['1.001', '0.5', '1.001', '1'],
    // 0.999 × 0.5 = 0.4995 → 0: the hospital declared something, so its row stays
    ['0.999', '0.5', '0.999', '0'],
    // 0.001 × 0.7 = 0.0007 → 0
    ['0.001', '0.7', '0.001', '0'],
    // trailing zeros are not part of the canonical declared figure: 1000 × 0.5 = 500
    ['1000.000', '0.5', '1000', '500'],
    ['1234.50', '0.8', '1234.5', '988'],
    // 12.5 × 1 = 12.5 → 13
    ['12.5', '1', '12.5', '13'],
    // 12.5 × 0.35 = 4.375 → 4
    ['12.5', '0.35', '12.5', '4'],
    // 999999999999999.999 × 0.123457 = 123456999999999.999876543 → 123457000000000: no
    // intermediate rounding at the largest accepted demand and finest ratio
    ['999999999999999.999', '0.123457', '999999999999999.999', '123457000000000'],
    ['12.5', '0', '12.5', '0'],
  ])('%s × %s: declared %s, agreed %s', (demand, ratio, declared, agreed) => {
    const result = allocate({
      winners: [winner('b1', 1)],
      hospitals: [hospital('h1', '110000', demand)],
      ratio,
    });
    expect(result.hospitals).toEqual([
      {
        hospitalId: 'h1',
        regionCode: '110000',
        bidId: 'b1',
        declared,
        agreedQuantity: agreed,
        brandSpecified: false,
      },
    ]);
    expect(result.totals).toEqual([{ bidId: 'b1', agreedQuantity: agreed, hospitals: 1 }]);
    expect(result.totalAgreed).toBe(agreed);
  });
});

describe('§P9 totals are sums of the rounded per-hospital figures, not ratio × total', () => {
  it.each<[string, AllocationWinner[], AllocationHospital[], string, string[], string]>([
    [
      // 3 × (7 × 0.5 = 3.5 → 4) = 12, where 21 × 0.5 = 10.5
      'rounding up accumulates',
      [winner('b1', 1)],
      [hospital('h1', '110000', '7'), hospital('h2', '110000', '7'), hospital('h3', '120000', '7')],
      '0.5',
      ['12'],
      '12',
    ],
    [
      // 3 × (0.9 × 0.5 = 0.45 → 0) = 0, where 2.7 × 0.5 = 1.35
      'rounding down accumulates',
      [winner('b1', 1)],
      [
        hospital('h1', '110000', '0.9'),
        hospital('h2', '110000', '0.9'),
        hospital('h3', '110000', '0.9'),
      ],
      '0.5',
      ['0'],
      '0',
    ],
    [
      // §P9 worked example, one winner: 596327 declared in total, 298163.5 from the total alone.
      // 100001 × 0.5 = 50000.5 → 50001; 200001 → 100001; 150001 → 75001; 146324 → 73162;
      // 50001 + 100001 + 75001 + 73162 = 298165.
      'worked example, one winner, ratio 0.5',
      [winner('b1', 1)],
      [
        hospital('h1', '110000', '100001'),
        hospital('h2', '110000', '200001'),
        hospital('h3', '120000', '150001'),
        hospital('h4', '120000', '146324'),
      ],
      '0.5',
      ['298165'],
      '298165',
    ],
    [
      // §P9 worked example, two winners: 357796.2 from the total alone. b1 picks 120000, b2 gets
      // 110000. 100001 × 0.6 = 60000.6 → 60001; 200001 → 120001 (b2: 180002);
      // 150001 → 90001; 146324 × 0.6 = 87794.4 → 87794 (b1: 177795); 357797 in all.
      'worked example, two winners, ratio 0.6',
      [winner('b1', 1, ['120000']), winner('b2', 2)],
      [
        hospital('h1', '110000', '100001'),
        hospital('h2', '110000', '200001'),
        hospital('h3', '120000', '150001'),
        hospital('h4', '120000', '146324'),
      ],
      '0.6',
      ['177795', '180002'],
      '357797',
    ],
  ])('%s', (_name, winners, hospitals, ratio, perWinner, total) => {
    const result = allocate({ winners, hospitals, ratio });
    expect(result.totals.map((t) => t.agreedQuantity)).toEqual(perWinner);
    expect(result.totalAgreed).toBe(total);
  });
});

describe('inputs are checked: a bad one is a programming error', () => {
  const ok = { winners: [winner('b1', 1)], hospitals: [hospital('h1', '110000', '1')] };

  it.each<[string, AllocationInput, RegExp]>([
    [
      'duplicate hospital id',
      {
        ...ok,
        hospitals: [hospital('h1', '110000', '1'), hospital('h1', '120000', '2')],
        ratio: '0.5',
      },
      /^hospitals\[1\]\.hospitalId: hospital id "h1" is already used by hospitals\[0\]\.hospitalId$/,
    ],
    [
      'duplicate bid id',
      { ...ok, winners: [winner('b1', 1), winner('b1', 2)], ratio: '0.5' },
      /^winners\[1\]\.bidId: bid id "b1" is already used by winners\[0\]\.bidId$/,
    ],
    [
      'duplicate rank',
      { ...ok, winners: [winner('b1', 1), winner('b2', 1)], ratio: '0.5' },
      /^winners\[1\]\.rank: rank 1 is already used by winners\[0\]$/,
    ],
    ['rank 0', { ...ok, winners: [winner('b1', 0)], ratio: '0.5' }, /^winners\[0\]\.rank: /],
    [
      'fractional rank',
      { ...ok, winners: [winner('b1', 1.5)], ratio: '0.5' },
      /^winners\[0\]\.rank: /,
    ],
    [
      'negative demand',
      { ...ok, hospitals: [hospital('h1', '110000', '-1')], ratio: '0.5' },
      /^hospitals\[0\]\.demand: .* got "-1"$/,
    ],
    [
      'negative zero demand',
      { ...ok, hospitals: [hospital('h1', '110000', '-0')], ratio: '0.5' },
      /^hospitals\[0\]\.demand: /,
    ],
    [
      'demand beyond the quantity scale',
      { ...ok, hospitals: [hospital('h1', '110000', '1.0001')], ratio: '0.5' },
      /^hospitals\[0\]\.demand: /,
    ],
    [
      'demand too large',
      { ...ok, hospitals: [hospital('h1', '110000', '1000000000000000')], ratio: '0.5' },
      /^hospitals\[0\]\.demand: /,
    ],
    ...['', 'abc', '1e3', '0x10', '.5', '1.', ' 1'].map(
      (demand): [string, AllocationInput, RegExp] => [
        `demand ${JSON.stringify(demand)}`,
        { ...ok, hospitals: [hospital('h1', '110000', demand)], ratio: '0.5' },
        /^hospitals\[0\]\.demand: /,
      ],
    ),
    ...['1.1', '2', '-0.5', '0.1234567', 'x', '', '1e-1'].map(
      (ratio): [string, AllocationInput, RegExp] => [
        `ratio ${JSON.stringify(ratio)}`,
        { ...ok, ratio },
        /^ratio: must be a decimal string from 0 to 1/,
      ],
    ),
  ])('%s', (_name, input, message) => {
    expect(() => allocate(input)).toThrow(message);
  });

  it.each(['0', '1', '1.000000', '0.123456'])('ratio %s is accepted', (ratio) => {
    expect(() => allocate({ ...ok, ratio })).not.toThrow();
  });
});

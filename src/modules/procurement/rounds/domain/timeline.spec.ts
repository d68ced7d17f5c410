import { DomainError } from '../../../../common/errors/domain-error';
import { ROUND_ACTIONS, ROUND_STATES, RoundAction, RoundState } from './round-state';
import {
  assertBiddingWindow,
  assertDemandWindow,
  assertTimeAllows,
  checkTimeline,
  dueAction,
  publicityEndsAt,
  Timeline,
} from './timeline';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const at = (iso: string) => new Date(iso);

const T: Timeline = {
  demandOpensAt: at('2026-03-01T00:00:00Z'),
  demandClosesAt: at('2026-03-15T09:00:00Z'),
  biddingOpensAt: at('2026-03-20T00:00:00Z'),
  biddingClosesAt: at('2026-04-10T09:00:00Z'),
  openingAt: at('2026-04-10T09:30:00Z'),
  publicityDays: 5,
  contractStart: '2026-05-01',
};

describe('checkTimeline accepts a consistent timeline', () => {
  it.each<[string, Partial<Timeline>]>([
    ['the reference timeline', {}],
    ['bidding opening the moment demand closes', { biddingOpensAt: T.demandClosesAt }],
    ['opening exactly at the bidding deadline', { openingAt: T.biddingClosesAt }],
    ['publicity of 1 day', { publicityDays: 1 }],
    ['publicity of 30 days', { publicityDays: 30 }],
    ['the contract starting on the opening date', { contractStart: '2026-04-10' }],
    // 23:30 UTC on the 10th is the 11th in Beijing; the rule compares UTC dates
    [
      'the contract starting on the UTC opening date, late in the day',
      { openingAt: at('2026-04-10T23:30:00Z'), contractStart: '2026-04-10' },
    ],
    ['the contract starting on 29 February of a leap year', { contractStart: '2028-02-29' }],
  ])('%s', (_, patch) => {
    expect(() => checkTimeline({ ...T, ...patch })).not.toThrow();
  });
});

describe('checkTimeline names the offending field', () => {
  it.each<[string, Partial<Timeline>, string, string]>([
    [
      'demand window of zero length',
      { demandClosesAt: T.demandOpensAt },
      'timeline.demandClosesAt',
      'timeline.demandClosesAt must be after timeline.demandOpensAt: 2026-03-01T00:00:00.000Z is before or at 2026-03-01T00:00:00.000Z',
    ],
    [
      'demand closing before it opens',
      { demandClosesAt: at('2026-02-28T00:00:00Z') },
      'timeline.demandClosesAt',
      'timeline.demandClosesAt must be after timeline.demandOpensAt',
    ],
    [
      'bidding opening before demand closes',
      { biddingOpensAt: at('2026-03-15T08:59:59Z') },
      'timeline.biddingOpensAt',
      'timeline.biddingOpensAt must be at or after timeline.demandClosesAt: 2026-03-15T08:59:59.000Z is before 2026-03-15T09:00:00.000Z',
    ],
    [
      'bidding window of zero length',
      { biddingClosesAt: T.biddingOpensAt, openingAt: T.biddingOpensAt },
      'timeline.biddingClosesAt',
      'timeline.biddingClosesAt must be after timeline.biddingOpensAt',
    ],
    [
      'bidding closing before it opens',
      { biddingClosesAt: at('2026-03-19T00:00:00Z') },
      'timeline.biddingClosesAt',
      'timeline.biddingClosesAt must be after timeline.biddingOpensAt',
    ],
    [
      'opening before the bidding deadline',
      { openingAt: at('2026-04-10T08:59:59.999Z') },
      'timeline.openingAt',
      'timeline.openingAt must be at or after timeline.biddingClosesAt',
    ],
    [
      'publicity of 0 days',
      { publicityDays: 0 },
      'timeline.publicityDays',
      'timeline.publicityDays must be a whole number of days from 1 to 30, got 0',
    ],
    ['publicity of 31 days', { publicityDays: 31 }, 'timeline.publicityDays', 'got 31'],
    ['publicity of 2.5 days', { publicityDays: 2.5 }, 'timeline.publicityDays', 'got 2.5'],
    ['publicity of NaN days', { publicityDays: NaN }, 'timeline.publicityDays', 'got NaN'],
    [
      'a contract start that is not a date',
      { contractStart: '2026-5-1' },
      'timeline.contractStart',
      'timeline.contractStart must be a date YYYY-MM-DD, got "2026-5-1"',
    ],
    [
      'a contract start on a day that does not exist',
      { contractStart: '2026-02-29' },
      'timeline.contractStart',
      'must be a date YYYY-MM-DD',
    ],
    [
      'a contract start before the opening date',
      { contractStart: '2026-04-09' },
      'timeline.contractStart',
      'timeline.contractStart must not be before the opening date 2026-04-10 (UTC), got 2026-04-09',
    ],
  ])('%s', (_, patch, field, message) => {
    const e = errorOf(() => checkTimeline({ ...T, ...patch }));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.ROUND_TIMELINE_INVALID',
      status: 400,
      details: { field },
    });
    expect(e.message).toContain(message);
  });

  it.each([
    'demandOpensAt',
    'demandClosesAt',
    'biddingOpensAt',
    'biddingClosesAt',
    'openingAt',
  ] as const)('an invalid %s', (field) => {
    const e = errorOf(() => checkTimeline({ ...T, [field]: new Date('not a date') }));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.ROUND_TIMELINE_INVALID',
      message: `timeline.${field} must be a valid instant`,
      details: { field: `timeline.${field}` },
    });
  });
});

describe('publicity ends days × 24 h after publication', () => {
  it.each([
    ['2026-04-11T02:00:00Z', 1, '2026-04-12T02:00:00.000Z'],
    ['2026-04-11T02:00:00Z', 5, '2026-04-16T02:00:00.000Z'],
    ['2026-02-25T10:15:30.500Z', 7, '2026-03-04T10:15:30.500Z'],
    ['2028-02-25T00:00:00Z', 30, '2028-03-26T00:00:00.000Z'],
  ])('%s + %i days = %s', (published, days, ends) => {
    expect(publicityEndsAt(at(published), days).toISOString()).toBe(ends);
  });
});

describe('time preconditions of actions', () => {
  const published = at('2026-04-11T02:00:00Z');

  it.each<[RoundAction, string]>([
    ['close_bidding', '2026-04-10T09:00:00.000Z'],
    ['close_bidding', '2026-04-10T09:00:00.001Z'],
    ['open', '2026-04-10T09:30:00.000Z'],
    ['open', '2026-05-01T00:00:00.000Z'],
    ['award', '2026-04-16T02:00:00.000Z'],
    ['award', '2026-04-20T00:00:00.000Z'],
  ])('%s is allowed at %s', (action, now) => {
    expect(() => assertTimeAllows(action, T, at(now), published)).not.toThrow();
  });

  it.each<[RoundAction, string, string, string]>([
    [
      'close_bidding',
      '2026-04-10T08:59:59.999Z',
      '2026-04-10T09:00:00.000Z',
      'close_bidding is possible from 2026-04-10T09:00:00.000Z (the bidding deadline); server time is 2026-04-10T08:59:59.999Z',
    ],
    [
      'open',
      '2026-04-10T09:29:59.999Z',
      '2026-04-10T09:30:00.000Z',
      'open is possible from 2026-04-10T09:30:00.000Z (the opening time)',
    ],
    [
      'award',
      '2026-04-16T01:59:59.999Z',
      '2026-04-16T02:00:00.000Z',
      'award is possible from 2026-04-16T02:00:00.000Z (the end of the 5-day publicity)',
    ],
  ])('%s is too early at %s', (action, now, possibleAt, message) => {
    const e = errorOf(() => assertTimeAllows(action, T, at(now), published));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.ROUND_TOO_EARLY',
      status: 409,
      details: { action, possibleAt, now },
    });
    expect(e.message).toContain(message);
  });

  it('award before publication is too early', () => {
    const e = errorOf(() => assertTimeAllows('award', T, at('2026-06-01T00:00:00Z'), null));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.ROUND_TOO_EARLY',
      details: { action: 'award', possibleAt: null },
    });
    expect(e.message).toContain('published');
  });

  const untimed = ROUND_ACTIONS.filter((a) => !['close_bidding', 'open', 'award'].includes(a));
  it.each(untimed)('%s has no time precondition', (action) => {
    // long before every instant of the timeline
    expect(() => assertTimeAllows(action, T, at('2025-01-01T00:00:00Z'), null)).not.toThrow();
  });
});

describe('what the timer should do', () => {
  it.each<[RoundState, string, RoundAction | null]>([
    ['demand_collection', '2026-03-15T08:59:59.999Z', null],
    ['demand_collection', '2026-03-15T09:00:00.000Z', 'close_demand'],
    ['demand_collection', '2026-04-20T00:00:00.000Z', 'close_demand'],
    ['bidding', '2026-04-10T08:59:59.999Z', null],
    ['bidding', '2026-04-10T09:00:00.000Z', 'close_bidding'],
    ['bidding', '2026-04-10T09:30:00.000Z', 'close_bidding'],
    ['bidding_closed', '2026-04-10T09:29:59.999Z', null],
    ['bidding_closed', '2026-04-10T09:30:00.000Z', 'open'],
    ['bidding_closed', '2026-05-10T00:00:00.000Z', 'open'],
  ])('%s at %s → %s', (state, now, action) => {
    expect(dueAction(state, T, at(now))).toBe(action);
  });

  // long after every instant: only the three timed states ever have something due
  const others = ROUND_STATES.filter(
    (s) => !['demand_collection', 'bidding', 'bidding_closed'].includes(s),
  );
  it.each(others)('%s → nothing, however late', (state) => {
    expect(dueAction(state, T, at('2030-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('the demand window is [demandOpensAt, demandClosesAt) while collecting', () => {
  it.each(['2026-03-01T00:00:00.000Z', '2026-03-10T12:00:00.000Z', '2026-03-15T08:59:59.999Z'])(
    'open at %s',
    (now) => {
      expect(() => assertDemandWindow('demand_collection', T, at(now))).not.toThrow();
    },
  );

  it.each<[RoundState, string, string]>([
    [
      'demand_collection',
      '2026-02-28T23:59:59.999Z',
      'Demand reporting has not opened yet: it opens at 2026-03-01T00:00:00.000Z',
    ],
    [
      'demand_collection',
      '2026-03-15T09:00:00.000Z',
      'Demand reporting closed at 2026-03-15T09:00:00.000Z',
    ],
    [
      'demand_collection',
      '2026-03-16T00:00:00.000Z',
      'Demand reporting closed at 2026-03-15T09:00:00.000Z',
    ],
    [
      'draft',
      '2026-03-10T12:00:00.000Z',
      'Demand reporting has not opened yet: the round is draft; the window opens at 2026-03-01T00:00:00.000Z',
    ],
    [
      'demand_closed',
      '2026-03-10T12:00:00.000Z',
      'Demand reporting has closed: the round is demand_closed',
    ],
    ['bidding', '2026-03-10T12:00:00.000Z', 'Demand reporting has closed: the round is bidding'],
    [
      'cancelled',
      '2026-03-10T12:00:00.000Z',
      'Demand reporting has closed: the round is cancelled',
    ],
  ])('%s at %s is refused', (state, now, message) => {
    const e = errorOf(() => assertDemandWindow(state, T, at(now)));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.DEMAND_WINDOW_CLOSED',
      status: 409,
      message,
      details: {
        state,
        opensAt: '2026-03-01T00:00:00.000Z',
        closesAt: '2026-03-15T09:00:00.000Z',
        now,
      },
    });
  });
});

describe('the bidding window is [biddingOpensAt, biddingClosesAt) while bidding', () => {
  it.each(['2026-03-20T00:00:00.000Z', '2026-04-01T00:00:00.000Z', '2026-04-10T08:59:59.999Z'])(
    'open at %s',
    (now) => {
      expect(() => assertBiddingWindow('bidding', T, at(now))).not.toThrow();
    },
  );

  it.each<[RoundState, string, string]>([
    [
      'bidding',
      '2026-03-19T23:59:59.999Z',
      'Bidding has not opened yet: it opens at 2026-03-20T00:00:00.000Z',
    ],
    // exactly at the deadline is late
    ['bidding', '2026-04-10T09:00:00.000Z', 'Bidding closed at 2026-04-10T09:00:00.000Z'],
    ['bidding', '2026-04-10T09:00:00.001Z', 'Bidding closed at 2026-04-10T09:00:00.000Z'],
    [
      'demand_closed',
      '2026-04-01T00:00:00.000Z',
      'Bidding has not opened yet: the round is demand_closed; the window opens at 2026-03-20T00:00:00.000Z',
    ],
    [
      'draft',
      '2026-04-01T00:00:00.000Z',
      'Bidding has not opened yet: the round is draft; the window opens at 2026-03-20T00:00:00.000Z',
    ],
    [
      'bidding_closed',
      '2026-04-10T09:10:00.000Z',
      'Bidding has closed: the round is bidding_closed',
    ],
    ['opened', '2026-04-11T00:00:00.000Z', 'Bidding has closed: the round is opened'],
    ['cancelled', '2026-04-01T00:00:00.000Z', 'Bidding has closed: the round is cancelled'],
  ])('%s at %s is refused', (state, now, message) => {
    const e = errorOf(() => assertBiddingWindow(state, T, at(now)));
    expect(e).toMatchObject({
      code: 'PROCUREMENT.BIDDING_CLOSED',
      status: 409,
      message,
      details: {
        state,
        opensAt: '2026-03-20T00:00:00.000Z',
        closesAt: '2026-04-10T09:00:00.000Z',
        now,
      },
    });
  });
});

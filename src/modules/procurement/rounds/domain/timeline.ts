import { isBusinessDate } from '../../../catalog/listing-prices/domain/listing-rules';
import { procurementError } from '../../procurement.errors';
import { isBefore, RoundAction, RoundState } from './round-state';

/** §P1 round timeline. Instants are UTC; `contractStart` is a business date. */
export interface Timeline {
  demandOpensAt: Date;
  demandClosesAt: Date;
  biddingOpensAt: Date;
  biddingClosesAt: Date;
  openingAt: Date;
  publicityDays: number;
  /** YYYY-MM-DD */
  contractStart: string;
}

export const PUBLICITY_DAYS = { min: 1, max: 30 } as const;

const DAY_MS = 24 * 3600_000;

type InstantField =
  'demandOpensAt' | 'demandClosesAt' | 'biddingOpensAt' | 'biddingClosesAt' | 'openingAt';

/** Each instant against the one before it; `strict` when the two may not coincide. */
const ORDER: readonly { field: InstantField; after: InstantField; strict: boolean }[] = [
  { field: 'demandClosesAt', after: 'demandOpensAt', strict: true },
  // Bidding may open the moment demand closes: the officer's open_bidding is still a separate act.
  { field: 'biddingOpensAt', after: 'demandClosesAt', strict: false },
  { field: 'biddingClosesAt', after: 'biddingOpensAt', strict: true },
  { field: 'openingAt', after: 'biddingClosesAt', strict: false },
];

const INSTANT_FIELDS: readonly InstantField[] = [
  'demandOpensAt',
  'demandClosesAt',
  'biddingOpensAt',
  'biddingClosesAt',
  'openingAt',
];

function invalid(field: string, message: string, details: Record<string, unknown> = {}) {
  return procurementError('ROUND_TIMELINE_INVALID', `timeline.${field} ${message}`, {
    field: `timeline.${field}`,
    ...details,
  });
}

function isInstant(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** Checks a whole timeline and throws on the first problem, naming its field. */
export function checkTimeline(t: Timeline): void {
  for (const field of INSTANT_FIELDS)
    if (!isInstant(t[field])) throw invalid(field, 'must be a valid instant');

  for (const { field, after, strict } of ORDER) {
    const [value, bound] = [t[field], t[after]];
    const ok = strict ? value > bound : value >= bound;
    if (!ok)
      throw invalid(
        field,
        `must be ${strict ? 'after' : 'at or after'} timeline.${after}: ${value.toISOString()} is before${strict ? ' or at' : ''} ${bound.toISOString()}`,
        { value: value.toISOString(), [after]: bound.toISOString() },
      );
  }

  const days = t.publicityDays;
  if (!Number.isInteger(days) || days < PUBLICITY_DAYS.min || days > PUBLICITY_DAYS.max)
    throw invalid(
      'publicityDays',
      `must be a whole number of days from ${PUBLICITY_DAYS.min} to ${PUBLICITY_DAYS.max}, got ${String(days)}`,
    );

  if (typeof t.contractStart !== 'string' || !isBusinessDate(t.contractStart))
    throw invalid(
      'contractStart',
      `must be a date YYYY-MM-DD, got ${JSON.stringify(t.contractStart)}`,
    );
  const openingDate = t.openingAt.toISOString().slice(0, 10);
  if (t.contractStart < openingDate)
    throw invalid(
      'contractStart',
      `must not be before the opening date ${openingDate} (UTC), got ${t.contractStart}`,
      { openingDate },
    );
}

/** The end of publicity (公示): publishedAt + days × 24 h. */
export function publicityEndsAt(publishedAt: Date, days: number): Date {
  return new Date(publishedAt.getTime() + days * DAY_MS);
}

/**
 * The server clock decides whether a timed action may happen yet (§P1: "a late action is refused
 * by the server clock"; so is an early one). Actions without a time precondition always pass.
 */
export function assertTimeAllows(
  action: RoundAction,
  t: Timeline,
  now: Date,
  publishedAt: Date | null,
): void {
  let possibleAt: Date;
  let because: string;
  switch (action) {
    case 'close_bidding':
      [possibleAt, because] = [t.biddingClosesAt, 'the bidding deadline'];
      break;
    case 'open':
      [possibleAt, because] = [t.openingAt, 'the opening time'];
      break;
    case 'award':
      if (publishedAt === null)
        throw procurementError(
          'ROUND_TOO_EARLY',
          'award is possible only after the provisional result has been published',
          { action, possibleAt: null, now: now.toISOString() },
        );
      [possibleAt, because] = [
        publicityEndsAt(publishedAt, t.publicityDays),
        `the end of the ${t.publicityDays}-day publicity`,
      ];
      break;
    default:
      return;
  }
  if (now < possibleAt)
    throw procurementError(
      'ROUND_TOO_EARLY',
      `${action} is possible from ${possibleAt.toISOString()} (${because}); server time is ${now.toISOString()}`,
      { action, possibleAt: possibleAt.toISOString(), now: now.toISOString() },
    );
}

/** What the scheduled timer should do for a round now, or null when nothing is due. */
export function dueAction(state: RoundState, t: Timeline, now: Date): RoundAction | null {
  if (state === 'demand_collection' && now >= t.demandClosesAt) return 'close_demand';
  if (state === 'bidding' && now >= t.biddingClosesAt) return 'close_bidding';
  if (state === 'bidding_closed' && now >= t.openingAt) return 'open';
  return null;
}

interface Window {
  what: string;
  code: 'DEMAND_WINDOW_CLOSED' | 'BIDDING_CLOSED';
  state: RoundState;
  opensAt: Date;
  closesAt: Date;
}

/**
 * Open from `opensAt` inclusive to `closesAt` exclusive: a submission that arrives exactly at the
 * deadline is late.
 */
function assertWindow(w: Window, state: RoundState, now: Date): void {
  const details = {
    state,
    opensAt: w.opensAt.toISOString(),
    closesAt: w.closesAt.toISOString(),
    now: now.toISOString(),
  };
  if (state === w.state) {
    if (now < w.opensAt)
      throw procurementError(
        w.code,
        `${w.what} has not opened yet: it opens at ${details.opensAt}`,
        details,
      );
    if (now >= w.closesAt)
      throw procurementError(w.code, `${w.what} closed at ${details.closesAt}`, details);
    return;
  }
  throw procurementError(
    w.code,
    isBefore(state, w.state)
      ? `${w.what} has not opened yet: the round is ${state}; the window opens at ${details.opensAt}`
      : `${w.what} has closed: the round is ${state}`,
    details,
  );
}

/** §P3: hospitals report demand only while the round collects it and the window is open. */
export function assertDemandWindow(state: RoundState, t: Timeline, now: Date): void {
  assertWindow(
    {
      what: 'Demand reporting',
      code: 'DEMAND_WINDOW_CLOSED',
      state: 'demand_collection',
      opensAt: t.demandOpensAt,
      closesAt: t.demandClosesAt,
    },
    state,
    now,
  );
}

/** §P4: bids are submitted, amended and withdrawn only inside the bidding window. */
export function assertBiddingWindow(state: RoundState, t: Timeline, now: Date): void {
  assertWindow(
    {
      what: 'Bidding',
      code: 'BIDDING_CLOSED',
      state: 'bidding',
      opensAt: t.biddingOpensAt,
      closesAt: t.biddingClosesAt,
    },
    state,
    now,
  );
}

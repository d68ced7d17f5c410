import { DomainError } from '../../../../common/errors/domain-error';
import {
  allowedActions,
  isBefore,
  nextState,
  ROUND_ACTIONS,
  ROUND_STATES,
  RoundAction,
  RoundState,
} from './round-state';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** §P1, written out by hand: every legal (state, action) and where it leads. */
const LEGAL: Record<RoundState, Partial<Record<RoundAction, RoundState>>> = {
  draft: { open_demand: 'demand_collection', cancel: 'cancelled' },
  demand_collection: { close_demand: 'demand_closed', cancel: 'cancelled' },
  demand_closed: { open_bidding: 'bidding', cancel: 'cancelled' },
  bidding: { close_bidding: 'bidding_closed', cancel: 'cancelled' },
  bidding_closed: { open: 'opened', cancel: 'cancelled' },
  opened: { publish: 'publicity', cancel: 'cancelled' },
  publicity: { award: 'awarded', cancel: 'cancelled' },
  awarded: { start_execution: 'in_execution' },
  in_execution: { complete: 'completed' },
  completed: {},
  cancelled: {},
};

const PAIRS = ROUND_STATES.flatMap((state) =>
  ROUND_ACTIONS.map((action) => [state, action, LEGAL[state][action] ?? null] as const),
);
const ALLOWED = PAIRS.filter(([, , to]) => to !== null);
const REFUSED = PAIRS.filter(([, , to]) => to === null);

describe('§P1 transition table', () => {
  it('covers 11 states × 10 actions, 16 of them legal', () => {
    expect(PAIRS).toHaveLength(110);
    expect(ALLOWED).toHaveLength(16);
  });

  it.each(ALLOWED)('%s --%s--> %s', (state, action, to) => {
    expect(nextState(state, action)).toBe(to);
  });

  it.each(REFUSED)('%s --%s--> refused with 409', (state, action) => {
    const e = errorOf(() => nextState(state, action));
    expect(e).toMatchObject({ code: 'PROCUREMENT.ROUND_STATE_CONFLICT', status: 409 });
    expect(e.message).toContain(`Round is ${state}`);
    expect(e.message).toContain(action);
    expect(e.details).toEqual({
      state,
      action,
      allowedFrom: ROUND_STATES.filter((s) => LEGAL[s][action] !== undefined),
    });
  });

  it('names every state an action is allowed from', () => {
    const e = errorOf(() => nextState('awarded', 'cancel'));
    expect(e.message).toBe(
      'Round is awarded: cancel is allowed only when the round is draft or demand_collection or demand_closed or bidding or bidding_closed or opened or publicity',
    );
  });
});

describe('allowed actions per state', () => {
  it.each(ROUND_STATES.map((s) => [s, Object.keys(LEGAL[s])] as const))(
    '%s → %j',
    (state, actions) => {
      expect(allowedActions(state)).toEqual(actions);
    },
  );
});

describe('order along the main line', () => {
  it.each<[RoundState, RoundState, boolean]>([
    ['draft', 'demand_collection', true],
    ['draft', 'completed', true],
    ['demand_closed', 'bidding', true],
    ['bidding', 'opened', true],
    ['publicity', 'awarded', true],
    ['in_execution', 'completed', true],
    ['bidding', 'bidding', false],
    ['opened', 'bidding', false],
    ['completed', 'draft', false],
    ['cancelled', 'draft', false],
    ['cancelled', 'completed', false],
    ['draft', 'cancelled', false],
    ['completed', 'cancelled', false],
    ['cancelled', 'cancelled', false],
  ])('%s before %s: %s', (state, other, before) => {
    expect(isBefore(state, other)).toBe(before);
  });
});

import { procurementError } from '../../procurement.errors';

/** §P1 round life cycle. The order of this list is the main line; `cancelled` ends it early. */
export const ROUND_STATES = [
  'draft',
  'demand_collection',
  'demand_closed',
  'bidding',
  'bidding_closed',
  'opened',
  'publicity',
  'awarded',
  'in_execution',
  'completed',
  'cancelled',
] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const ROUND_ACTIONS = [
  'open_demand',
  'close_demand',
  'open_bidding',
  'close_bidding',
  'open',
  'publish',
  'award',
  'start_execution',
  'complete',
  'cancel',
] as const;
export type RoundAction = (typeof ROUND_ACTIONS)[number];

interface Transition {
  from: readonly RoundState[];
  to: RoundState;
}

/**
 * Once a round is awarded, agreements bind hospitals and suppliers, so it can no longer be
 * cancelled; up to the end of publicity the result is only provisional.
 */
const CANCELLABLE: readonly RoundState[] = [
  'draft',
  'demand_collection',
  'demand_closed',
  'bidding',
  'bidding_closed',
  'opened',
  'publicity',
];

const TRANSITIONS: Record<RoundAction, Transition> = {
  open_demand: { from: ['draft'], to: 'demand_collection' },
  close_demand: { from: ['demand_collection'], to: 'demand_closed' },
  open_bidding: { from: ['demand_closed'], to: 'bidding' },
  close_bidding: { from: ['bidding'], to: 'bidding_closed' },
  open: { from: ['bidding_closed'], to: 'opened' },
  publish: { from: ['opened'], to: 'publicity' },
  award: { from: ['publicity'], to: 'awarded' },
  start_execution: { from: ['awarded'], to: 'in_execution' },
  complete: { from: ['in_execution'], to: 'completed' },
  cancel: { from: CANCELLABLE, to: 'cancelled' },
};

/** The state `action` leads to from `state`; an illegal transition is a 409 naming the state. */
export function nextState(state: RoundState, action: RoundAction): RoundState {
  const { from, to } = TRANSITIONS[action];
  if (!from.includes(state))
    throw procurementError(
      'ROUND_STATE_CONFLICT',
      `Round is ${state}: ${action} is allowed only when the round is ${from.join(' or ')}`,
      { state, action, allowedFrom: [...from] },
    );
  return to;
}

/** The actions that are legal from `state`, in the order of ROUND_ACTIONS. */
export function allowedActions(state: RoundState): RoundAction[] {
  return ROUND_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(state));
}

const MAIN_LINE: readonly RoundState[] = ROUND_STATES.filter((s) => s !== 'cancelled');

/**
 * Whether `state` comes strictly before `other` along the main line. A cancelled round has left
 * the line, so it is neither before nor after any state.
 */
export function isBefore(state: RoundState, other: RoundState): boolean {
  const a = MAIN_LINE.indexOf(state);
  const b = MAIN_LINE.indexOf(other);
  return a >= 0 && b >= 0 && a < b;
}

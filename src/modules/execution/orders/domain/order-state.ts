import { executionError } from '../../execution.errors';

/** §E1 purchase-order life cycle. */
export const ORDER_STATES = [
  'draft',
  'placed',
  'partially_delivered',
  'delivered',
  'closed',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/**
 * What the hospital does to an order, and what deliveries and acceptance decisions do to it:
 * `deliver` is a delivery being recorded, `reconcile` the state following the quantities after
 * a delivery or a rejection.
 */
export const ORDER_ACTIONS = ['place', 'cancel', 'deliver', 'reconcile', 'close'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/**
 * Transition table. Cancelling is for orders nothing was delivered against (a placed order
 * without deliveries is still `placed`); closing ends an order whose goods have come, or whose
 * rest the hospital no longer wants.
 */
const ALLOWED_FROM: Record<OrderAction, readonly OrderState[]> = {
  place: ['draft'],
  cancel: ['draft', 'placed'],
  deliver: ['placed', 'partially_delivered'],
  reconcile: ['partially_delivered', 'delivered'],
  close: ['partially_delivered', 'delivered'],
};

/** Throws the 409 naming the current state when `action` is not legal from `state`. */
export function assertAllowed(state: OrderState, action: OrderAction, code: string): void {
  const from = ALLOWED_FROM[action];
  if (!from.includes(state))
    throw executionError(
      'ORDER_STATE_CONFLICT',
      `Order ${code} is ${state}: ${action} is allowed only when it is ${from.join(' or ')}`,
      { state, action, allowedFrom: [...from] },
    );
}

/** The actions legal from `state`, for the order view. */
export function allowedActions(state: OrderState): OrderAction[] {
  return (['place', 'cancel', 'deliver', 'close'] as const).filter((a) =>
    ALLOWED_FROM[a].includes(state),
  );
}

/**
 * The state after deliveries changed (a delivery recorded, a line rejected): `delivered` when no
 * line has anything outstanding, else `partially_delivered` — an order something was delivered
 * against never goes back to `placed`, so it can no longer be cancelled.
 */
export function stateAfterDeliveries(
  state: OrderState,
  action: 'deliver' | 'reconcile',
  anyOutstanding: boolean,
  code: string,
): OrderState {
  assertAllowed(state, action, code);
  return anyOutstanding ? 'partially_delivered' : 'delivered';
}

export function nextState(state: OrderState, action: 'place' | 'cancel' | 'close', code: string) {
  assertAllowed(state, action, code);
  const to: Record<typeof action, OrderState> = {
    place: 'placed',
    cancel: 'cancelled',
    close: 'closed',
  };
  return to[action];
}

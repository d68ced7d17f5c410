import { DomainError } from '../../../../common/errors/domain-error';
import { allowedActions, nextState, OrderState, stateAfterDeliveries } from './order-state';

function conflict(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected a conflict');
}

describe('order state table (§E1)', () => {
  it.each<[OrderState, 'place' | 'cancel' | 'close', OrderState]>([
    ['draft', 'place', 'placed'],
    ['draft', 'cancel', 'cancelled'],
    ['placed', 'cancel', 'cancelled'],
    ['partially_delivered', 'close', 'closed'],
    ['delivered', 'close', 'closed'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextState(from, action, 'PO1')).toBe(to);
  });

  it.each<[OrderState, 'place' | 'cancel' | 'close']>([
    ['placed', 'place'],
    ['delivered', 'place'],
    ['cancelled', 'place'],
    ['partially_delivered', 'cancel'],
    ['delivered', 'cancel'],
    ['closed', 'cancel'],
    ['cancelled', 'cancel'],
    ['draft', 'close'],
    ['placed', 'close'],
    ['closed', 'close'],
    ['cancelled', 'close'],
  ])('refuses %s --%s--> with a 409 naming the state', (from, action) => {
    const err = conflict(() => nextState(from, action, 'PO1'));
    expect(err.code).toBe('EXECUTION.ORDER_STATE_CONFLICT');
    expect(err.status).toBe(409);
    expect(err.message).toContain(`is ${from}`);
    expect(err.details).toMatchObject({ state: from, action });
  });

  it.each<[OrderState, 'deliver' | 'reconcile', boolean, OrderState | 'conflict']>([
    ['placed', 'deliver', true, 'partially_delivered'],
    ['placed', 'deliver', false, 'delivered'],
    ['partially_delivered', 'deliver', false, 'delivered'],
    ['partially_delivered', 'deliver', true, 'partially_delivered'],
    ['delivered', 'reconcile', true, 'partially_delivered'],
    ['partially_delivered', 'reconcile', true, 'partially_delivered'],
    ['draft', 'deliver', true, 'conflict'],
    ['delivered', 'deliver', true, 'conflict'],
    ['closed', 'deliver', true, 'conflict'],
    ['cancelled', 'deliver', true, 'conflict'],
    ['closed', 'reconcile', true, 'conflict'],
  ])('%s after %s with outstanding=%s → %s', (from, action, anyOutstanding, expected) => {
    if (expected === 'conflict')
      expect(conflict(() => stateAfterDeliveries(from, action, anyOutstanding, 'PO1')).code).toBe(
        'EXECUTION.ORDER_STATE_CONFLICT',
      );
    else expect(stateAfterDeliveries(from, action, anyOutstanding, 'PO1')).toBe(expected);
  });

  it.each<[OrderState, string[]]>([
    ['draft', ['place', 'cancel']],
    ['placed', ['cancel', 'deliver']],
    ['partially_delivered', ['deliver', 'close']],
    ['delivered', ['close']],
    ['closed', []],
    ['cancelled', []],
  ])('allowed actions from %s: %j', (state, actions) => {
    expect(allowedActions(state)).toEqual(actions);
  });
});

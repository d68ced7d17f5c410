import { DomainError } from '../../../common/errors/domain-error';
import { apiKeyState, checkApiKeyExpiry } from './api-key-rules';

const now = new Date('2026-03-01T00:00:00Z');
const before = new Date('2026-02-28T23:59:59Z');
const after = new Date('2026-03-01T00:00:01Z');

describe('api key rules', () => {
  it.each([
    [null, null],
    [after, null],
    [now, 'COMMON.VALIDATION_FAILED'],
    [before, 'COMMON.VALIDATION_FAILED'],
  ])('expiry %p → %s', (expiresAt, error) => {
    let code: string | null = null;
    try {
      checkApiKeyExpiry(expiresAt, now);
    } catch (e) {
      code = (e as DomainError).code;
    }
    expect(code).toBe(error);
  });

  it.each([
    [{ revokedAt: null, expiresAt: null }, 'active'],
    [{ revokedAt: null, expiresAt: after }, 'active'],
    [{ revokedAt: null, expiresAt: before }, 'expired'],
    [{ revokedAt: before, expiresAt: before }, 'revoked'],
    [{ revokedAt: before, expiresAt: null }, 'revoked'],
  ])('%o is %s', (key, state) => {
    expect(apiKeyState(key, now)).toBe(state);
  });
});

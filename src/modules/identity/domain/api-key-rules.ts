import { commonError } from '../../../common/errors/domain-error';

export type ApiKeyState = 'active' | 'expired' | 'revoked';

export function checkApiKeyExpiry(expiresAt: Date | null, now: Date): void {
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw commonError('VALIDATION_FAILED', 'expiresAt: must be in the future', {
      fields: [{ field: 'expiresAt', problems: ['must be in the future'] }],
    });
  }
}

export function apiKeyState(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): ApiKeyState {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

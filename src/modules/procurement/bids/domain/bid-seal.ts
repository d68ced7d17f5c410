import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { procurementError } from '../../procurement.errors';

/**
 * §P4 encryption at rest until opening: bid prices are sealed with AES-256-GCM under a key per
 * round, so a dump taken before opening reveals nothing, and GCM's tag makes a wrong key or an
 * altered row fail loudly instead of yielding a wrong price.
 */

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function broken(message: string, aad: string) {
  return procurementError('BID_SEAL_BROKEN', `Sealed bid ${aad} cannot be opened: ${message}`, {
    aad,
  });
}

/** HKDF-SHA256 of the server secret, with the round id in `info` so each round has its own key. */
export function roundSealKey(secret: string, roundId: string): Buffer {
  // An empty secret would derive a key anyone can recompute.
  if (secret === '')
    throw procurementError('BID_SEAL_BROKEN', 'BID_SEAL_KEY is empty; bids cannot be sealed');
  return Buffer.from(
    hkdfSync('sha256', secret, '', `jicai/bid-seal/${VERSION}/round/${roundId}`, KEY_BYTES),
  );
}

/**
 * Encrypts `plaintext` with a fresh random IV. `aad` binds the result to one bid version
 * (`bid:<bidId>:v<version>`), so a sealed price copied onto another bid or version does not open.
 */
export function seal(key: Buffer, plaintext: string, aad: string): string {
  if (key.length !== KEY_BYTES)
    throw procurementError(
      'BID_SEAL_BROKEN',
      `A bid seal key must be ${KEY_BYTES} bytes, got ${key.length}`,
      { aad },
    );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ...[iv, tag, ciphertext].map((b) => b.toString('base64url'))].join('.');
}

/** Strict base64url: the one canonical spelling of the bytes, so no two texts open alike. */
function decodePart(part: string): Buffer | null {
  if (!BASE64URL.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

/** Decrypts a sealed text; anything but the exact key, AAD and text throws BID_SEAL_BROKEN. */
export function unseal(key: Buffer, sealed: string, aad: string): string {
  if (key.length !== KEY_BYTES)
    throw broken(`the seal key must be ${KEY_BYTES} bytes, got ${key.length}`, aad);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw broken(`the sealed text is not of the form ${VERSION}.<iv>.<tag>.<ciphertext>`, aad);
  const [iv, tag, ciphertext] = parts.slice(1).map(decodePart);
  if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw broken('the sealed text is malformed', aad);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw broken(
      'authentication failed (wrong BID_SEAL_KEY, a different bid version, or an altered text)',
      aad,
    );
  }
}

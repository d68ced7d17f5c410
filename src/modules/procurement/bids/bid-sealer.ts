import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../../../common/auth/actor';
import { AppConfig } from '../../../config/config';
import { APP_CONFIG } from '../../../config/config.module';
import { SealedActor } from '../../audit/audit.service';
import { procurementError } from '../procurement.errors';
import { roundSealKey, seal, unseal } from './domain/bid-seal';

/** What a bid version keeps sealed: its pack price and its receipt nonce. */
export interface SealedTerms {
  /** Scale-4 decimal string. */
  packPrice: string;
  /** 32 lower-case hex characters. */
  nonce: string;
}

const PACK_PRICE = /^\d{1,12}\.\d{4}$/;
const NONCE = /^[0-9a-f]{32}$/;

function aadOf(bidId: string, version: number): string {
  return `bid:${bidId}:v${version}`;
}

function isSealedTerms(value: unknown): value is SealedTerms {
  const v = value as Partial<SealedTerms> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.packPrice === 'string' &&
    PACK_PRICE.test(v.packPrice) &&
    typeof v.nonce === 'string' &&
    NONCE.test(v.nonce)
  );
}

/**
 * §P4 encryption at rest with the server's BID_SEAL_KEY: seals and opens bid versions under
 * their round's key, and names bidders by pseudonym in the audit log until opening.
 */
@Injectable()
export class BidSealer {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  keyFor(roundId: string): Buffer {
    return roundSealKey(this.config.bidSealKey, roundId);
  }

  /** 128 random bits: what keeps a receipt digest from being brute-forced over likely prices. */
  newNonce(): string {
    return randomBytes(16).toString('hex');
  }

  seal(roundId: string, bidId: string, version: number, terms: SealedTerms): string {
    const plaintext = JSON.stringify({ packPrice: terms.packPrice, nonce: terms.nonce });
    return seal(this.keyFor(roundId), plaintext, aadOf(bidId, version));
  }

  /** The sealed terms of one version; anything but a well-formed payload is BID_SEAL_BROKEN. */
  unseal(roundId: string, bidId: string, version: number, sealed: string): SealedTerms {
    const aad = aadOf(bidId, version);
    const text = unseal(this.keyFor(roundId), sealed, aad);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!isSealedTerms(parsed))
      throw procurementError(
        'BID_SEAL_BROKEN',
        `Sealed bid ${aad} opened but does not hold a pack price and a nonce`,
        { aad },
      );
    return { packPrice: parsed.packPrice, nonce: parsed.nonce };
  }

  /** Any other text of the round sealed under its key (a bid upload's row problems). */
  sealText(roundId: string, text: string, aad: string): string {
    return seal(this.keyFor(roundId), text, aad);
  }

  unsealText(roundId: string, sealed: string, aad: string): string {
    return unseal(this.keyFor(roundId), sealed, aad);
  }

  /**
   * The audit log's name for a bidder in one round: an HMAC of the acting user under a key of
   * its own derived for the round (not the sealing key itself, so one key has one use). Stable
   * within the round, so a bidder's actions stay linked; unlinkable across rounds and to the
   * person without BID_SEAL_KEY.
   */
  pseudonym(roundId: string, actor: Actor): SealedActor {
    const key = Buffer.from(
      hkdfSync('sha256', this.config.bidSealKey, '', `jicai/bid-audit/v1/round/${roundId}`, 32),
    );
    const id = createHmac('sha256', key)
      .update(`${actor.kind}:${actor.id}`, 'utf8')
      .digest('hex')
      // The audit log's actor id column holds 32 characters: 128 bits.
      .slice(0, 32);
    return { kind: 'sealed', id, name: 'sealed bidder' };
  }
}

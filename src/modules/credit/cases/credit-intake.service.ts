import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { Organisation } from '../../identity/organisations/organisation.entity';
import { Region } from '../../identity/regions/region.entity';
import { User } from '../../identity/users/user.entity';
import { CreditReferralInput } from '../../monitoring/cases/credit-referral';
import { creditError } from '../credit.errors';
import { CaseRecorder } from './case-recorder.service';
import { chinaDate } from '../ratings/domain/rating';
import { checkAmount, checkBehaviour } from './domain/case-rules';

/** A case handed to credit by another context: a price case (§M6) or a supply failure (§K5). */
export type CreditEscalation = CreditReferralInput & {
  sourceType: 'price_case' | 'supply_failure';
};

/**
 * §K1 intake of escalated cases. Records the case in status `recorded` — a supervisor rates it —
 * inside the caller's transaction, so the referral and the case exist together or not at all.
 * The case is recorded in the name of the user who referred it, under that user's authority.
 */
@Injectable()
export class CreditIntake {
  constructor(
    private readonly clock: Clock,
    private readonly recorder: CaseRecorder,
  ) {}

  async escalate(
    manager: EntityManager,
    input: CreditEscalation,
  ): Promise<{ creditCaseId: string; creditCaseCode: string }> {
    const now = this.clock.now();
    const actor = await this.referrer(manager, input.referredBy);
    const sourceRef = input.sourceRef.trim();
    if (sourceRef === '' || sourceRef.length > 200)
      throw creditError(
        'CASE_SOURCE_INVALID',
        'sourceRef: the referring case code must be 1 to 200 characters',
        { field: 'sourceRef' },
      );
    const { case: recorded } = await this.recorder.record(
      manager,
      actor,
      {
        supplierId: input.supplierId,
        behaviour: checkBehaviour(input.behaviour),
        amount: checkAmount(input.amount),
        productIds: input.productIds,
        sourceType: input.sourceType,
        sourceRef,
        sourceDate: chinaDate(now),
        summary: input.summary.trim() || null,
        fields: { supplier: 'supplierId', products: 'productIds' },
      },
      now,
    );
    return { creditCaseId: recorded.id, creditCaseCode: recorded.code };
  }

  /** The referring user as an actor of its authority, for the case's scope and the audit log. */
  private async referrer(m: EntityManager, userId: string): Promise<Actor> {
    const user = /^\d{1,18}$/.test(userId)
      ? await m.getRepository(User).findOneBy({ id: userId })
      : null;
    const org = user
      ? await m.getRepository(Organisation).findOneBy({ id: user.organisationId })
      : null;
    if (!user || !org || org.type !== 'authority')
      throw creditError(
        'CASE_SUPPLIER_INVALID',
        `referredBy: ${userId} is not a user of an authority`,
        { field: 'referredBy' },
      );
    const region = org.regionCode
      ? await m.getRepository(Region).findOneBy({ code: org.regionCode })
      : null;
    return {
      kind: 'user',
      id: user.id,
      name: user.displayName,
      orgId: org.id,
      orgType: 'authority',
      roles: user.roles,
      scopes: [],
      regionCode: org.regionCode,
      regionPath: region?.path ?? null,
    };
  }
}

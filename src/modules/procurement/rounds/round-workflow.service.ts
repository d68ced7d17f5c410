import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../../../common/auth/actor';
import { Clock } from '../../../common/clock';
import { TransactionRunner } from '../../../database/transaction-runner';
import { JobQueue } from '../../../jobs/job-queue';
import { AuditService, SYSTEM } from '../../audit/audit.service';
import { AwardsService } from '../awards/awards.service';
import { LotsService } from '../lots/lots.service';
import { procurementError } from '../procurement.errors';
import { OpeningService } from '../results/opening.service';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { nextState, RoundAction } from './domain/round-state';
import { assertTimeAllows, dueAction } from './domain/timeline';
import { RoundView } from './dto/round.dto';
import { Round } from './round.entity';
import { roundView, RoundsService, timelineOf } from './rounds.service';

type Who = Actor | typeof SYSTEM;

/**
 * §P1 the round's state machine with its side effects: participants at demand opening, the rule
 * set frozen at bidding opening, the opening itself, and the award. One transaction per
 * transition, so a failed opening or award leaves the round where it was.
 */
@Injectable()
export class RoundWorkflow {
  private readonly logger = new Logger('rounds');

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly rounds: RoundsService,
    private readonly lots: LotsService,
    private readonly ruleSets: RuleSetsService,
    private readonly opening: OpeningService,
    private readonly awards: AwardsService,
    private readonly jobs: JobQueue,
  ) {}

  async transition(
    actor: Actor,
    id: string,
    action: RoundAction,
    reason: string | null,
  ): Promise<RoundView> {
    if (action === 'cancel' && !reason?.trim())
      throw procurementError(
        'ROUND_CANCEL_REASON_REQUIRED',
        'reason: say why the round is cancelled',
        {
          field: 'reason',
        },
      );
    const round = await this.tx.run(async (m) => {
      const round = await this.rounds.lockVisible(m, actor, id);
      // Opening a round whose deadline has passed also closes its bidding, as the timer would.
      if (action === 'open' && round.status === 'bidding')
        await this.apply(m, actor, round, 'close_bidding', null);
      await this.apply(m, actor, round, action, reason);
      return round;
    });
    // After the award commits, settlement sets the round's payment standards (§S5); the job
    // id makes a repeated enqueue one job, and the handler skips a round already done.
    if (action === 'award')
      await this.jobs.enqueue(
        'settlement',
        'payment-standards-on-award',
        { roundId: round.id },
        { jobId: `payment-standards:${round.id}` },
      );
    return roundView(round);
  }

  /**
   * The timer: every round due for a timed transition (demand close, bidding deadline, opening)
   * gets it, each in its own transaction. Safe to run twice: a round already moved is skipped.
   */
  async runDue(): Promise<number> {
    const now = this.clock.now();
    const candidates = await this.tx.run((m) =>
      m
        .getRepository(Round)
        .createQueryBuilder('r')
        .where('r.status IN (:...states)', {
          states: ['demand_collection', 'bidding', 'bidding_closed'],
        })
        .getMany(),
    );
    let moved = 0;
    for (const candidate of candidates) {
      if (!dueAction(candidate.status, timelineOf(candidate), now)) continue;
      try {
        await this.tx.run(async (m) => {
          const round = await this.rounds.lock(m, candidate.id);
          let action = dueAction(round.status, timelineOf(round), this.clock.now());
          while (action) {
            await this.apply(m, SYSTEM, round, action, null);
            moved++;
            action = dueAction(round.status, timelineOf(round), this.clock.now());
          }
        });
      } catch (err) {
        // One broken round (a lost seal key …) must not stop the others; it is retried next tick.
        this.logger.error({
          msg: 'timed transition failed',
          round: candidate.code,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return moved;
  }

  private async apply(
    m: EntityManager,
    who: Who,
    round: Round,
    action: RoundAction,
    reason: string | null,
  ): Promise<void> {
    const from = round.status;
    const to = nextState(from, action);
    const now = this.clock.now();
    assertTimeAllows(action, timelineOf(round), now, round.publishedAt);
    let effects: Record<string, unknown> = {};
    switch (action) {
      case 'open_demand': {
        const lots = await this.lots.lotsOfRound(m, round.id);
        if (lots.length === 0)
          throw procurementError('ROUND_NOT_READY', `Round ${round.code} has no lots yet`, {
            state: from,
          });
        effects = { participantsAdded: await this.rounds.materialiseParticipants(m, round) };
        break;
      }
      case 'open_bidding':
        effects = await this.freezeRuleSet(m, round);
        break;
      case 'open':
        effects = await this.opening.open(m, round, who);
        round.openedAt = now;
        break;
      case 'publish':
        round.publishedAt = now;
        break;
      case 'award':
        effects = await this.awards.award(m, round, who);
        round.awardedAt = now;
        break;
      case 'complete':
        effects = await this.awards.complete(m, round);
        break;
      case 'cancel':
        round.cancelReason = reason!.trim();
        break;
      default:
        break;
    }
    round.status = to;
    round.updatedAt = now;
    await m.getRepository(Round).save(round);
    await this.audit.record(
      m,
      who,
      `round.${action}`,
      { type: 'round', id: round.id },
      {
        before: { status: from },
        after: { status: to, ...(reason ? { reason } : {}), ...effects },
      },
    );
  }

  private async freezeRuleSet(m: EntityManager, round: Round): Promise<Record<string, unknown>> {
    const lots = await this.lots.lotsOfRound(m, round.id);
    for (const lot of lots) {
      if ((await this.lots.admittedProductIds(m, lot.id)).length === 0)
        throw procurementError(
          'ROUND_NOT_READY',
          `Lot ${lot.code} of round ${round.code} has no admitted specification`,
          { lotId: lot.id },
        );
    }
    const frozen = await this.ruleSets.getFrozen(round.ruleSetId);
    round.ruleSetSha256 = frozen.sha256;
    round.ruleSetFrozenAt = this.clock.now();
    return { ruleSet: `${frozen.name}@${frozen.version}`, ruleSetSha256: frozen.sha256 };
  }
}

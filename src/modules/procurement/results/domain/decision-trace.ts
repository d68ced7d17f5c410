import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../../common/canonical-json';
import { BidInput, LotInput, selectWinners, SelectionResult } from '../../selection/domain/select';
import { RuleSetParameters } from '../../selection/domain/rule-set';

/**
 * §P7 the decision trace of one lot result: everything the engine was given and everything it
 * answered. Replaying it must give the stored output byte for byte (in canonical JSON).
 */
export interface TraceBid extends Omit<
  BidInput,
  'submittedAt' | 'packPrice' | 'strength' | 'capacity'
> {
  packPrice: string;
  strength: string;
  capacity: string;
  submittedAt: string;
  bidId: string;
  productId: string;
}

export interface DecisionTrace {
  engineVersion: string;
  round: { id: string; code: string };
  lot: { id: string; code: string };
  ruleSet: { id: string; name: string; version: number; sha256: string };
  lotOverrides: unknown;
  parameters: RuleSetParameters;
  lotInput: {
    maxValidUnitPrice: string;
    representative: { strength: string; strengthUnit: string; dosageForm: string };
    dosageFormClass: LotInput['dosageFormClass'];
  };
  bids: TraceBid[];
  revivalAnswers: Record<string, boolean>;
  excluded: Array<{ bid: string; reason: string }>;
  output: SelectionResult;
}

export function runTrace(trace: Omit<DecisionTrace, 'output' | 'engineVersion'>): SelectionResult {
  return selectWinners(
    trace.lotInput,
    trace.parameters,
    trace.bids.map((b) => ({
      id: b.id,
      supplierId: b.supplierId,
      packPrice: b.packPrice,
      packSize: b.packSize,
      strength: b.strength,
      strengthUnit: b.strengthUnit,
      dosageForm: b.dosageForm,
      submittedAt: new Date(b.submittedAt),
      capacity: b.capacity,
    })),
    { revivalAnswers: trace.revivalAnswers },
  );
}

export function traceDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export interface ReplayOutcome {
  reproduced: boolean;
  storedEngineVersion: string;
  storedOutputSha256: string;
  replayedOutputSha256: string;
  /** Bid ids whose computed result differs. */
  differingBids: string[];
}

/** Re-runs a stored trace and compares the outputs in canonical form. */
export function replay(trace: DecisionTrace): ReplayOutcome {
  const again = runTrace(trace);
  const stored = traceDigest(trace.output);
  const replayed = traceDigest(again);
  const before = new Map(trace.output.bids.map((b) => [b.id, canonicalJson(b)]));
  return {
    reproduced: stored === replayed,
    storedEngineVersion: trace.engineVersion,
    storedOutputSha256: stored,
    replayedOutputSha256: replayed,
    differingBids: again.bids.filter((b) => before.get(b.id) !== canonicalJson(b)).map((b) => b.id),
  };
}

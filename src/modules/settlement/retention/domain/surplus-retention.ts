import { Decimal, roundTo, SCALE } from '../../../../database/decimal';

/**
 * §S6 surplus retention (结余留用) for one hospital × lot × agreement year:
 *
 *   budget   = agreed quantity × pre-VBP weighted average unit price × fund payment ratio × insured share
 *   surplus  = budget − fund spending on the lot's winning products, up to the agreed quantity
 *   retained = surplus × the share of the hospital's grade, when the agreed volume is completed
 *
 * Quantities are in smallest units of the lot's representative spec (§E4). Figures that become
 * final are rounded once, half up: the pre-VBP average (a unit price, 6 decimals), the budget,
 * the counted spending and the retained amount (2 decimals). The surplus is the difference of two
 * 2-decimal figures, so it is exact.
 */

export interface RetentionGrade {
  grade: string;
  /** The score the grade starts at, in points. */
  minScore: Decimal.Value;
  /** Whether a score equal to minScore belongs to this grade (≥) or to the next one down (>). */
  minInclusive: boolean;
  /** Share of the surplus the hospital keeps, 0 to 1. */
  share: Decimal.Value;
}

export interface RetentionParameters {
  /** From the best grade down; the last must start at 0 inclusive so that every score has one. */
  grades: readonly RetentionGrade[];
  /** No retention unless the agreed quantity has been bought (§S6 default: true). */
  requireCompletion: boolean;
}

/** §S6 defaults: A > 80 → 50 %, B 70–80 → 40 %, C 60–70 → 30 %, D < 60 → 0 %. */
export const DEFAULT_RETENTION_PARAMETERS: RetentionParameters = {
  grades: [
    { grade: 'A', minScore: '80', minInclusive: false, share: '0.5' },
    // "70–80": 80 itself is not "> 80", so it is a B; 70 is a B too, the top of C is below 70.
    { grade: 'B', minScore: '70', minInclusive: true, share: '0.4' },
    { grade: 'C', minScore: '60', minInclusive: true, share: '0.3' },
    { grade: 'D', minScore: '0', minInclusive: true, share: '0' },
  ],
  requireCompletion: true,
};

export interface WinningPurchase {
  productId: string;
  /** Bought in the agreement year, in representative smallest units. */
  quantity: string;
  /** What the fund paid for those purchases (its share of the amount), 2 decimals. */
  fundSpending: string;
}

export interface RetentionInput {
  /** Σ agreed quantity of the hospital's agreements on the lot for the year. */
  agreedQuantity: string;
  /** The hospital's purchases of the generic in the year before VBP: totals. */
  preVbp: { quantity: string; amount: string };
  /** Share of a purchase the fund pays, 0 to 1. */
  fundPaymentRatio: string;
  /** Share of the hospital's use by insured patients, 0 to 1. */
  insuredShare: string;
  /** One row per winning product of the lot. */
  purchases: readonly WinningPurchase[];
  /** The hospital's completion score, 0 to 100 points. */
  completionScore: string;
}

export interface ExplanationLine {
  /** Stable key, for storage and translation. */
  key: string;
  /** The value, as stored. */
  value: string;
  /** How the value was obtained, with the figures; absent for an input. */
  formula?: string;
}

export interface RetentionResult {
  preVbpUnitPrice: string;
  budget: string;
  purchasedQuantity: string;
  excessQuantity: string;
  fundSpending: string;
  /** Spending on at most the agreed quantity. */
  countedSpending: string;
  /** Negative when the hospital spent more than its budget. */
  surplus: string;
  completed: boolean;
  grade: string;
  retainedShare: string;
  retained: string;
  /** Every input, then every step, in order. */
  explanation: ExplanationLine[];
}

const QUANTITY = new RegExp(`^\\d{1,15}(\\.\\d{1,${SCALE.quantity}})?$`);
const AMOUNT = new RegExp(`^\\d{1,16}(\\.\\d{1,${SCALE.amount}})?$`);
const FRACTION = /^\d(\.\d{1,6})?$/;
const SCORE = /^\d{1,3}(\.\d{1,2})?$/;

function parse(field: string, value: string, shape: RegExp, what: string, max?: number): Decimal {
  if (
    typeof value !== 'string' ||
    !shape.test(value) ||
    (max !== undefined && new Decimal(value).gt(max))
  )
    throw new Error(`${field}: must be ${what}, got ${JSON.stringify(value)}`);
  return new Decimal(value);
}

const quantity = (d: Decimal.Value) => roundTo(d, SCALE.quantity);
const amount = (d: Decimal.Value) => roundTo(d, SCALE.amount);
const plain = (d: Decimal.Value) => new Decimal(d).toFixed();

function checkGrades(grades: readonly RetentionGrade[]): void {
  if (grades.length === 0) throw new Error('grades: at least one grade is needed');
  grades.forEach((g, i) => {
    const min = new Decimal(g.minScore);
    const share = new Decimal(g.share);
    if (!share.isFinite() || share.lt(0) || share.gt(1))
      throw new Error(`grades[${i}].share: must be from 0 to 1, got ${share.toString()}`);
    if (i > 0 && !min.lt(grades[i - 1].minScore))
      throw new Error(`grades[${i}].minScore: must be below grades[${i - 1}].minScore`);
  });
  const last = grades[grades.length - 1];
  if (!new Decimal(last.minScore).isZero() || !last.minInclusive)
    throw new Error(`grades[${grades.length - 1}]: the last grade must start at 0 inclusive`);
}

/** The grade of a score: the first, from the top, whose lower bound it reaches. */
export function retentionGrade(
  score: Decimal.Value,
  grades: readonly RetentionGrade[] = DEFAULT_RETENTION_PARAMETERS.grades,
): RetentionGrade {
  checkGrades(grades);
  const s = new Decimal(score);
  const found = grades.find((g) => (g.minInclusive ? s.gte(g.minScore) : s.gt(g.minScore)));
  if (!found) throw new Error(`completionScore: ${s.toString()} is below every grade`);
  return found;
}

export function surplusRetention(
  input: RetentionInput,
  params: RetentionParameters = DEFAULT_RETENTION_PARAMETERS,
): RetentionResult {
  const qtyShape = `a decimal string ≥ 0 with at most ${SCALE.quantity} decimals`;
  const amountShape = `a decimal string ≥ 0 with at most ${SCALE.amount} decimals`;
  const fractionShape = 'a decimal string from 0 to 1 with at most 6 decimals';
  const agreed = parse('agreedQuantity', input.agreedQuantity, QUANTITY, qtyShape);
  const preQuantity = parse('preVbp.quantity', input.preVbp.quantity, QUANTITY, qtyShape);
  const preAmount = parse('preVbp.amount', input.preVbp.amount, AMOUNT, amountShape);
  // Without purchases before VBP there is no baseline price: the service must supply another
  // one (a regional average, say) as totals rather than have the budget silently zero.
  if (preQuantity.isZero())
    throw new Error('preVbp.quantity: the pre-VBP baseline needs a quantity greater than 0');
  const ratio = parse('fundPaymentRatio', input.fundPaymentRatio, FRACTION, fractionShape, 1);
  const insured = parse('insuredShare', input.insuredShare, FRACTION, fractionShape, 1);
  const score = parse(
    'completionScore',
    input.completionScore,
    SCORE,
    'a decimal string from 0 to 100 with at most 2 decimals',
    100,
  );
  const seen = new Set<string>();
  const purchases = input.purchases.map((p, i) => {
    if (seen.has(p.productId))
      throw new Error(`purchases[${i}].productId: product ${p.productId} is listed twice`);
    seen.add(p.productId);
    return {
      productId: p.productId,
      quantity: parse(`purchases[${i}].quantity`, p.quantity, QUANTITY, qtyShape),
      fundSpending: parse(`purchases[${i}].fundSpending`, p.fundSpending, AMOUNT, amountShape),
    };
  });
  const grade = retentionGrade(score, params.grades);

  const lines: ExplanationLine[] = [
    { key: 'agreed_quantity', value: quantity(agreed) },
    { key: 'pre_vbp_quantity', value: quantity(preQuantity) },
    { key: 'pre_vbp_amount', value: amount(preAmount) },
    { key: 'fund_payment_ratio', value: plain(ratio) },
    { key: 'insured_share', value: plain(insured) },
    ...purchases.flatMap((p) => [
      { key: `purchase.${p.productId}.quantity`, value: quantity(p.quantity) },
      { key: `purchase.${p.productId}.fund_spending`, value: amount(p.fundSpending) },
    ]),
    { key: 'completion_score', value: plain(score) },
  ];

  const preVbpUnitPrice = roundTo(preAmount.div(preQuantity), SCALE.unitPrice);
  lines.push({
    key: 'pre_vbp_unit_price',
    value: preVbpUnitPrice,
    formula: `${amount(preAmount)} ÷ ${quantity(preQuantity)}`,
  });

  const budget = amount(agreed.times(preVbpUnitPrice).times(ratio).times(insured));
  lines.push({
    key: 'budget',
    value: budget,
    formula: `${quantity(agreed)} × ${preVbpUnitPrice} × ${plain(ratio)} × ${plain(insured)}`,
  });

  const purchased = Decimal.sum(0, ...purchases.map((p) => p.quantity));
  const spending = Decimal.sum(0, ...purchases.map((p) => p.fundSpending));
  const excess = Decimal.max(0, purchased.minus(agreed));
  lines.push(
    {
      key: 'purchased_quantity',
      value: quantity(purchased),
      formula: purchases.length ? purchases.map((p) => quantity(p.quantity)).join(' + ') : '0',
    },
    {
      key: 'excess_quantity',
      value: quantity(excess),
      formula: `max(0, ${quantity(purchased)} − ${quantity(agreed)})`,
    },
    {
      key: 'fund_spending',
      value: amount(spending),
      formula: purchases.length ? purchases.map((p) => amount(p.fundSpending)).join(' + ') : '0',
    },
  );

  // Purchases above the agreed quantity are excluded in the same proportion from every winning
  // product bought, i.e. valued at the year's average fund cost per unit: the result does not
  // depend on which product or which month the excess is attributed to, which the data cannot say.
  const counted = excess.isZero()
    ? amount(spending)
    : amount(spending.times(agreed).div(purchased));
  lines.push({
    key: 'counted_spending',
    value: counted,
    formula: excess.isZero()
      ? `${amount(spending)} (nothing above the agreed quantity)`
      : `${amount(spending)} × ${quantity(agreed)} ÷ ${quantity(purchased)}`,
  });

  const surplus = new Decimal(budget).minus(counted);
  lines.push({ key: 'surplus', value: amount(surplus), formula: `${budget} − ${counted}` });

  const completed = purchased.gte(agreed);
  lines.push({
    key: 'agreed_volume_completed',
    value: completed ? 'yes' : 'no',
    formula: `${quantity(purchased)} ${completed ? '≥' : '<'} ${quantity(agreed)}`,
  });

  const bound = `${grade.minInclusive ? '≥' : '>'} ${plain(grade.minScore)}`;
  lines.push({ key: 'grade', value: grade.grade, formula: `score ${plain(score)} ${bound}` });
  const share = new Decimal(grade.share);
  lines.push({ key: 'retained_share', value: plain(share), formula: `grade ${grade.grade}` });

  let retained: string;
  let formula: string;
  if (params.requireCompletion && !completed) {
    retained = amount(0);
    formula = 'agreed volume not completed: nothing retained';
  } else if (surplus.lte(0)) {
    retained = amount(0);
    formula = `surplus ${amount(surplus)} ≤ 0: nothing retained`;
  } else {
    retained = amount(surplus.times(share));
    formula = `${amount(surplus)} × ${plain(share)}`;
  }
  lines.push({ key: 'retained', value: retained, formula });

  return {
    preVbpUnitPrice,
    budget,
    purchasedQuantity: quantity(purchased),
    excessQuantity: quantity(excess),
    fundSpending: amount(spending),
    countedSpending: counted,
    surplus: amount(surplus),
    completed,
    grade: grade.grade,
    retainedShare: plain(share),
    retained,
    explanation: lines,
  };
}

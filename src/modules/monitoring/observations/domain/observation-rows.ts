import { Decimal, roundTo, SCALE } from '../../../../database/decimal';
import {
  comparablePrice,
  PriceParameters,
  Spec,
  unitPrice,
} from '../../../procurement/selection/domain/unit-price';
import { periodOf } from './partitions';

/**
 * §M1 an observation as the loaders write it: plain values, decimals as canonical strings at
 * their column scale.
 */
export interface ObservationRow {
  source: string;
  sourceRef: string;
  productId: string;
  genericKey: string;
  category: string;
  categoryPath: string | null;
  regionCode: string;
  hospitalId: string | null;
  supplierId: string | null;
  unitPrice: string;
  comparablePrice: string | null;
  quantity: string | null;
  observedOn: string;
  period: string;
  referenceKind: string | null;
}

/** The product facts an observation needs (a catalogue product, read-only). */
export interface ProductFacts {
  id: string;
  category: 'drug' | 'consumable';
  name: string;
  dosageForm: string | null;
  dosageFormClass: string | null;
  strength: Decimal | string | null;
  strengthUnit: string | null;
  packSize: number | null;
  categoryPath: string | null;
  specification: string | null;
}

/**
 * What converts a product's price to its lot's representative unit (§P5): the representative
 * spec and the price parameters of the most recent opened round whose lot admits the product.
 */
export interface ComparableBasis {
  representative: Spec;
  repPackSize: number;
  params: PriceParameters;
}

const KEY_MAX = 191;

/**
 * The "same generic/spec" grouping the rules compare within: drugs by normalised generic name,
 * dosage-form class and strength (`阿莫西林|oral_solid|250mg`), consumables by category path
 * and specification. Case and inner whitespace are normalised so spelling noise does not split
 * a group.
 */
export function genericKey(p: ProductFacts): string {
  const norm = (s: string | null) => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  let key: string;
  if (p.category === 'drug') {
    const strength =
      p.strength === null || p.strength === undefined
        ? ''
        : `${new Decimal(p.strength).toFixed()}${norm(p.strengthUnit)}`;
    key = `${norm(p.name)}|${p.dosageFormClass ?? ''}|${strength}`;
  } else {
    key = `${norm(p.categoryPath) || norm(p.name)}|${norm(p.specification)}`;
  }
  return key.slice(0, KEY_MAX);
}

/**
 * Unit and unit comparable price of a price quoted per pack (`packSize` smallest units; 1 for a
 * price already per smallest unit). The conversion is procurement's own (§P5 `comparablePrice`),
 * so a monitored price compares with the winning prices on exactly the same terms. Consumables
 * are compared per bidding unit, which is the representative itself: only the pack converts.
 */
export function pricesOf(
  product: ProductFacts,
  packPrice: Decimal.Value,
  packSize: number,
  basis: ComparableBasis | null,
): { unitPrice: string; comparablePrice: string | null } {
  const unit = roundTo(unitPrice(packPrice, packSize), SCALE.unitPrice);
  if (!basis) return { unitPrice: unit, comparablePrice: null };
  let spec: Spec = basis.representative;
  if (product.category === 'drug') {
    // A drug without a full spec cannot be converted: its comparable price stays unknown.
    if (product.strength === null || !product.strengthUnit || !product.dosageForm)
      return { unitPrice: unit, comparablePrice: null };
    spec = {
      strength: product.strength,
      strengthUnit: product.strengthUnit,
      dosageForm: product.dosageForm,
    };
  }
  const converted = comparablePrice(
    { ...spec, packPrice, packSize },
    basis.representative,
    basis.params,
  );
  return { unitPrice: unit, comparablePrice: converted.unitComparablePrice };
}

/** Smallest units per pack: the product's pack size, 1 where it has none (consumables). */
export function packSizeOf(product: ProductFacts): number {
  return product.packSize && product.packSize > 0 ? product.packSize : 1;
}

/** Quantity in packs → smallest units, at the quantity scale. */
export function unitsOf(packs: Decimal.Value, packSize: number): string {
  return roundTo(new Decimal(packs).times(packSize), SCALE.quantity);
}

/**
 * A row's common part from its product; `key` is the product's `genericKey` when the caller
 * already has it (a loader of a million rows computes it once per product, not per row). Every
 * field is written out rather than spread: bulk loaders hold thousands of these at a time, and
 * the spread-built object took several hundred bytes more per row than this literal.
 */
export function observationOf(
  product: ProductFacts,
  fields: Omit<ObservationRow, 'productId' | 'genericKey' | 'category' | 'categoryPath' | 'period'>,
  key: string = genericKey(product),
): ObservationRow {
  return {
    source: fields.source,
    sourceRef: fields.sourceRef,
    productId: product.id,
    genericKey: key,
    category: product.category,
    categoryPath: product.categoryPath,
    regionCode: fields.regionCode,
    hospitalId: fields.hospitalId,
    supplierId: fields.supplierId,
    unitPrice: fields.unitPrice,
    comparablePrice: fields.comparablePrice,
    quantity: fields.quantity,
    observedOn: fields.observedOn,
    period: periodOf(fields.observedOn),
    referenceKind: fields.referenceKind,
  };
}

import { parseDrugRow } from '../../modules/catalog/imports/domain/import-rows';
import {
  consumableCodeProblem,
  drugCodeProblem,
} from '../../modules/catalog/products/domain/product-codes';
import { ORGANISATION_CODE_PATTERN } from '../../modules/identity/domain/organisation-rules';
import { regionLevelOf } from '../../modules/identity/domain/region-rules';
import {
  BENCH_PROVINCE,
  drugImportCells,
  planDataset,
  planRegions,
  rowValues,
} from './dataset-plan';
import { SCALES } from './scale';

const small = planDataset('RUN0001', SCALES.small);

describe('planRegions', () => {
  const regions = planRegions();

  it('is a province, 13 cities and 104 counties', () => {
    const levels = regions.map((r) => r.level);
    expect(levels.filter((l) => l === 'province')).toHaveLength(1);
    expect(levels.filter((l) => l === 'city')).toHaveLength(13);
    expect(levels.filter((l) => l === 'county')).toHaveLength(104);
    expect(regions[0]).toMatchObject({ code: BENCH_PROVINCE, parentCode: null, path: '/090000/' });
  });

  it('has valid, unique codes, each under its parent, parents first', () => {
    const seen = new Map<string, string>();
    for (const r of regions) {
      expect(regionLevelOf(r.code)).toBe(r.level);
      expect(seen.has(r.code)).toBe(false);
      if (r.parentCode) expect(r.path).toBe(`${seen.get(r.parentCode)}${r.code}/`);
      seen.set(r.code, r.path);
    }
  });
});

describe('planDataset', () => {
  it.each([
    ['small', SCALES.small],
    ['province', SCALES.province],
  ])('has the %s sizes', (_name, scale) => {
    const plan = planDataset('RUN0001', scale);
    expect({
      hospitals: plan.hospitals.length,
      manufacturers: plan.manufacturers.length,
      distributors: plan.distributors.length,
      drugs: plan.drugs.length,
      consumables: plan.consumables.length,
      authorities: plan.authorities.length,
    }).toEqual({
      hospitals: scale.hospitals,
      manufacturers: scale.manufacturers,
      distributors: scale.distributors,
      drugs: scale.drugs,
      consumables: scale.consumables,
      authorities: plan.regions.length,
    });
  });

  it('gives every organisation a valid code under the run prefix, once', () => {
    const orgs = [
      ...small.authorities,
      ...small.hospitals,
      ...small.manufacturers,
      ...small.distributors,
    ];
    const codes = orgs.map((o) => o.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(ORGANISATION_CODE_PATTERN);
      expect(code.startsWith('RUN0001-')).toBe(true);
    }
  });

  it('places hospitals in counties with the fields a hospital needs', () => {
    const counties = new Set(
      planRegions()
        .filter((r) => r.level === 'county')
        .map((r) => r.code),
    );
    for (const h of small.hospitals) {
      expect(counties.has(h.regionCode!)).toBe(true);
      expect(h.hospitalKind).not.toBeNull();
      expect(h.grade).not.toBeNull();
      expect(h.isPublic).toBe(h.hospitalKind === 'public_hospital');
    }
    expect(new Set(small.hospitals.map((h) => h.hospitalKind)).size).toBe(4);
  });

  it('gives products valid, unique national codes and manufacturers of the plan', () => {
    const codes = [...small.drugs, ...small.consumables].map((p) => p.spec.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of small.drugs) expect(drugCodeProblem(d.spec.code)).toBeNull();
    for (const c of small.consumables) expect(consumableCodeProblem(c.spec.code)).toBeNull();
    for (const p of [...small.drugs, ...small.consumables]) {
      expect(p.manufacturer).toBeGreaterThanOrEqual(0);
      expect(p.manufacturer).toBeLessThan(small.manufacturers.length);
    }
    expect(new Set(small.drugs.map((d) => d.manufacturer)).size).toBe(small.manufacturers.length);
  });

  it.each([0, 1, 20])('prices drug %d per pack and per smallest unit', (i) => {
    const d = small.drugs[i];
    expect(d.packPrice).toMatch(/^\d+\.\d{2}$/);
    expect(d.unitPrice).toMatch(/^\d+\.\d{6}$/);
    const perUnit = Number(d.packPrice) / d.spec.packSize;
    expect(Math.abs(Number(d.unitPrice) - perUnit)).toBeLessThan(0.000001);
  });

  it('is the same for the same prefix and disjoint for another', () => {
    expect(planDataset('RUN0001', SCALES.small)).toEqual(small);
    const other = planDataset('RUN0002', SCALES.small);
    const mine = new Set(small.drugs.map((d) => d.spec.code));
    expect(other.drugs.some((d) => mine.has(d.spec.code))).toBe(false);
  });

  it.each(['run0001', 'RUN01', 'RUN-0001'])('refuses the prefix %s', (prefix) => {
    expect(() => planDataset(prefix, SCALES.small)).toThrow('run prefix');
  });
});

describe('drugImportCells', () => {
  const makers = small.manufacturers.map((m) => m.code);

  it.each([0, 1, 19, 20, 399, 19_999, 199_999])('row %d parses as the import parses it', (i) => {
    const parsed = parseDrugRow(drugImportCells('RUN0001', i, makers));
    expect(parsed.ok).toBe(true);
  });

  it('keeps import codes apart from the dataset and unique', () => {
    const dataset = new Set(small.drugs.map((d) => d.spec.code));
    const codes = Array.from(
      { length: 2000 },
      (_, i) => drugImportCells('RUN0001', i, makers).code,
    );
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.some((c) => dataset.has(c as string))).toBe(false);
  });

  it('writes the checked cells in ASCII', () => {
    const cells = drugImportCells('RUN0001', 0, makers);
    for (const key of [
      'code',
      'manufacturerCode',
      'dosageForm',
      'strength',
      'strengthUnit',
      'approvalNumber',
      'consistencyEvaluated',
      'originator',
      'essential',
      'negotiated',
      'reimbursable',
    ])
      expect(String(cells[key])).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('rowValues', () => {
  it('lays cells out under the header keys, null where a key has none', () => {
    expect(rowValues(['b', 'a', 'c'], { a: 1, b: 'x' })).toEqual(['x', 1, null]);
  });
});

import type { Actor } from '../../../common/auth/actor';
import { DomainError } from '../../../common/errors/domain-error';
import { canSeeImport, importScope, parseContextId, uploadFormat } from './import-access';

const actor = (over: Partial<Actor>): Actor => ({
  kind: 'user',
  id: '1',
  name: 'u',
  orgId: '10',
  orgType: 'authority',
  roles: ['admin'],
  scopes: [],
  regionCode: '320100',
  regionPath: '/320000/320100/',
  ...over,
});

type Uploaded = { organisationId: string; regionPath: string | null };
const own: Uploaded = { organisationId: '10', regionPath: '/320000/320100/' };
const below: Uploaded = { organisationId: '11', regionPath: '/320000/320100/320102/' };
const elsewhere: Uploaded = { organisationId: '12', regionPath: '/330000/' };
const nowhere: Uploaded = { organisationId: '13', regionPath: null };

describe('canSeeImport', () => {
  it.each<[string, Partial<Actor>, Uploaded, boolean]>([
    ['an admin, own org', {}, own, true],
    ['an admin, below its region', {}, below, true],
    ['an admin, another region', {}, elsewhere, false],
    ['an admin, an org without region', {}, nowhere, false],
    ['an auditor, below its region', { roles: ['auditor'] }, below, true],
    ['a platform admin, anywhere', { regionPath: null }, elsewhere, true],
    ['a platform admin, an org without region', { regionPath: null }, nowhere, true],
    ['an officer, below its region', { roles: ['procurement_officer'] }, below, false],
    ['an officer, own org', { roles: ['procurement_officer'] }, own, true],
    [
      'a hospital user, another hospital',
      { orgType: 'hospital', roles: ['hospital_user'], orgId: '20' },
      below,
      false,
    ],
    ['an API key of an authority, below', { kind: 'api_key', roles: [] }, below, false],
  ])('%s → %s', (_label, over, record, visible) => {
    expect(canSeeImport(importScope(actor(over)), record)).toBe(visible);
  });
});

describe('parseContextId', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['17', '17'],
    ['R2026-0001', 'R2026-0001'],
  ])('%j → %j', (raw, id) => expect(parseContextId(raw)).toBe(id));

  it.each([['-1'], ['a b'], ['x'.repeat(65)], [['1', '2']]])('refuses %j', (raw) => {
    expect(() => parseContextId(raw)).toThrow(DomainError);
  });
});

describe('uploadFormat', () => {
  it.each<[string, boolean, string]>([
    ['orgs.xlsx', false, 'xlsx'],
    ['ORGS.XLSX', false, 'xlsx'],
    ['机构 2026.xlsx', false, 'xlsx'],
    ['prices.xlsx', true, 'xlsx'],
    ['prices.csv', true, 'csv'],
    ['PRICES.CSV ', true, 'csv'],
  ])('reads %s (csv accepted: %s) as %s', (name, csv, format) => {
    expect(uploadFormat(name, csv)).toBe(format);
  });
  it.each<[string, boolean, string]>([
    ['orgs.csv', false, 'takes no .csv'],
    ['orgs.xls', false, 'Only .xlsx workbooks are accepted'],
    ['orgs.xlsx.exe', false, 'Only .xlsx workbooks are accepted'],
    ['orgs', false, 'Only .xlsx workbooks are accepted'],
    ['prices.xls', true, 'Only .xlsx workbooks and .csv files'],
    ['prices.csv.zip', true, 'Only .xlsx workbooks and .csv files'],
  ])('refuses %s (csv accepted: %s)', (name, csv, message) => {
    expect(() => uploadFormat(name, csv)).toThrow(
      expect.objectContaining({ code: 'IMPORTS.NOT_XLSX', status: 415 }),
    );
    expect(() => uploadFormat(name, csv)).toThrow(message);
  });
});

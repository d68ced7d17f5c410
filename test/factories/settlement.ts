import { TransactionRunner } from '../../src/database/transaction-runner';
import { SYSTEM } from '../../src/modules/audit/audit.service';
import { Organisation } from '../../src/modules/identity/organisations/organisation.entity';
import { LedgerAccount } from '../../src/modules/settlement/ledger/account.entity';
import { AccountSpec } from '../../src/modules/settlement/ledger/domain/account-rules';
import {
  JournalDraft,
  LedgerService,
  PostedJournal,
} from '../../src/modules/settlement/ledger/ledger.service';
import { TestApp } from '../setup/test-app';
import { makeOrganisation, makeRegionTree, makeUser } from './identity';

/**
 * Ledger data goes through LedgerService (not straight to the tables): accounts and journals
 * only exist with their balance rows, and the service is what every other context will call.
 */
export function openAccount(t: TestApp, spec: AccountSpec): Promise<LedgerAccount> {
  const ledger = t.app.get(LedgerService);
  return t.app.get(TransactionRunner).run((m) => ledger.account(m, spec));
}

/** Posts a journal as the system, the way a settlement job would. */
export function postJournal(t: TestApp, draft: JournalDraft): Promise<PostedJournal> {
  const ledger = t.app.get(LedgerService);
  return t.app.get(TransactionRunner).run((m) => ledger.post(m, SYSTEM, draft));
}

/** A hospital with its settlement, prepayment and receivable accounts. */
export async function makeHospitalAccounts(t: TestApp, regionCode: string) {
  const org = await makeOrganisation(t, 'hospital', { regionCode });
  return {
    org,
    settlement: await openAccount(t, { type: 'hospital_settlement', ownerId: org.id }),
    prepayment: await openAccount(t, { type: 'prepayment', ownerId: org.id }),
    receivable: await openAccount(t, { type: 'receivable', ownerId: org.id }),
  };
}

/**
 * The people and accounts of one pooling region: a city authority with a fund officer, an
 * auditor, a regional admin and a procurement officer; a hospital in one of its counties and a
 * supplier, each with a login; the city's fund account, the hospital's and the supplier's
 * accounts.
 */
export async function makeLedgerCast(t: TestApp) {
  const regions = await makeRegionTree(t);
  const authority = await makeOrganisation(t, 'authority', { regionCode: regions.city.code });
  const hospital = await makeHospitalAccounts(t, regions.county.code);
  const supplierOrg: Organisation = await makeOrganisation(t, 'manufacturer', {
    regionCode: regions.province.code,
  });
  return {
    regions,
    authority,
    fundOfficer: await makeUser(t, authority, ['fund_officer']),
    auditor: await makeUser(t, authority, ['auditor']),
    admin: await makeUser(t, authority, ['admin']),
    procurementOfficer: await makeUser(t, authority, ['procurement_officer']),
    fund: await openAccount(t, { type: 'fund', regionCode: regions.city.code }),
    hospital: { ...hospital, user: await makeUser(t, hospital.org, ['hospital_user']) },
    supplier: {
      org: supplierOrg,
      payable: await openAccount(t, { type: 'supplier_payable', ownerId: supplierOrg.id }),
      user: await makeUser(t, supplierOrg, ['supplier_user']),
    },
  };
}

export type LedgerCast = Awaited<ReturnType<typeof makeLedgerCast>>;

import { CreateIdentity1795200000000 } from '../../migrations/1795200000000-CreateIdentity';
import { CreateAuditLog1795300000000 } from '../../migrations/1795300000000-CreateAuditLog';
import { CreateCatalog1795400000000 } from '../../migrations/1795400000000-CreateCatalog';
import { CreateImports1795500000000 } from '../../migrations/1795500000000-CreateImports';
import { CreateRuleSets1795600000000 } from '../../migrations/1795600000000-CreateRuleSets';
import { CreateRounds1795700000000 } from '../../migrations/1795700000000-CreateRounds';
import { CreateExecution1795800000000 } from '../../migrations/1795800000000-CreateExecution';
import { CreateLedger1795900000000 } from '../../migrations/1795900000000-CreateLedger';
import { CreateStatements1796000000000 } from '../../migrations/1796000000000-CreateStatements';
import { CreateUsage1796100000000 } from '../../migrations/1796100000000-CreateUsage';
import { CreateSettlementPolicies1796200000000 } from '../../migrations/1796200000000-CreateSettlementPolicies';
import { CreateBankBatches1796300000000 } from '../../migrations/1796300000000-CreateBankBatches';
import { CreateOverdueAlerts1796400000000 } from '../../migrations/1796400000000-CreateOverdueAlerts';
import { StatementMembershipByWindow1796500000000 } from '../../migrations/1796500000000-StatementMembershipByWindow';
import { SettlementLooseEnds1796520000000 } from '../../migrations/1796520000000-SettlementLooseEnds';
import { CreateObservations1796700000000 } from '../../migrations/1796700000000-CreateObservations';
import { CreatePriceRulesAndAlerts1796710000000 } from '../../migrations/1796710000000-CreatePriceRulesAndAlerts';
import { CreatePriceCasesAndReports1796720000000 } from '../../migrations/1796720000000-CreatePriceCasesAndReports';
import { CreateCredit1796800000000 } from '../../migrations/1796800000000-CreateCredit';
import { CreateSupplyAssurance1796810000000 } from '../../migrations/1796810000000-CreateSupplyAssurance';
import { ImportDuplicatesPerOrganisation1796900000000 } from '../../migrations/1796900000000-ImportDuplicatesPerOrganisation';
import { ListingMultipleYellowFloor1796910000000 } from '../../migrations/1796910000000-ListingMultipleYellowFloor';
import { ListingSuspensionsBySource1796950000000 } from '../../migrations/1796950000000-ListingSuspensionsBySource';
import { CreateEvaluationLocks1796970000000 } from '../../migrations/1796970000000-CreateEvaluationLocks';
import { RepairStatementMembership1796980000000 } from '../../migrations/1796980000000-RepairStatementMembership';
import { CommitmentTextVersions1796985000000 } from '../../migrations/1796985000000-CommitmentTextVersions';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list loads under
 * ts-jest and from the compiled output.
 */
export const MIGRATIONS = [
  CreateIdentity1795200000000,
  CreateAuditLog1795300000000,
  CreateCatalog1795400000000,
  CreateImports1795500000000,
  CreateRuleSets1795600000000,
  CreateRounds1795700000000,
  CreateExecution1795800000000,
  CreateLedger1795900000000,
  CreateStatements1796000000000,
  CreateUsage1796100000000,
  CreateSettlementPolicies1796200000000,
  CreateBankBatches1796300000000,
  CreateOverdueAlerts1796400000000,
  StatementMembershipByWindow1796500000000,
  SettlementLooseEnds1796520000000,
  CreateObservations1796700000000,
  CreatePriceRulesAndAlerts1796710000000,
  CreatePriceCasesAndReports1796720000000,
  CreateCredit1796800000000,
  CreateSupplyAssurance1796810000000,
  ImportDuplicatesPerOrganisation1796900000000,
  ListingMultipleYellowFloor1796910000000,
  ListingSuspensionsBySource1796950000000,
  CreateEvaluationLocks1796970000000,
  RepairStatementMembership1796980000000,
  CommitmentTextVersions1796985000000,
];

import { importScenario } from './scenarios/import.scenario';
import { monitoringScanScenario } from './scenarios/monitoring-scan.scenario';
import { observationImportScenario } from './scenarios/observation-import.scenario';
import { observationsScenario } from './scenarios/observations.scenario';
import { openingScenario } from './scenarios/opening.scenario';
import { readApiScenario } from './scenarios/read-api.scenario';
import { statementsScenario } from './scenarios/statements.scenario';
import type { Scenario } from './scenario';

/** Every scenario, in the order a run goes through them. A new scenario is one file plus a line here. */
export const SCENARIOS: readonly Scenario[] = [
  readApiScenario,
  importScenario,
  observationImportScenario,
  openingScenario,
  statementsScenario,
  observationsScenario,
  monitoringScanScenario,
];

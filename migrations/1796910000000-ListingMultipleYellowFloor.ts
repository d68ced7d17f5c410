import { MigrationInterface, QueryRunner } from 'typeorm';
import { Decimal } from '../src/database/decimal';

type Parameters = Record<string, string>;

/** The seeded default: yellow above 1 ×, i.e. every listing but the cheapest of its generic. */
const BEFORE: Parameters = { yellowAbove: '1', red1From: '2', red2From: '5', red3From: '10' };
/** The default since: yellow above 1.5 ×, the red bands of §M3.2 unchanged. */
const AFTER: Parameters = { yellowAbove: '1.5', red1From: '2', red2From: '5', red3From: '10' };

interface RuleRow {
  id: string | number;
  enabled: boolean | number;
  parameters: string;
  scope: string;
  severity_overrides: string;
  version: string | number;
  updated_by: string | null;
}

interface VersionRow {
  id: string | number;
  parameters: string;
  changed_by: string | null;
  changed_at: Date | string;
}

/** Same keys, numerically equal values ("1.0" is 1): parameters as the rule validates them. */
function same(stored: string, expected: Parameters): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const p = parsed as Record<string, unknown>;
  const keys = Object.keys(expected);
  if (Object.keys(p).length !== keys.length) return false;
  return keys.every((k) => {
    const v = p[k];
    return typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) && new Decimal(v).eq(expected[k]);
  });
}

/** A UTC `YYYY-MM-DD HH:MM:SS.mmm` literal both drivers store as-is. */
function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * §M3.2 `listing_multiple`: the stored rule moves from yellow above 1 × to yellow above 1.5 ×,
 * as a new version of the rule written by the system — only where its parameters are still the
 * seeded ones. An analyst's tuning is left as it is. down() takes back exactly that version.
 */
export class ListingMultipleYellowFloor1796910000000 implements MigrationInterface {
  name = 'ListingMultipleYellowFloor1796910000000';

  async up(qr: QueryRunner): Promise<void> {
    const rows = (await qr.query(
      "SELECT id, enabled, parameters, scope, severity_overrides, version, updated_by FROM monitoring_rules WHERE code = 'listing_multiple'",
    )) as RuleRow[];
    const now = utc(new Date());
    for (const row of rows) {
      if (!same(row.parameters, BEFORE)) continue;
      const version = Number(row.version) + 1;
      const parameters = JSON.stringify(AFTER);
      await qr.query(
        'UPDATE monitoring_rules SET parameters = ?, version = ?, updated_by = NULL, updated_at = ? WHERE id = ? AND version = ?',
        [parameters, version, now, row.id, row.version],
      );
      await qr.query(
        'INSERT INTO monitoring_rule_versions (rule_code, version, enabled, parameters, scope, severity_overrides, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)',
        [
          'listing_multiple',
          version,
          row.enabled ? 1 : 0,
          parameters,
          row.scope,
          row.severity_overrides,
          now,
        ],
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    const rows = (await qr.query(
      "SELECT id, enabled, parameters, scope, severity_overrides, version, updated_by FROM monitoring_rules WHERE code = 'listing_multiple'",
    )) as RuleRow[];
    for (const row of rows) {
      // Only the version up() wrote, still current: the system's, with the new parameters.
      if (row.updated_by !== null || !same(row.parameters, AFTER)) continue;
      const version = Number(row.version);
      const [mine] = (await qr.query(
        "SELECT id, parameters, changed_by, changed_at FROM monitoring_rule_versions WHERE rule_code = 'listing_multiple' AND version = ?",
        [version],
      )) as VersionRow[];
      const [previous] = (await qr.query(
        "SELECT id, parameters, changed_by, changed_at FROM monitoring_rule_versions WHERE rule_code = 'listing_multiple' AND version = ?",
        [version - 1],
      )) as VersionRow[];
      if (!mine || mine.changed_by !== null || !previous || !same(previous.parameters, BEFORE))
        continue;
      const changedAt =
        previous.changed_at instanceof Date
          ? utc(previous.changed_at)
          : String(previous.changed_at);
      await qr.query(
        'UPDATE monitoring_rules SET parameters = ?, version = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?',
        [previous.parameters, version - 1, previous.changed_by, changedAt, row.id, version],
      );
      await qr.query('DELETE FROM monitoring_rule_versions WHERE id = ?', [mine.id]);
    }
  }
}

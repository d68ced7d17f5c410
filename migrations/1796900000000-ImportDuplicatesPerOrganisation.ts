import { MigrationInterface, QueryRunner, TableIndex, TableUnique } from 'typeorm';
import { dialectOf } from '../src/database/dialect';
import { unique } from '../src/database/migration-keys';

const TABLE = 'import_files';
const BEFORE = unique(TABLE, 'kind', 'context_id', 'sha256');
const AFTER = unique(TABLE, 'kind', 'context_id', 'organisation_id', 'sha256');

/**
 * §X "the same file uploaded twice is recognised" per uploading organisation. The first key
 * spanned every organisation, so for a context many organisations share (a month, a round) the
 * second organisation to upload an identical file was refused with a 409 about the first
 * organisation's import. The key now includes the uploader's organisation (authorities included:
 * a platform-level kind is keyed by the authority that uploads it).
 *
 * MySQL keeps unique keys as indexes; SQLite made the first one a table constraint (dropping it
 * rebuilds the table). The new key is a unique index on both. Going down fails while two
 * organisations hold the same file for one kind and context, which the old key cannot express.
 */
export class ImportDuplicatesPerOrganisation1796900000000 implements MigrationInterface {
  name = 'ImportDuplicatesPerOrganisation1796900000000';

  async up(qr: QueryRunner): Promise<void> {
    if (dialectOf(qr) === 'mysql') {
      await qr.createIndex(TABLE, asIndex(AFTER));
      await qr.dropIndex(TABLE, BEFORE.name!);
    } else {
      await qr.dropUniqueConstraint(TABLE, BEFORE.name!);
      await qr.createIndex(TABLE, asIndex(AFTER));
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (dialectOf(qr) === 'mysql') await qr.createIndex(TABLE, asIndex(BEFORE));
    else await qr.createUniqueConstraint(TABLE, BEFORE);
    await qr.dropIndex(TABLE, AFTER.name!);
  }
}

function asIndex(key: TableUnique): TableIndex {
  return new TableIndex({ name: key.name, columnNames: key.columnNames, isUnique: true });
}

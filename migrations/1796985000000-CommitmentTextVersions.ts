import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { dialectOf, migrationColumns } from '../src/database/dialect';

/**
 * §K4 integrity commitment texts (信用承诺书) published by the bureau, and round commitments
 * (§P4) that name the text they signed.
 *
 * - `credit_commitment_texts` gains `published_by`: the supervisor who published a version.
 *   The text seeded by 1796800000000 has none (null): it came with the installation.
 * - `round_commitments` gains `text_version` and `text_sha256`, the version of the text in
 *   force when the supplier signed and its digest, as `credit_commitments` already records.
 *   Until now only the seeded text could be in force, so every existing signature gets the
 *   text current today (the last one published).
 *
 * down() drops the columns; text versions published in the meantime stay, since general
 * commitments (`credit_commitments`) may name them.
 */
export class CommitmentTextVersions1796985000000 implements MigrationInterface {
  name = 'CommitmentTextVersions1796985000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = migrationColumns(qr);
    await qr.addColumn(
      'credit_commitment_texts',
      new TableColumn(c.string('published_by', 40, true)),
    );
    await qr.addColumns('round_commitments', [
      new TableColumn(c.string('text_version', 32, true)),
      new TableColumn(c.string('text_sha256', 64, true)),
    ]);
    const [current] = (await qr.query(
      'SELECT version, sha256 FROM credit_commitment_texts ORDER BY id DESC LIMIT 1',
    )) as Array<{ version: string; sha256: string }>;
    if (!current) throw new Error('No integrity commitment text: 1796800000000 seeds one');
    await qr.query(
      'UPDATE round_commitments SET text_version = ?, text_sha256 = ? WHERE text_version IS NULL',
      [current.version, current.sha256],
    );
    // Every row names its text now. TypeORM's changeColumn rebuilds the table on SQLite; MySQL
    // gets the plain ALTER.
    if (dialectOf(qr) === 'mysql')
      await qr.query(`ALTER TABLE round_commitments MODIFY text_version VARCHAR(32) NOT NULL,
        MODIFY text_sha256 VARCHAR(64) NOT NULL`);
    else
      for (const name of ['text_version', 'text_sha256']) {
        const table = await qr.getTable('round_commitments');
        const old = table!.findColumnByName(name)!;
        const required = old.clone();
        required.isNullable = false;
        await qr.changeColumn('round_commitments', old, required);
      }
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumns('round_commitments', ['text_version', 'text_sha256']);
    await qr.dropColumn('credit_commitment_texts', 'published_by');
  }
}

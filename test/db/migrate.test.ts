import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { listMigrations, migrate } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.drop();
  db = undefined;
});

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtandao-migrations-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

async function tables(database: TestDatabase): Promise<string[]> {
  const rows = await database.sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`;
  return rows.map((r) => r.name);
}

test('the real migrations build the schema on an empty database, and a second run changes nothing', async () => {
  db = await createTestDatabase({ empty: true });
  assert.deepEqual(await tables(db), []);

  const first = await migrate(db.sql);
  assert.equal(first.applied.length, listMigrations().length);
  assert.ok((await tables(db)).includes('platform_checks'));

  const second = await migrate(db.sql);
  assert.deepEqual(second.applied, []);
  const [row] = await db.sql<{ n: number }[]>`select count(*) as n from schema_migrations`;
  assert.equal(row?.n, listMigrations().length);
});

test('pending migrations apply in one transaction: a failure leaves nothing half-done', async () => {
  db = await createTestDatabase({ empty: true });
  const dir = migrationsDir({
    '00001_first.sql': 'create table first_table (id int);',
    '00002_broken.sql': 'create table second_table (id int); select * from no_such_table;',
  });
  await assert.rejects(migrate(db.sql, dir), /no_such_table/);
  assert.deepEqual(await tables(db), []);
});

test('a gap in migration numbers is refused before anything runs', async () => {
  db = await createTestDatabase({ empty: true });
  const dir = migrationsDir({ '00001_first.sql': 'create table a (id int);', '00003_third.sql': 'create table c (id int);' });
  await assert.rejects(migrate(db.sql, dir), /without gaps: expected 00002/);
  assert.deepEqual(await tables(db), []);
});

test('older code refuses a database migrated by newer code', async () => {
  db = await createTestDatabase({ empty: true });
  const newer = migrationsDir({ '00001_first.sql': 'create table a (id int);', '00002_second.sql': 'create table b (id int);' });
  await migrate(db.sql, newer);
  const older = migrationsDir({ '00001_first.sql': 'create table a (id int);', '00002_other.sql': 'create table z (id int);' });
  await assert.rejects(migrate(db.sql, older), /migration 2 \(second\) that this code does not/);
});

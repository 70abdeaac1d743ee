import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createSql, type Sql } from '../../db/client';
import { TEMPLATE_DATABASE, testEnv } from './environment';

export interface TestDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** A fresh database for one test file: a copy of the migrated template, dropped afterwards. */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = testEnv().MTANDAO_TEST_PG_URL;
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(opts.empty ? `create database ${name}` : `create database ${name} template ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const sql = createSql(url, { max: 4 });
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      const a = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

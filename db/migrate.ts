import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './client';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

interface Migration {
  id: number;
  name: string;
  path: string;
}

/** `00001_name.sql` files, numbered without gaps; a gap or a stray name is a packaging error, not skipped. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{5})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`Migration file ${file} must be named like 00001_create_tenants.sql`);
      return { id: Number(match[1]), name: match[2]!, path: join(dir, file) };
    });
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`Migrations must be numbered without gaps: expected ${String(i + 1).padStart(5, '0')}, found ${m.id}`);
  });
  return migrations;
}

/**
 * Applies every pending migration in one transaction, forwards only. An advisory lock keeps two
 * processes (npm start, a worker booting beside it) from racing on the same database.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<{ applied: string[]; current: number }> {
  const migrations = listMigrations(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('mtandao.migrations'))`;
    await tx`create table if not exists schema_migrations (
      id integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`;
    const done = await tx<{ id: number; name: string }[]>`select id, name from schema_migrations order by id`;
    for (const row of done) {
      const known = migrations[row.id - 1];
      if (!known || known.name !== row.name) {
        throw new Error(`Database has migration ${row.id} (${row.name}) that this code does not: refusing to run older code on a newer schema`);
      }
    }
    const pending = migrations.slice(done.length);
    for (const m of pending) {
      await tx.unsafe(readFileSync(m.path, 'utf8'));
      await tx`insert into schema_migrations (id, name) values (${m.id}, ${m.name})`;
    }
    return { applied: pending.map((m) => `${String(m.id).padStart(5, '0')}_${m.name}`), current: migrations.length };
  });
}

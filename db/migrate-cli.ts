import { envSchema, loadConfig } from '../config/env';
import { createSql } from './client';
import { migrate } from './migrate';

// `npm run db:migrate`: apply pending migrations to DATABASE_URL (npm start does this itself on the embedded database).
const config = loadConfig(envSchema.pick({ DATABASE_URL: true }).required({ DATABASE_URL: true }));
const sql = createSql(config.DATABASE_URL, { max: 1 });
try {
  const { applied, current } = await migrate(sql);
  console.log(applied.length ? `applied ${applied.join(', ')}; schema at ${current}` : `schema already at ${current}`);
} catch (err) {
  console.error(`migration failed, nothing applied: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await sql.end();
}
